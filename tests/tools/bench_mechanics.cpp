// Benchmark of the elasticity solver (solver/mechanics/elasticity.hpp) against the
// "GMG Poisson floor": a scalar Laplacian on the same vertex grid solved by CG with
// PETSc geometric multigrid. Run by scripts/bench/mechanics; not a test.
//
//   navox_bench_mechanics N [N ...]
//   navox_bench_mechanics floor N [N ...]     (the Poisson floor only)
//
// The Poisson floor is solved twice: the first solve builds the multigrid hierarchy
// ("GMG Poisson"), the second reuses it ("  (again)"), as a time loop would. Its
// tolerance is -poisson_ksp_rtol (default 1e-10, the elastic solve's).
//
// Cell: N^3 voxels of 0.5 um; SE below N/2, a gap of N/8 layers, CC above, the gap
// bridged by square CC columns (N/8 voxels wide) on a third of a checkerboard of
// patches: a rough SE|CC contact. Stack pressure 1 MPa, rollers, u_z = 0 at z = 0.
#include "mesh/grid.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "support/voxel_field.hpp"
#include "tools/bench_timing.hpp"

#include <petscdmda.h>
#include <petscksp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using navox::bench::Timing;
using navox::bench::timed;

/// 7-point Laplacian with Dirichlet rows on the boundary (PETSc KSP tutorial ex45's
/// operator), on any level's DMDA.
PetscErrorCode laplacian(KSP ksp, Mat jac, Mat b, void*) {
  DM da;
  PetscInt mx, my, mz, xs, ys, zs, xm, ym, zm;
  PetscFunctionBeginUser;
  PetscCall(KSPGetDM(ksp, &da));
  PetscCall(DMDAGetInfo(da, nullptr, &mx, &my, &mz, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                        nullptr, nullptr));
  const PetscScalar hx = 1.0 / PetscReal(mx - 1), hy = 1.0 / PetscReal(my - 1), hz = 1.0 / PetscReal(mz - 1);
  const PetscScalar cx = hy * hz / hx, cy = hx * hz / hy, cz = hx * hy / hz;
  PetscCall(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm));
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) {
        MatStencil row = {k, j, i, 0}, col[7];
        PetscScalar v[7];
        if (i == 0 || j == 0 || k == 0 || i == mx - 1 || j == my - 1 || k == mz - 1) {
          v[0] = 2.0 * (cx + cy + cz);
          PetscCall(MatSetValuesStencil(b, 1, &row, 1, &row, v, INSERT_VALUES));
          continue;
        }
        const PetscInt off[7][3] = {{0, 0, -1}, {0, -1, 0}, {-1, 0, 0}, {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        const PetscScalar w[7] = {-cz, -cy, -cx, 2.0 * (cx + cy + cz), -cx, -cy, -cz};
        for (int n = 0; n < 7; ++n) {
          col[n].i = i + off[n][0];
          col[n].j = j + off[n][1];
          col[n].k = k + off[n][2];
          col[n].c = 0;
          v[n] = w[n];
        }
        PetscCall(MatSetValuesStencil(b, 1, &row, 7, col, v, INSERT_VALUES));
      }
  PetscCall(MatAssemblyBegin(b, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(b, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

PetscErrorCode ones(KSP, Vec b, void*) {
  PetscFunctionBeginUser;
  PetscCall(VecSet(b, 1.0));
  PetscFunctionReturn(0);
}

void row(const char* what, std::int64_t n, double unknowns, PetscInt its, const Timing& setup, const Timing& solve) {
  std::printf("%-12s %4lld %11.0f %5d %9.4f %9.4f %9.4f %12.3f\n", what, (long long)n, unknowns, int(its), setup.wall,
              solve.wall, solve.cpu, solve.wall / (unknowns / 1e6));
}

void elasticity(std::int64_t n, int rank) {
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::MaterialTable mats(3);
  mats[0] = {"NBH", navox::Phase::SE};
  mats[0].youngs_modulus = 15e9;
  mats[0].poisson_ratio = 0.3;
  mats[1] = {"Al", navox::Phase::CC};
  mats[1].youngs_modulus = 70.6e9;
  mats[1].poisson_ratio = 0.345;
  mats[2] = {"gap", navox::Phase::PORE};
  const std::int64_t se = n / 2, gap = n / 8 > 0 ? n / 8 : 1, patch = n / 8 > 0 ? n / 8 : 1;
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    if (k < se) return 0.0;
    if (k >= se + gap) return 1.0;
    return (i / patch + j / patch) % 3 == 0 ? 1.0 : 2.0;
  });
  navox::Elasticity* e = nullptr;
  const Timing assemble = timed([&] { e = new navox::Elasticity(grid, labels, mats); });
  navox::ElasticLoad load;
  load.stack_pressure = 1e6;
  navox::ElasticResult r;
  const Timing solve = timed([&] { r = e->solve(load); });
  // A second solve reuses the multigrid hierarchy: the cost of a solve in a time loop.
  navox::ElasticResult r2;
  e->forget_solution(); // the same solve again, with the hierarchy kept
  const Timing again = timed([&] { r2 = e->solve(load); });
  // A collector move: the gap one layer higher, the matrix refilled in its pattern and
  // the multigrid set up anew (Elasticity::relabel), as a run does after each lift.
  Vec lifted = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    if (k < se) return 0.0;
    if (k >= se + gap + 1) return 1.0;
    return (i / patch + j / patch) % 3 == 0 ? 1.0 : 2.0;
  });
  navox::ElasticResult r3;
  const Timing relabel = timed([&] { e->relabel(lifted); });
  const Timing moved = timed([&] { r3 = e->solve(load); });
  const double unknowns = 3.0 * double((n + 1) * (n + 1) * (n + 1));
  if (rank == 0) {
    row("elasticity", n, unknowns, r.iterations, assemble, solve);
    row("  (again)", n, unknowns, r2.iterations, assemble, again);
    row("  (relabel)", n, unknowns, r3.iterations, relabel, moved);
  }
  delete e;
  VecDestroy(&lifted);
  VecDestroy(&labels);
}

void poisson(std::int64_t n, int rank) {
  DM da = nullptr;
  KSP ksp = nullptr;
  const PetscInt m = PetscInt(n) + 1;
  int levels = 1;
  for (std::int64_t c = n; c > 2 && c % 2 == 0; c /= 2) ++levels; // coarsest 3^3 nodes
  Timing setup = timed([&] {
    NAVOX_CALL(DMDACreate3d(MPI_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR,
                            m, m, m, PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 1, 1, nullptr, nullptr, nullptr, &da));
    NAVOX_CALL(DMSetUp(da));
    NAVOX_CALL(KSPCreate(MPI_COMM_WORLD, &ksp));
    NAVOX_CALL(KSPSetOptionsPrefix(ksp, "poisson_"));
    NAVOX_CALL(KSPSetDM(ksp, da));
    NAVOX_CALL(KSPSetComputeOperators(ksp, laplacian, nullptr));
    NAVOX_CALL(KSPSetComputeRHS(ksp, ones, nullptr));
    NAVOX_CALL(KSPSetType(ksp, KSPCG));
    NAVOX_CALL(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
    NAVOX_CALL(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 1000));
    PC pc = nullptr;
    NAVOX_CALL(KSPGetPC(ksp, &pc));
    NAVOX_CALL(PCSetType(pc, PCMG));
    NAVOX_CALL(PCMGSetLevels(pc, levels, nullptr));
    NAVOX_CALL(KSPSetFromOptions(ksp));
  });
  Timing solve = timed([&] { NAVOX_CALL(KSPSolve(ksp, nullptr, nullptr)); });
  PetscInt its = 0, its2 = 0;
  NAVOX_CALL(KSPGetIterationNumber(ksp, &its));
  // Again from a zero guess (KSP's default), the operators and hierarchy kept.
  Timing again = timed([&] { NAVOX_CALL(KSPSolve(ksp, nullptr, nullptr)); });
  NAVOX_CALL(KSPGetIterationNumber(ksp, &its2));
  const double unknowns = double(m) * double(m) * double(m);
  if (rank == 0) {
    row("GMG Poisson", n, unknowns, its, setup, solve);
    row("  (again)", n, unknowns, its2, setup, again);
  }
  NAVOX_CALL(KSPDestroy(&ksp));
  NAVOX_CALL(DMDestroy(&da));
}

} // namespace

int main(int argc, char** argv) {
  const bool floor_only = argc > 1 && std::strcmp(argv[1], "floor") == 0;
  return navox::bench::main(argc, argv, floor_only ? 2 : 1, {32, 64}, [&](const auto& sizes, int rank, int size) {
    if (rank == 0)
      std::printf("# %d rank(s); setup = assembly (elasticity; relabel: the refill after a collector move) or DM +\n"
                  "# KSP creation (Poisson); solve includes the"
                  " multigrid set-up; cpu_s summed over ranks; s/Munk = solve wall s per million unknowns\n"
                  "%-12s %4s %11s %5s %9s %9s %9s %12s\n",
                  size, "problem", "N", "unknowns", "its", "setup_s", "solve_s", "cpu_s", "s/Munk");
    for (auto n : sizes) {
      if (!floor_only) elasticity(n, rank);
      poisson(n, rank);
    }
  });
}
