// The Q1 hexahedron (physics/mechanics/hex_elasticity.hpp): a symmetric stiffness
// whose null space is exactly the six rigid-body modes, σ = C ε for a uniform
// strain, and the eigenstress forces of a pressurised voxel.
#include "physics/mechanics/hex_elasticity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace {

using navox::physics::HexElasticity;

const std::array<double, 3> kH = {1e-6, 2e-6, 0.5e-6}; // anisotropic voxel [m]
constexpr double kE = 20e9, kNu = 0.3;

/// Nodal values of the displacement field u(x) at the element's corners.
template <class F> HexElasticity::Nodal nodal(F&& u) {
  HexElasticity::Nodal v{};
  for (int a = 0; a < 8; ++a) {
    const std::array<double, 3> x = {(a & 1) * kH[0], ((a >> 1) & 1) * kH[1], ((a >> 2) & 1) * kH[2]};
    const std::array<double, 3> ua = u(x);
    for (int c = 0; c < 3; ++c) v[std::size_t(3 * a + c)] = ua[std::size_t(c)];
  }
  return v;
}

/// Eigenvalues of a symmetric n×n matrix by cyclic Jacobi rotations, ascending.
std::vector<double> eigenvalues(std::vector<double> a, int n) {
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (int p = 0; p < n; ++p)
      for (int q = 0; q < n; ++q) (p == q ? diag : off) += a[std::size_t(p * n + q)] * a[std::size_t(p * n + q)];
    if (off <= 1e-30 * diag) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = a[std::size_t(p * n + q)];
        if (apq == 0) continue;
        const double theta = (a[std::size_t(q * n + q)] - a[std::size_t(p * n + p)]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) { // columns p, q
          const double akp = a[std::size_t(k * n + p)], akq = a[std::size_t(k * n + q)];
          a[std::size_t(k * n + p)] = c * akp - s * akq;
          a[std::size_t(k * n + q)] = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) { // rows p, q
          const double apk = a[std::size_t(p * n + k)], aqk = a[std::size_t(q * n + k)];
          a[std::size_t(p * n + k)] = c * apk - s * aqk;
          a[std::size_t(q * n + k)] = s * apk + c * aqk;
        }
      }
  }
  std::vector<double> w(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) w[std::size_t(i)] = a[std::size_t(i * n + i)];
  std::sort(w.begin(), w.end());
  return w;
}

HexElasticity::Nodal times(const HexElasticity::Stiffness& k, const HexElasticity::Nodal& u) {
  HexElasticity::Nodal f{};
  for (int m = 0; m < 24; ++m)
    for (int n = 0; n < 24; ++n) f[std::size_t(m)] += k[std::size_t(m * 24 + n)] * u[std::size_t(n)];
  return f;
}

TEST(HexElasticity, StiffnessIsSymmetricPositiveSemidefiniteWithRank18) {
  const auto k = HexElasticity::stiffness(kH, kE, kNu);
  double kmax = 0;
  for (double v : k) kmax = std::max(kmax, std::abs(v));
  for (int m = 0; m < 24; ++m)
    for (int n = 0; n < 24; ++n) EXPECT_NEAR(k[std::size_t(m * 24 + n)], k[std::size_t(n * 24 + m)], 1e-13 * kmax);

  // Eigenvalues: 6 zeros (to round-off), 18 positive.
  const std::vector<double> w = eigenvalues(std::vector<double>(k.begin(), k.end()), 24);
  for (int i = 0; i < 6; ++i) EXPECT_LT(std::abs(w[std::size_t(i)]), 1e-10 * w[23]) << i;
  for (int i = 6; i < 24; ++i) EXPECT_GT(w[std::size_t(i)], 1e-4 * w[23]) << i;
}

TEST(HexElasticity, RigidBodyModesCarryNoForce) {
  const auto k = HexElasticity::stiffness(kH, kE, kNu);
  double kmax = 0;
  for (double v : k) kmax = std::max(kmax, std::abs(v));
  const double scale = kmax * 1e-6; // force of a 1 um motion
  std::vector<HexElasticity::Nodal> modes = {
      nodal([](auto) { return std::array<double, 3>{1e-6, 0, 0}; }),
      nodal([](auto) { return std::array<double, 3>{0, 1e-6, 0}; }),
      nodal([](auto) { return std::array<double, 3>{0, 0, 1e-6}; }),
      nodal([](auto x) { return std::array<double, 3>{0, -x[2], x[1]}; }), // small rotations
      nodal([](auto x) { return std::array<double, 3>{x[2], 0, -x[0]}; }),
      nodal([](auto x) { return std::array<double, 3>{-x[1], x[0], 0}; }),
  };
  for (const auto& m : modes)
    for (double f : times(k, m)) EXPECT_LT(std::abs(f), 1e-12 * scale);
}

TEST(HexElasticity, UniformStrainGivesHookesStressAtTheCentre) {
  // u = ε x with a full symmetric strain tensor.
  const double e[3][3] = {{1e-3, 2e-4, -3e-4}, {2e-4, -5e-4, 1e-4}, {-3e-4, 1e-4, 7e-4}};
  const auto u = nodal([&](auto x) {
    std::array<double, 3> v{};
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) v[std::size_t(r)] += e[r][c] * x[std::size_t(c)];
    return v;
  });
  const auto c = HexElasticity::constitutive(kE, kNu);
  const auto s = HexElasticity::stress(c, HexElasticity::strain_matrix(kH, 0, 0, 0), u);
  const double lambda = kE * kNu / ((1 + kNu) * (1 - 2 * kNu)), mu = kE / (2 * (1 + kNu));
  const double tr = e[0][0] + e[1][1] + e[2][2];
  const double expected[6] = {lambda * tr + 2 * mu * e[0][0], lambda * tr + 2 * mu * e[1][1],
                              lambda * tr + 2 * mu * e[2][2], 2 * mu * e[1][2], 2 * mu * e[0][2], 2 * mu * e[0][1]};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(s[std::size_t(i)], expected[i], 1e-9 * std::abs(lambda * 1e-3)) << i;
  // Anywhere in the element, too (the strain of a linear field is uniform).
  const auto s2 = HexElasticity::stress(c, HexElasticity::strain_matrix(kH, 0.3, -0.7, 0.9), u);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(s2[std::size_t(i)], expected[i], 1e-9 * std::abs(lambda * 1e-3)) << i;
  // And the invariants.
  EXPECT_NEAR(HexElasticity::hydrostatic(s), (3 * lambda + 2 * mu) * tr / 3, 1e-6);
}

TEST(HexElasticity, EigenstressForcesBalanceAndMatchTheHandValueForACube) {
  const double h = 2e-6, p = 1e6;
  const auto f = HexElasticity::eigenstress_forces({h, h, h}, p);
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (int a = 0; a < 8; ++a) sum += f[std::size_t(3 * a + c)];
    EXPECT_NEAR(sum, 0.0, 1e-20);
  }
  // Each node carries a quarter of each adjacent face's p h^2, pointing out of the voxel.
  for (int a = 0; a < 8; ++a)
    for (int c = 0; c < 3; ++c)
      EXPECT_DOUBLE_EQ(f[std::size_t(3 * a + c)], ((a >> c) & 1 ? 1 : -1) * p * h * h / 4);
  // It is p ∫ Bᵀ m dV, here by 2×2×2 Gauss on the anisotropic voxel.
  const auto fa = HexElasticity::eigenstress_forces(kH, p);
  HexElasticity::Nodal q{};
  const double det = kH[0] * kH[1] * kH[2] / 8;
  for (int g = 0; g < 8; ++g) {
    const auto b = HexElasticity::strain_matrix(kH, (g & 1) ? HexElasticity::kGauss : -HexElasticity::kGauss,
                                                (g & 2) ? HexElasticity::kGauss : -HexElasticity::kGauss,
                                                (g & 4) ? HexElasticity::kGauss : -HexElasticity::kGauss);
    for (int n = 0; n < 24; ++n)
      for (int i = 0; i < 3; ++i) q[std::size_t(n)] += p * b[std::size_t(i * 24 + n)] * det;
  }
  for (int n = 0; n < 24; ++n) EXPECT_NEAR(fa[std::size_t(n)], q[std::size_t(n)], 1e-12 * std::abs(q[std::size_t(n)]));
}

TEST(HexElasticity, VonMisesOfUniaxialStressIsItsMagnitude) {
  EXPECT_DOUBLE_EQ(HexElasticity::von_mises({-3e6, 0, 0, 0, 0, 0}), 3e6);
  EXPECT_NEAR(HexElasticity::von_mises({0, 0, 0, 0, 0, 1e6}), std::sqrt(3.0) * 1e6, 1e-6);
  EXPECT_NEAR(HexElasticity::von_mises({-2e6, -2e6, -2e6, 0, 0, 0}), 0.0, 1e-9);
}

} // namespace
