// The phase field's explicit sub-steps (solver/sodium/phase_field.hpp: the conserved
// Allen–Cahn step, a 7-point stencil on every voxel that holds ξ) against the
// machine's 7-point sweep (navox_bench_roofline's jacobi7), for scripts/bench/suite;
// not a test (tests/CMakeLists.txt only checks that it prints its line).
//
//   mpirun -n NP navox_bench_phase_field [N [SUBSTEPS [REPS]]]
//
// An N³ grid of pore space (every voxel holds ξ: the most work a sub-step can have),
// ξ a smooth field inside (0, 1), so every voxel is diffuse. One step of SUBSTEPS
// sub-steps (default N = 128, 20 sub-steps) timed REPS times
// (default 3) after one step untimed; the best. Output (rank 0):
//   phase_field ranks=NP n=N substeps=S seconds=T total_Mupdps=X per_core_Mupdps=Y
// an update being one voxel's sub-step.
#include "mesh/grid.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/materials/material.hpp"
#include "solver/sodium/phase_field.hpp"
#include "support/voxel_field.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

int run(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 128;
  const long substeps = argc > 2 ? std::atol(argv[2]) : 20;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::MaterialTable materials(1);
  materials[0].name = "pore";
  materials[0].phase = navox::Phase::PORE;
  navox::PhaseFieldSpec pf;
  pf.enabled = true;
  pf.relaxation.rate = 1.0;
  pf.relaxation.width = 1e-6;
  navox::PhaseFieldStep step(grid, materials, pf);
  // dt for exactly `substeps` sub-steps.
  const double one = 1.0 / (2 * 3 * pf.relaxation.face_coefficient(0.5e-6) + 4 * pf.relaxation.rate);
  const double dt = double(substeps) * one * (1 - 1e-9);
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto) { return 0.0; });
  auto smooth = [&](auto i, auto j, auto k) {
    return 0.5 + 0.4 * std::sin(0.3 * double(i)) * std::cos(0.2 * double(j)) * std::sin(0.1 * double(k) + 0.5);
  };
  Vec xi = navox::test::voxel_field(grid, smooth);
  if (step.substeps(dt) != substeps) {
    std::fprintf(stderr, "bench_phase_field: %ld sub-steps, not %ld\n", step.substeps(dt), substeps);
    return 1;
  }
  step.advance(xi, labels, 1, dt); // untimed: first touch, the DM's scatters
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    step.advance(xi, labels, 2 + r, dt);
    double mine = MPI_Wtime() - t0, slowest = 0;
    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    best = std::min(best, slowest);
  }
  int ranks = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const double updates = double(n) * double(n) * double(n) * double(substeps);
  if (rank == 0)
    std::printf("phase_field ranks=%d n=%lld substeps=%ld seconds=%.6g total_Mupdps=%.6g per_core_Mupdps=%.6g\n", ranks,
                static_cast<long long>(n), substeps, best, updates / best / 1e6, updates / best / 1e6 / ranks);
  VecDestroy(&xi);
  VecDestroy(&labels);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int rc = 1;
  try {
    rc = run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_phase_field: %s\n", e.what());
  }
  PetscFinalize();
  return rc;
}
