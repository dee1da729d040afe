// Effective conductivity of one phase: exact two-point-flux limits (a straight
// channel, slabs parallel to the flow, a blocking layer) to 1e-8 on any rank
// count, a single insulating sphere against Maxwell's dilute limit, and the
// multigrid solver on a random pore network: the same answer as algebraic
// multigrid, reused across directions, and iteration counts that do not grow
// with resolution.
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/grid.hpp"
#include "solver/analysis/effective_conductivity.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace {

using Shape = std::function<bool(std::int64_t, std::int64_t, std::int64_t)>;

/// The phase `shape` on `grid`, labelled by connected component; the caller destroys the Vec.
Vec components(const navox::Grid& grid, const Shape& shape) {
  Vec m = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return shape(i, j, k) ? 1.0 : 0.0; });
  Vec labels = navox::connected_components(grid, m).labels;
  VecDestroy(&m);
  return labels;
}

TEST(EffectiveConductivity, StraightChannelIsExact) {
  navox::GridSpec spec;
  spec.dims = {10, 8, 12};
  spec.spacing = {1e-6, 2e-6, 1.5e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  // A 3 x 4 column through z, plus an isolated cube that must carry nothing.
  auto column = [](auto i, auto j, auto) { return i >= 2 && i < 5 && j >= 3 && j < 7; };
  auto island = [](auto i, auto j, auto k) { return i >= 7 && i < 9 && j >= 1 && j < 3 && k >= 4 && k < 7; };
  Vec c = components(grid, [&](auto i, auto j, auto k) { return column(i, j, k) || island(i, j, k); });
  const navox::ConductivityResult r = navox::effective_conductivity(grid, c, 2);
  EXPECT_NEAR(r.ratio / 0.15, 1.0, 1e-8); // column area fraction (3 x 1 um)(4 x 2 um) / (10 um x 16 um)
  EXPECT_NEAR(r.outlet_current / r.inlet_current, 1.0, 1e-8);
  EXPECT_NEAR(r.volume_fraction, (12.0 * 12 + 12) / (10 * 8 * 12), 1e-14);
  EXPECT_NEAR(r.active_fraction, 12.0 * 12 / (10 * 8 * 12), 1e-14);
  EXPECT_NEAR(r.tortuosity, r.volume_fraction / 0.15, 1e-8);
  EXPECT_GT(r.iterations, 0);
  if (grid.rank() == 0)
    std::printf("channel: sigma_eff/sigma = %.12f (exact 0.15), %d iterations\n", r.ratio, int(r.iterations));
  EXPECT_THROW(navox::effective_conductivity(grid, c, 0), navox::CollectiveError);
  VecDestroy(&c);
}

TEST(EffectiveConductivity, ParallelSlabsAreExact) {
  navox::GridSpec spec;
  spec.dims = {9, 7, 10};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  Vec c = components(grid, [](auto i, auto, auto) { return i % 3 != 2; }); // 6 of 9 planes x = const
  for (int axis : {1, 2}) {
    const navox::ConductivityResult r = navox::effective_conductivity(grid, c, axis);
    EXPECT_NEAR(r.ratio / (6.0 / 9.0), 1.0, 1e-8) << "axis " << axis;
    EXPECT_NEAR(r.tortuosity, 1.0, 1e-8);
  }
  EXPECT_THROW(navox::effective_conductivity(grid, c, 0), navox::CollectiveError);
  VecDestroy(&c);
}

TEST(EffectiveConductivity, BlockingLayerDoesNotPercolate) {
  navox::GridSpec spec;
  spec.dims = {6, 5, 8};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  Vec c = components(grid, [](auto, auto, auto k) { return k != 5; });
  try {
    navox::effective_conductivity(grid, c, 2);
    ADD_FAILURE() << "expected a non-percolation error";
  } catch (const navox::CollectiveError& e) {
    EXPECT_NE(std::string(e.what()).find("does not percolate along z"), std::string::npos) << e.what();
  }
  const navox::ConductivityResult r = navox::effective_conductivity(grid, c, 0);
  EXPECT_NEAR(r.ratio / (7.0 / 8.0), 1.0, 1e-8);
  VecDestroy(&c);
}

TEST(EffectiveConductivity, OneSolverFollowsTheSpanningClustersOfEachDirection) {
  navox::GridSpec spec;
  spec.dims = {12, 10, 8};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  // A 3 x 4 column along z and, apart from it, a 2 x 2 bar along x.
  Vec c = components(grid, [](auto i, auto j, auto k) {
    return (i >= 2 && i < 5 && j >= 4 && j < 8) || (j < 2 && k < 2);
  });
  navox::ConductivitySolver solver(grid, c);
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_NEAR(solver.solve(2).ratio / (12.0 / 120), 1.0, 1e-8);
    EXPECT_NEAR(solver.solve(0).ratio / (4.0 / 80), 1.0, 1e-8);
  }
  EXPECT_THROW(solver.solve(1), navox::NotPercolating);
  VecDestroy(&c);
}

double sphere_ratio(const navox::Grid& grid, double& f, PetscInt& its) {
  const double r = 9.14, centre = 20.0; // about 5 % of a 40^3 box
  auto solid = [&](auto i, auto j, auto k) {
    const double x = i + 0.5 - centre, y = j + 0.5 - centre, z = k + 0.5 - centre;
    return x * x + y * y + z * z < r * r;
  };
  Vec c = components(grid, [&](auto i, auto j, auto k) { return !solid(i, j, k); });
  const navox::ConductivityResult res = navox::effective_conductivity(grid, c, 2);
  VecDestroy(&c);
  f = 1 - res.volume_fraction;
  its = res.iterations;
  return res.ratio;
}

TEST(EffectiveConductivity, DiluteSphereMatchesMaxwell) {
  navox::GridSpec spec;
  spec.dims = {40, 40, 40};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  double f = 0;
  PetscInt its_mg = 0, its_gamg = 0;
  const double ratio = sphere_ratio(grid, f, its_mg);
  const double maxwell = (1 - f) / (1 + f / 2);
  EXPECT_NEAR(f, 0.05, 0.005);
  EXPECT_NEAR(ratio / maxwell, 1.0, 0.02);

  // Algebraic multigrid on the same matrix gives the same answer.
  PetscOptionsSetValue(nullptr, "-analyze_pc_type", "gamg");
  const double ratio_gamg = sphere_ratio(grid, f, its_gamg);
  PetscOptionsClearValue(nullptr, "-analyze_pc_type");
  EXPECT_NEAR(ratio_gamg / ratio, 1.0, 1e-7);
  if (grid.rank() == 0)
    std::printf("sphere f = %.5f: sigma_eff/sigma = %.6f, Maxwell %.6f (%+.3f %%); MG %d its, GAMG %d its\n", f,
                ratio, maxwell, 100 * (ratio / maxwell - 1), int(its_mg), int(its_gamg));
}

/// Overlapping spherical pores of radius 0.12 L at fixed pseudo-random centres,
/// about half the volume, resolved by n^3 voxels: a tortuous network with dead
/// ends and isolated pores; the same geometry at every n and on any partition.
Shape random_pores(int n) {
  std::vector<double> centres;
  std::uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(state >> 11) / double(1ULL << 53);
  };
  for (int s = 0; s < 3 * 96; ++s) centres.push_back(uniform());
  return [centres, n](std::int64_t i, std::int64_t j, std::int64_t k) {
    const double p[3] = {(i + 0.5) / n, (j + 0.5) / n, (k + 0.5) / n}, r = 0.12;
    for (std::size_t c = 0; c < centres.size(); c += 3) {
      const double dx = p[0] - centres[c], dy = p[1] - centres[c + 1], dz = p[2] - centres[c + 2];
      if (dx * dx + dy * dy + dz * dz < r * r) return true;
    }
    return false;
  };
}

TEST(EffectiveConductivity, MultigridReusedAcrossDirectionsMatchesAlgebraicMultigrid) {
  navox::GridSpec spec;
  spec.dims = {24, 24, 24};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  Vec c = components(grid, random_pores(24));
  navox::ConductivitySolver solver(grid, c); // its KSP reads the options at the first solve
  for (int axis : {0, 1, 2}) {
    PetscOptionsClearValue(nullptr, "-analyze_pc_type");
    const navox::ConductivityResult mg = solver.solve(axis);
    PetscOptionsSetValue(nullptr, "-analyze_pc_type", "hypre");
    const navox::ConductivityResult amg = navox::effective_conductivity(grid, c, axis);
    EXPECT_NEAR(mg.ratio / amg.ratio, 1.0, 1e-7) << "axis " << axis;
    EXPECT_NEAR(mg.outlet_current / mg.inlet_current, 1.0, 1e-7) << "axis " << axis;
    EXPECT_GT(mg.volume_fraction, mg.active_fraction);
    EXPECT_LE(mg.iterations, 15) << "axis " << axis;
    if (grid.rank() == 0)
      std::printf("pores along %s: sigma_eff/sigma = %.6f, MG %d its, BoomerAMG %d its\n", navox::axis_name(axis),
                  mg.ratio, int(mg.iterations), int(amg.iterations));
  }
  PetscOptionsClearValue(nullptr, "-analyze_pc_type");
  VecDestroy(&c);
}

TEST(EffectiveConductivity, MultigridIterationsDoNotGrowWithResolution) {
  PetscInt its[2] = {0, 0};
  for (int level = 0; level < 2; ++level) {
    const int n = 32 << level;
    navox::GridSpec spec;
    spec.dims = {n, n, n};
    navox::Grid grid(MPI_COMM_WORLD, spec, {});
    Vec c = components(grid, random_pores(n));
    its[level] = navox::effective_conductivity(grid, c, 2).iterations;
    VecDestroy(&c);
  }
  EXPECT_LE(its[1], its[0] + 2);
  EXPECT_LE(its[1], 15);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::printf("pores at 32^3: %d its, 64^3: %d its\n", int(its[0]), int(its[1]));
}

} // namespace
