// Manufactured solution for the elasticity solver (solver/mechanics/elasticity.hpp):
// on the cube [0, L]^3 with k = π/L, q = π/(2L),
//   u = U [ sin kx cos ky C(z),  cos kx sin ky C(z),  cos kx cos ky S(z) ],
//   C = −2 cos qz,  S = sin qz,
// satisfies the solver's boundary conditions exactly: rollers on the sides (normal
// displacement and shear tractions vanish: sin kx = 0 on x-faces), u_z = 0 and no
// shear at z = 0 (S = 0, C' = kS), and a traction-free top (C = 0, S' = 0, C' = kS).
// The body force b = −∇·σ = −[(λ+μ)∇(∇·u) + μ∇²u] is the load. Trilinear elements
// converge as h^2 in L2; measured on 8^3, 16^3, 32^3 (cell-centred means of the
// nodal displacement against u at the centres, itself an O(h^2) difference).
#include "mesh/grid.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "support/voxel_field.hpp"

#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kL = 10e-6, kU = 1e-9, kE = 15e9, kNu = 0.3;

struct Manufactured {
  double k = kPi / kL, q = kPi / (2 * kL);
  double lambda = kE * kNu / ((1 + kNu) * (1 - 2 * kNu)), mu = kE / (2 * (1 + kNu));

  std::array<double, 3> u(double x, double y, double z) const {
    const double c = -2 * std::cos(q * z), s = std::sin(q * z);
    return {kU * std::sin(k * x) * std::cos(k * y) * c, kU * std::cos(k * x) * std::sin(k * y) * c,
            kU * std::cos(k * x) * std::cos(k * y) * s};
  }
  std::array<double, 3> body_force(double x, double y, double z) const {
    const double sx = std::sin(k * x), cx = std::cos(k * x), sy = std::sin(k * y), cy = std::cos(k * y);
    const double c = -2 * std::cos(q * z), s = std::sin(q * z);
    const double d = (q - 4 * k) * std::cos(q * z), dz = -q * (q - 4 * k) * std::sin(q * z); // ∇·u = U cx cy d
    const double lap = -2 * k * k - q * q; // ∇²u = lap u (each component)
    const std::array<double, 3> grad_div = {-k * sx * cy * d, -k * cx * sy * d, cx * cy * dz};
    const std::array<double, 3> lap_u = {lap * sx * cy * c, lap * cx * sy * c, lap * cx * cy * s};
    std::array<double, 3> b{};
    for (int i = 0; i < 3; ++i) b[std::size_t(i)] = -kU * ((lambda + mu) * grad_div[std::size_t(i)] + mu * lap_u[std::size_t(i)]);
    return b;
  }
};

/// Relative L2 error of the cell-centred displacement on an n^3 grid.
double l2_error(std::int64_t n, int& iterations) {
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  const double h = kL / double(n);
  spec.spacing = {h, h, h};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::MaterialTable mats(1);
  mats[0].name = "SE";
  mats[0].phase = navox::Phase::SE;
  mats[0].youngs_modulus = kE;
  mats[0].poisson_ratio = kNu;
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto) { return 0.0; });
  navox::Elasticity elastic(grid, labels, mats);
  const Manufactured m;
  navox::ElasticLoad load;
  load.body_force = [&m](double x, double y, double z) { return m.body_force(x, y, z); };
  const navox::ElasticResult r = elastic.solve(load);
  EXPECT_TRUE(r.converged);
  iterations = int(r.iterations);
  Vec u[3];
  for (Vec& v : u) DMCreateGlobalVector(grid.scalar_dm(), &v);
  elastic.displacement(u[0], u[1], u[2]);
  std::vector<double> g[3];
  for (int c = 0; c < 3; ++c) g[c] = navox::test::gather_natural(grid, u[c]);
  double err = 0, norm = 0;
  for (std::int64_t k = 0; k < n; ++k)
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t i = 0; i < n; ++i) {
        const auto exact = m.u((double(i) + 0.5) * h, (double(j) + 0.5) * h, (double(k) + 0.5) * h);
        for (int c = 0; c < 3; ++c) {
          const double e = g[c][std::size_t((k * n + j) * n + i)] - exact[std::size_t(c)];
          err += e * e;
          norm += exact[std::size_t(c)] * exact[std::size_t(c)];
        }
      }
  for (Vec& v : u) VecDestroy(&v);
  VecDestroy(&labels);
  return std::sqrt(err / norm);
}

TEST(ElasticMms, DisplacementConvergesAtSecondOrder) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::int64_t sizes[3] = {8, 16, 32};
  double e[3];
  int its[3];
  for (int l = 0; l < 3; ++l) e[l] = l2_error(sizes[l], its[l]);
  const double p1 = std::log2(e[0] / e[1]), p2 = std::log2(e[1] / e[2]);
  if (rank == 0)
    std::printf("elastic MMS: L2 rel error %.3e (8^3, %d its), %.3e (16^3, %d its), %.3e (32^3, %d its); "
                "orders %.3f, %.3f\n",
                e[0], its[0], e[1], its[1], e[2], its[2], p1, p2);
  navox::test::validate_line("elastic manufactured solution: L2 order of u (8^3, 16^3, 32^3)", "2 (> 1.8)",
                             "%.3f, %.3f", p1, p2);
  EXPECT_GT(p1, 1.8);
  EXPECT_GT(p2, 1.8);
  EXPECT_LT(e[2], 1e-2);
}

} // namespace
