// The conserved Allen–Cahn step with band-limited Langevin noise
// (solver/phase_field.*), on 1, 2 and 4 ranks:
//  - a planar front relaxes to ξ = ½[1 − tanh(z/δ)] with measured second-order
//    convergence in h, its position fixed by conservation;
//  - a sphere of Na that plain Allen–Cahn would erase by t ≈ 3.6/k keeps its volume
//    and its dense core (the multiplier at work);
//  - with noise, solids and walls: Σξ is conserved to 1e-12, ξ stays in [0, 1] and
//    out of SE and CC, and the field equals a one-process replay to 1e-12;
//    another seed gives another field;
//  - the noise has the filter's spectrum: unit variance, and the correlation at
//    lags 1–3 voxels of physics::BandLimitedNoise::covariance (white when ℓ = 0);
//  - in a V8 plating run, Na volume = Ω/F × faradaic charge still holds to 1e-9;
//  - the vectorised row kernel (four voxels at a time, the row's ends and rows shorter
//    than four handled apart, ghosts by the face halo) equals a plain voxel-by-voxel
//    sweep of the same equation written here, for rows of 1–13 voxels, walled and
//    periodic, split along x, y and z.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/sodium/phase_field.hpp"
#include "support/nucleation_v8.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

navox::MaterialTable materials() {
  navox::MaterialTable m(3);
  m[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
  m[1] = {"Al", navox::Phase::CC, 0, 0, 298.15};
  m[2] = {"pore", navox::Phase::PORE, 0, 0, 298.15};
  return m;
}

navox::PhaseFieldSpec relaxation(double rate, double width) {
  navox::PhaseFieldSpec s;
  s.enabled = true;
  s.relaxation.rate = rate;
  s.relaxation.width = width;
  return s;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

/// Max-norm error of a planar front after t = 40/k against the tanh profile, on
/// a column of n voxels of 16δ/n, the front starting sharp at the middle.
double planar_front_error(int n) {
  const double delta = 1e-6, h = 16 * delta / n;
  navox::GridSpec spec;
  spec.dims = {1, 1, n};
  spec.spacing = {h, h, h};
  spec.processors = {1, 1, world_size()};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"xi"});
  const navox::MaterialTable mats = materials();
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto) { return 2.0; });
  Vec xi = navox::test::voxel_field(grid, [&](auto, auto, auto k) { return k < n / 2 ? 1.0 : 0.0; });
  const double before = sum(navox::test::gather_natural(grid, xi));
  navox::PhaseFieldStep step(grid, mats, relaxation(1.0, delta));
  for (int s = 1; s <= 40; ++s) step.advance(xi, labels, s, 1.0);
  const std::vector<double> v = navox::test::gather_natural(grid, xi);
  EXPECT_NEAR(sum(v), before, 1e-12 * before);
  double err = 0;
  for (int k = 0; k < n; ++k) {
    const double z = (k + 0.5) * h - 8 * delta;
    err = std::max(err, std::abs(v[k] - 0.5 * (1 - std::tanh(z / delta))));
  }
  VecDestroy(&xi);
  VecDestroy(&labels);
  return err;
}

TEST(PhaseField, PlanarFrontConvergesToTheTanhProfileAtSecondOrder) {
  const double e1 = planar_front_error(32), e2 = planar_front_error(64), e3 = planar_front_error(128);
  const double order = std::log2(e2 / e3);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    std::printf("planar front: max error %.3e (h = δ/2), %.3e (δ/4), %.3e (δ/8); orders %.2f, %.2f\n", e1, e2, e3,
                std::log2(e1 / e2), order);
  EXPECT_LT(e1, 0.05);
  EXPECT_NEAR(order, 2.0, 0.2);
}

TEST(PhaseField, MultiplierKeepsASphereThatPlainAllenCahnErases) {
  const int n = 20;
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"xi"});
  const navox::MaterialTable mats = materials();
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto) { return 2.0; });
  auto r2 = [](auto i, auto j, auto k) {
    const double x = i - 9.5, y = j - 9.5, z = k - 9.5;
    return x * x + y * y + z * z;
  };
  Vec xi = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return r2(i, j, k) < 16.0 ? 1.0 : 0.0; });
  const double before = sum(navox::test::gather_natural(grid, xi));
  navox::PhaseFieldStep step(grid, mats, relaxation(1.0, 1.5e-6));
  for (int s = 1; s <= 10; ++s) step.advance(xi, labels, s, 1.0); // plain Allen–Cahn: gone by t = R²/(2kδ²) = 3.6 s
  const std::vector<double> v = navox::test::gather_natural(grid, xi);
  EXPECT_NEAR(sum(v), before, 1e-12 * before);
  EXPECT_GT(v[(10 * n + 10) * n + 10], 0.9); // the multiplier lowers the core a little (Gibbs–Thomson)
  EXPECT_LT(v[0], 1e-3);
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0);
  EXPECT_LE(*std::max_element(v.begin(), v.end()), 1.0);
  VecDestroy(&xi);
  VecDestroy(&labels);
}

/// 12^3 voxels: SE below z = 2, CC above z = 9 with two pillars down to z = 5, pores
/// between, Na in the lower pores with a ragged front; `steps` steps of noise and
/// relaxation. Returns ξ in natural order on every rank.
std::vector<double> noisy_cell(MPI_Comm comm, std::uint64_t seed, double strength, double* before = nullptr) {
  navox::GridSpec spec;
  spec.dims = {12, 12, 12};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  spec.periodic_lateral = true;
  navox::Grid grid(comm, spec, {"xi"});
  const navox::MaterialTable mats = materials();
  auto label = [](auto i, auto j, auto k) {
    if (k < 2) return 0.0;
    if (k >= 9 || (k >= 5 && ((i == 3 && j == 3) || (i == 8 && j == 7)))) return 1.0;
    return 2.0;
  };
  Vec labels = navox::test::voxel_field(grid, label);
  Vec xi = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    if (label(i, j, k) != 2.0) return 0.0;
    const double front = 4.0 + ((i * 7 + j * 3) % 5) * 0.4;
    return std::clamp(front - double(k), 0.0, 1.0);
  });
  if (before) *before = sum(navox::test::gather_natural(grid, xi));
  navox::PhaseFieldSpec s = relaxation(0.5, 0.75e-6);
  s.noise.strength = strength;
  s.correlation_length = 0.5e-6;
  s.noise.passes = navox::physics::BandLimitedNoise::passes_for(s.correlation_length, 0.5e-6);
  s.seed = seed;
  navox::PhaseFieldStep step(grid, mats, s);
  for (int n = 1; n <= 5; ++n) step.advance(xi, labels, n, 2.0);
  std::vector<double> v = navox::test::gather_natural(grid, xi);
  const std::vector<double> lab = navox::test::gather_natural(grid, labels);
  for (std::size_t g = 0; g < v.size(); ++g)
    if (lab[g] != 2.0) {
      EXPECT_EQ(v[g], 0.0) << "ξ in a solid at " << g;
    }
  VecDestroy(&xi);
  VecDestroy(&labels);
  return v;
}

/// One step of `substeps` conserved Allen–Cahn sub-steps written plainly, voxel by voxel
/// on the natural-order arrays (x fastest): the physics::AllenCahn rate through the faces
/// to voxels that hold ξ (walls and solids zero-flux, x and y wrapped when periodic), λ
/// from the sums over the voxels that hold ξ, the update clamped to [0, 1].
std::vector<double> plain_sweeps(const navox::GridSpec& spec, const std::vector<double>& lab, std::vector<double> xi,
                                 const navox::PhaseFieldSpec& pf, double tau, long substeps) {
  const auto& d = spec.dims;
  const auto at = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return std::size_t((k * d[1] + j) * d[0] + i); };
  const auto holds = [&](std::size_t g) { return lab[g] == 2.0; };
  const navox::physics::AllenCahn& ac = pf.relaxation;
  for (long s = 0; s < substeps; ++s) {
    double rsum = 0, hsum = 0;
    for (std::size_t g = 0; g < xi.size(); ++g)
      if (holds(g)) rsum += ac.bulk(xi[g]), hsum += navox::physics::AllenCahn::multiplier_weight(xi[g]);
    const double lambda = hsum > 0 ? rsum / hsum : 0.0;
    std::vector<double> next = xi;
    for (std::int64_t k = 0; k < d[2]; ++k)
      for (std::int64_t j = 0; j < d[1]; ++j)
        for (std::int64_t i = 0; i < d[0]; ++i) {
          const std::size_t g = at(i, j, k);
          if (!holds(g)) continue;
          double rate = ac.bulk(xi[g]);
          const std::int64_t c[3] = {i, j, k};
          for (int axis = 0; axis < 3; ++axis)
            for (int side : {-1, 1}) {
              std::int64_t n[3] = {c[0], c[1], c[2]};
              n[axis] += side;
              if (n[axis] < 0 || n[axis] >= d[axis]) {
                if (axis == 2 || !spec.periodic_lateral) continue; // a wall
                n[axis] = (n[axis] + d[axis]) % d[axis];
              }
              const std::size_t h = at(n[0], n[1], n[2]);
              if (holds(h)) rate += ac.face_coefficient(spec.spacing[axis]) * (xi[h] - xi[g]);
            }
          next[g] = std::clamp(xi[g] + tau * (rate - lambda * navox::physics::AllenCahn::multiplier_weight(xi[g])), 0.0,
                               1.0);
        }
    xi = next;
  }
  return xi;
}

TEST(PhaseField, RowKernelEqualsAPlainSweepForAnyRowLengthWallAndSplit) {
  const int ranks = world_size();
  const navox::MaterialTable mats = materials();
  int cases = 0;
  for (std::int64_t nx : {1, 2, 3, 4, 5, 7, 8, 9, 13})
    for (bool periodic : {false, true})
      for (int axis = 0; axis < 3; ++axis) {
        navox::GridSpec spec;
        spec.dims = {nx, 8, 8};
        spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
        spec.periodic_lateral = periodic;
        spec.processors = {1, 1, 1};
        spec.processors[axis] = ranks;
        if (spec.dims[axis] < 2 * ranks) continue; // at least two voxels per rank along the split
        navox::Grid grid(MPI_COMM_WORLD, spec, {"xi"});
        // Pores (label 2) with SE and CC voxels scattered through them, ξ ragged in (0, 1).
        auto label = [](auto i, auto j, auto k) { return ((i * 5 + j * 3 + k * 7) % 11 == 0) ? double((i + k) % 2) : 2.0; };
        auto start = [&](auto i, auto j, auto k) {
          return label(i, j, k) == 2.0 ? 0.5 + 0.45 * std::sin(1.3 * double(i) + 0.7 * double(j) - 0.9 * double(k)) : 0.0;
        };
        Vec labels = navox::test::voxel_field(grid, label);
        Vec xi = navox::test::voxel_field(grid, start);
        const std::vector<double> lab = navox::test::gather_natural(grid, labels);
        const std::vector<double> before = navox::test::gather_natural(grid, xi);
        navox::PhaseFieldSpec pf = relaxation(2.0, 0.6e-6);
        navox::PhaseFieldStep step(grid, mats, pf);
        const double dt = 0.2;
        const long n = step.substeps(dt);
        ASSERT_GE(n, 2);
        step.advance(xi, labels, 1, dt);
        const std::vector<double> got = navox::test::gather_natural(grid, xi);
        const std::vector<double> want = plain_sweeps(spec, lab, before, pf, dt / double(n), n);
        double diff = 0;
        for (std::size_t g = 0; g < got.size(); ++g) diff = std::max(diff, std::abs(got[g] - want[g]));
        // λ's sums are added in another order (four lanes a row): round-off only.
        EXPECT_LT(diff, 1e-13) << "rows of " << nx << (periodic ? ", periodic" : ", walled") << ", split along "
                               << "xyz"[axis] << " on " << ranks;
        double moved = 0;
        for (std::size_t g = 0; g < got.size(); ++g) moved = std::max(moved, std::abs(got[g] - before[g]));
        EXPECT_GT(moved, 1e-3); // the step did something to compare
        VecDestroy(&xi);
        VecDestroy(&labels);
        ++cases;
      }
  EXPECT_GE(cases, 40);
}

TEST(PhaseField, NoisyStepConservesStaysBoundedAndMatchesOneProcess) {
  double before = 0;
  const std::vector<double> v = noisy_cell(MPI_COMM_WORLD, 11, 0.02, &before);
  EXPECT_NEAR(sum(v), before, 1e-12 * before);
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0);
  EXPECT_LE(*std::max_element(v.begin(), v.end()), 1.0);

  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    const std::vector<double> serial = noisy_cell(PETSC_COMM_SELF, 11, 0.02);
    double diff = 0;
    for (std::size_t g = 0; g < v.size(); ++g) diff = std::max(diff, std::abs(v[g] - serial[g]));
    EXPECT_LT(diff, 1e-12) << "the partition changed the field";
  }
  // The noise does something, and the seed chooses it.
  const std::vector<double> quiet = noisy_cell(MPI_COMM_WORLD, 11, 0.0);
  const std::vector<double> other = noisy_cell(MPI_COMM_WORLD, 12, 0.02);
  double by_noise = 0, by_seed = 0;
  for (std::size_t g = 0; g < v.size(); ++g) {
    by_noise = std::max(by_noise, std::abs(v[g] - quiet[g]));
    by_seed = std::max(by_seed, std::abs(v[g] - other[g]));
  }
  EXPECT_GT(by_noise, 1e-2);
  EXPECT_GT(by_seed, 1e-2);
}

/// Sample variance and lag correlations of the unit noise on a periodic 24^3 grid,
/// over the layers at least m voxels from the z walls, for 8 steps.
void check_spectrum(double correlation_length) {
  const int n = 24;
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  spec.periodic_lateral = true;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"xi"});
  navox::PhaseFieldSpec s = relaxation(1.0, 1.5e-6);
  s.correlation_length = correlation_length;
  s.noise.passes = navox::physics::BandLimitedNoise::passes_for(correlation_length, 1e-6);
  s.noise.strength = 1.0;
  navox::PhaseFieldStep step(grid, materials(), s);
  const int m = s.noise.passes, k0 = std::max(m, 4), k1 = n - std::max(m, 4);
  const int lags[4][3] = {{1, 0, 0}, {0, 2, 0}, {3, 0, 0}, {1, 1, 0}};
  double sum1 = 0, sum2 = 0, count = 0, lag_sum[4] = {0, 0, 0, 0};
  Vec noise = nullptr;
  DMCreateGlobalVector(grid.scalar_dm(), &noise);
  for (int t = 1; t <= 8; ++t) {
    step.unit_noise(t, noise);
    const std::vector<double> v = navox::test::gather_natural(grid, noise);
    auto at = [&](int i, int j, int k) { return v[((k * n) + (j + n) % n) * n + (i + n) % n]; };
    for (int k = k0; k < k1; ++k)
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
          const double a = at(i, j, k);
          sum1 += a;
          sum2 += a * a;
          count += 1;
          for (int l = 0; l < 4; ++l) lag_sum[l] += a * at(i + lags[l][0], j + lags[l][1], k + lags[l][2]);
        }
  }
  VecDestroy(&noise);
  const double mean = sum1 / count, var = sum2 / count;
  EXPECT_NEAR(mean, 0.0, 0.05);
  EXPECT_NEAR(var, 1.0, 0.08);
  const double c0 = navox::physics::BandLimitedNoise::covariance(m, 0, 0, 0);
  for (int l = 0; l < 4; ++l) {
    const double expected = navox::physics::BandLimitedNoise::covariance(m, lags[l][0], lags[l][1], lags[l][2]) / c0;
    EXPECT_NEAR(lag_sum[l] / count / var, expected, 0.06)
        << "lag " << lags[l][0] << "," << lags[l][1] << "," << lags[l][2] << " with " << m << " passes";
  }
}

TEST(PhaseField, NoiseHasTheFilterSpectrum) {
  check_spectrum(1e-6); // ℓ = h: 6 passes, correlation 0.78 at one voxel
  check_spectrum(0.0);  // white
}

TEST(PhaseField, PlatingWithNoiseConservesNa) {
  const auto run = navox::test::v8::plate(
      "phase_field", {"sodium.phase_field.rate=1 1/s", "sodium.phase_field.noise.strength=0.01 1/s",
                      "sodium.phase_field.noise.seed=3"},
      16);
  const navox::physics::SodiumMetal na;
  ASSERT_FALSE(run.reports.empty());
  for (const auto& r : run.reports)
    EXPECT_NEAR(r["na_thickness"], na.thickness_per_charge() * -r["faradaic_charge"],
                1e-9 * na.thickness_per_charge() * std::abs(r["faradaic_charge"]) + 1e-20);
  EXPECT_GT(run.reports.back()["nuclei"], 0);
  EXPECT_GT(run.dip, run.plateau);
}

} // namespace
