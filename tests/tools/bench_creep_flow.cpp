// Benchmark of the Na creep flow (solver/mechanics/creep_flow.hpp). Run by
// scripts/bench/mechanics (its "creep" rows); not a test.
//
//   navox_bench_creep_flow N [N ...]
//
// Cell: N^3 voxels of 0.5 um: SE below N/4, a Na layer N/8 thick on it, a CC plate
// above with cylindrical pores (radius N/16, pitch N/4) open to its top; Na plated at
// 1 mA/cm^2 at the SE (a volume source in the Na layer's first voxels) flows up into
// the pores. Prints the unknowns (4 per node), the Na voxels, Picard / Newton / GMRES
// iterations, wall and CPU seconds (all ranks) of a solve from rest and of a second
// solve from that solution ("again", as a time loop would), and seconds per million
// unknowns.
#include "mesh/grid.hpp"
#include "solver/mechanics/creep_flow.hpp"
#include "support/voxel_field.hpp"
#include "tools/bench_timing.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <vector>

namespace {

void creep(std::int64_t n, int rank) {
  const double h = 0.5e-6;
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  spec.spacing = {h, h, h};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  const std::int64_t se = n / 4, na = n / 4 + n / 8, pitch = std::max<std::int64_t>(n / 4, 2);
  const double radius = double(n) / 16;
  auto pore = [&](std::int64_t i, std::int64_t j) {
    const double x = double(i % pitch) + 0.5 - double(pitch) / 2, y = double(j % pitch) + 0.5 - double(pitch) / 2;
    return x * x + y * y < radius * radius;
  };
  using F = navox::CreepFlow;
  Vec cells = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    if (k < se) return double(F::wall);
    if (k < na) return double(F::metal);
    return double(pore(i, j) ? F::empty : F::wall);
  });
  const double rate = 10.0 * 23.78e-6 / 96485.33212 / h; // 1 mA/cm^2 of Na into the first layer [1/s]
  Vec source = navox::test::voxel_field(grid, [&](auto, auto, auto k) { return k == se ? rate : 0.0; });
  navox::CreepFlowSetup setup;
  for (auto& s : setup.sides) s.kind = navox::CreepFlowSide::free_slip;
  // -picard_tolerance T: Anderson-accelerated Picard to T of the loads (as the settling's extrusion limit uses).
  PetscReal tol = 0;
  NAVOX_CALL(PetscOptionsGetReal(nullptr, nullptr, "-picard_tolerance", &tol, nullptr));
  setup.picard_tolerance = tol;
  F flow(grid, setup);
  navox::CreepFlowResult r1, r2;
  const auto first = navox::bench::timed([&] { r1 = flow.solve(cells, source); });
  const auto again = navox::bench::timed([&] { r2 = flow.solve(cells, source); });
  const double nodes = double(n + 1) * double(n + 1) * double(n + 1), unknowns = 4 * nodes;
  const double na_voxels = double(n * n * (na - se));
  if (rank == 0) {
    for (const auto& [what, r, t] : {std::make_tuple("creep flow", r1, first), std::make_tuple("  (again)", r2, again)})
      std::printf("%-12s %4lld %11.0f %9.0f %6d %6d %6d %9.3f %9.3f %12.3f\n", what, (long long)n, unknowns, na_voxels,
                  r.picard_iterations, r.newton_iterations, r.linear_iterations, t.wall, t.cpu,
                  t.wall / (unknowns / 1e6));
    std::fflush(stdout);
  }
  VecDestroy(&cells);
  VecDestroy(&source);
}

} // namespace

int main(int argc, char** argv) {
  return navox::bench::main(argc, argv, 1, {16, 32}, [](const auto& sizes, int rank, int size) {
    if (rank == 0)
      std::printf("# %d rank(s)\n%-12s %4s %11s %9s %6s %6s %6s %9s %9s %12s\n", size, "problem", "N", "unknowns",
                  "Na_voxels", "picard", "newton", "gmres", "solve_s", "cpu_s", "s/Munk");
    for (auto n : sizes) creep(n, rank);
  });
}
