// Analytic limits of the ionic potential solve (MODEL.md §3.1, §6): two SE layers
// in series and two SE columns in parallel between the counter electrode (z = 0)
// and a CC held at V. Both are exact for two-point fluxes with harmonic means,
// so the current and the potentials must match to solver tolerance on any
// number of ranks.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace {

navox::MaterialTable materials() {
  navox::MaterialTable m(3);
  m[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
  m[1] = {"NZSP", navox::Phase::SE, 0.5, 0, 298.15};
  m[2] = {"Na", navox::Phase::NA, 0, 0, 298.15}; // a Na electrode: active for plating and stripping
  return m;
}

struct Solved {
  navox::IonicResult result;
  std::vector<double> phi; ///< this rank's block
};

Solved solve(const navox::Grid& grid, const std::function<int(std::int64_t, std::int64_t, std::int64_t)>& label,
             double v) {
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return double(label(i, j, k)); }), x;
  DMCreateGlobalVector(grid.field_dm("phi"), &x);
  VecSet(x, 0.0);
  const navox::MaterialTable mats = materials();
  navox::IonicPotential ionic(grid, labels, mats);
  Solved s{ionic.solve(x, {298.15, v}), navox::scalar_block(grid, x)};
  VecDestroy(&x);
  VecDestroy(&labels);
  return s;
}

TEST(IonicLayers, SeriesIsExact) {
  navox::GridSpec spec;
  const int n1 = 6, n2 = 4;
  spec.dims = {4, 3, n1 + n2 + 1};
  spec.spacing = {2e-6, 2e-6, 1.5e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi"});
  const double v = -0.01, h = spec.spacing[2];
  const Solved s = solve(grid, [&](auto, auto, auto k) { return k < n1 ? 0 : k < n1 + n2 ? 1 : 2; }, v);
  const double r1 = n1 * h / 0.09, r2 = n2 * h / 0.5; // area-specific resistances [ohm m^2]
  const double i = -v / (r1 + r2);                      // current density CE -> CC [A/m^2]
  const double area = 4 * 2e-6 * 3 * 2e-6;
  EXPECT_NEAR(s.result.counter_current / (i * area), 1.0, 1e-8);
  EXPECT_NEAR(-s.result.electrode_current / (i * area), 1.0, 1e-8); // all of it leaves at the CC
  const navox::Box b = grid.owned();
  for (auto k = b.lo[2]; k < b.hi(2); ++k) {
    const double z = (k + 0.5) * h;
    const double expected = k < n1 ? -i * z / 0.09 : k < n1 + n2 ? -i * (r1 + (z - n1 * h) / 0.5) : v;
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto ii = b.lo[0]; ii < b.hi(0); ++ii)
        ASSERT_NEAR(s.phi[b.offset(ii, j, k)], expected, 1e-10) << "k = " << k;
  }
}

TEST(IonicLayers, ParallelIsExact) {
  navox::GridSpec spec;
  spec.dims = {6, 2, 9};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  spec.periodic_lateral = false;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi"});
  const double v = 0.02; // stripping direction: current flows CC -> CE
  const Solved s = solve(grid, [&](auto i, auto, auto k) { return k == 8 ? 2 : i < 2 ? 0 : 1; }, v);
  const double length = 8e-6;
  const double expected = -v / length * (0.09 * 2 * 2e-12 + 0.5 * 4 * 2e-12);
  EXPECT_NEAR(s.result.counter_current / expected, 1.0, 1e-8);
}

} // namespace
