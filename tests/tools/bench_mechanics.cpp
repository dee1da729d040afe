// Benchmark of the elasticity solver (solver/mechanics/elasticity.hpp) against the
// "GMG Poisson floor": a scalar Laplacian on the same vertex grid solved by CG with
// PETSc geometric multigrid. Run by scripts/bench/mechanics; not a test.
//
//   navox_bench_mechanics N [N ...]
//   navox_bench_mechanics floor N [N ...]     (the Poisson floor only)
//   navox_bench_mechanics elastic N [N ...]   (the elastic solves only: their peak memory
//                                              without the floor's, which is the larger at 128^3)
//   navox_bench_mechanics product N [N ...]   (one operator product, shell against AIJ)
//   navox_bench_mechanics gap N [N ...]       (a collector floating on a thin ersatz gap)
//
// The Poisson floor is solved twice: the first solve builds the multigrid hierarchy
// ("GMG Poisson"), the second reuses it ("  (again)"), as a time loop would. Its
// tolerance is -poisson_ksp_rtol (default 1e-10, the elastic solve's).
//
// Cell: N^3 voxels of 0.5 um; SE below N/2, a gap of N/8 layers, CC above, the gap
// bridged by square CC columns (N/8 voxels wide) on a third of a checkerboard of
// patches: a rough SE|CC contact. Stack pressure 1 MPa, rollers, u_z = 0 at z = 0.
//
// `product` times one product of the elastic operator, 50 MatMults after one to warm
// up, the default two levels' MatShell (elasticity_matrix_free.cpp) against the
// assembled AIJ matrix of `-displacement_pc_type gamg`, on two cells: the rough contact
// above (most nodes have eight elements of one material) and a porous one (SE below
// N/2, CC above with square pore columns two voxels wide at a pitch of four, so that
// many nodes touch two materials). Prints ms per product and the share of such mixed
// nodes.
//
// `gap` solves the rough contact's cell with the CC columns gone: the collector rests on
// nothing but a pore gap of 1, 2 or 3 voxel layers (the ersatz material) above the SE,
// as at the end of a strip, by the default two levels and by GAMG on the whole grid
// (-displacement_pc_type gamg); the SE's top at node N/2 (even: a node of the grid
// halved) or N/2 + 1 (odd). Where no coarse node lies inside the gap, the trilinear
// interpolation ties a face of the gap to the solid across it. Prints CG iterations and
// solve seconds.
#include "mesh/grid.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "support/elastic_materials.hpp"
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

navox::GridSpec cube(std::int64_t n) {
  navox::GridSpec spec;
  spec.dims = {n, n, n};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  return spec;
}

/// The rough contact's label at voxel (i, j, k) of the N^3 cell, its CC `lift` layers higher.
int rough_contact(std::int64_t n, std::int64_t i, std::int64_t j, std::int64_t k, std::int64_t lift = 0) {
  const std::int64_t se = n / 2, gap = n / 8 > 0 ? n / 8 : 1, patch = n / 8 > 0 ? n / 8 : 1;
  if (k < se) return 0;
  if (k >= se + gap + lift) return 1;
  return (i / patch + j / patch) % 3 == 0 ? 1 : 2;
}

void elasticity(std::int64_t n, int rank) {
  navox::Grid grid(MPI_COMM_WORLD, cube(n), {});
  const navox::MaterialTable mats = navox::test::elastic_materials();
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return double(rough_contact(n, i, j, k)); });
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
  Vec lifted = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return double(rough_contact(n, i, j, k, 1)); });
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

/// Milliseconds per product of the operator of `e` (the mean of 50, after one).
double product_ms(const navox::Elasticity& e) {
  Mat a = e.operator_matrix();
  Vec x = nullptr, y = nullptr;
  NAVOX_CALL(MatCreateVecs(a, &x, &y));
  NAVOX_CALL(VecSet(x, 1.0));
  NAVOX_CALL(MatMult(a, x, y)); // warm up: pages touched, caches filled
  constexpr int kProducts = 50;
  const Timing t = timed([&] {
    for (int r = 0; r < kProducts; ++r) NAVOX_CALL(MatMult(a, x, y));
  });
  NAVOX_CALL(VecDestroy(&x));
  NAVOX_CALL(VecDestroy(&y));
  return 1e3 * t.wall / kProducts;
}

void products(std::int64_t n, int rank) {
  navox::Grid grid(MPI_COMM_WORLD, cube(n), {});
  const navox::MaterialTable mats = navox::test::elastic_materials();
  const std::int64_t se = n / 2;
  auto rough = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return rough_contact(n, i, j, k); };
  auto porous = [&](std::int64_t i, std::int64_t j, std::int64_t k) -> int {
    if (k < se) return 0;
    return (i % 4 < 2 && j % 4 < 2) ? 2 : 1;
  };
  for (int cell = 0; cell < 2; ++cell) {
    auto label = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return cell == 0 ? rough(i, j, k) : porous(i, j, k); };
    // Nodes whose existing elements are not all of one material (counted on the whole
    // grid by every rank: a figure for the table, not part of the timing).
    std::int64_t mixed = 0;
    for (std::int64_t k = 0; k <= n; ++k)
      for (std::int64_t j = 0; j <= n; ++j)
        for (std::int64_t i = 0; i <= n; ++i) {
          int first = -1;
          bool one = true;
          for (int e = 0; e < 8; ++e) {
            const std::int64_t ei = i - 1 + (e & 1), ej = j - 1 + ((e >> 1) & 1), ek = k - 1 + ((e >> 2) & 1);
            if (ei < 0 || ej < 0 || ek < 0 || ei >= n || ej >= n || ek >= n) continue;
            const int m = label(ei, ej, ek);
            if (first < 0) first = m;
            else if (m != first) one = false;
          }
          mixed += one ? 0 : 1;
        }
    Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return double(label(i, j, k)); });
    double ms[2] = {0, 0};
    for (int assembled = 0; assembled < 2; ++assembled) {
      if (assembled) NAVOX_CALL(PetscOptionsSetValue(nullptr, "-displacement_pc_type", "gamg"));
      {
        const navox::Elasticity e(grid, labels, mats);
        ms[assembled] = product_ms(e);
      }
      if (assembled) NAVOX_CALL(PetscOptionsClearValue(nullptr, "-displacement_pc_type"));
    }
    NAVOX_CALL(VecDestroy(&labels));
    if (rank == 0)
      std::printf("%-12s %4lld %11.0f %8.1f %%  %9.2f %9.2f\n", cell == 0 ? "rough" : "porous", (long long)n,
                  3.0 * double((n + 1) * (n + 1) * (n + 1)), 100.0 * double(mixed) / double((n + 1) * (n + 1) * (n + 1)),
                  ms[0], ms[1]);
  }
}

void floating_collector(std::int64_t n, int rank) {
  navox::Grid grid(MPI_COMM_WORLD, cube(n), {});
  const navox::MaterialTable mats = navox::test::elastic_materials();
  navox::ElasticLoad load;
  load.stack_pressure = 1e6;
  for (std::int64_t c = 0; c < 6; ++c) {
    const std::int64_t gap = 1 + c / 2, top = n / 2 + c % 2;
    Vec labels = navox::test::voxel_field(grid, [&](auto, auto, auto k) {
      return k < top ? 0.0 : k < top + gap ? 2.0 : 1.0;
    });
    navox::ElasticResult r[2];
    Timing t[2];
    for (int whole = 0; whole < 2; ++whole) {
      if (whole) NAVOX_CALL(PetscOptionsSetValue(nullptr, "-displacement_pc_type", "gamg"));
      {
        navox::Elasticity e(grid, labels, mats);
        t[whole] = timed([&] { r[whole] = e.solve(load); });
      }
      if (whole) NAVOX_CALL(PetscOptionsClearValue(nullptr, "-displacement_pc_type"));
    }
    NAVOX_CALL(VecDestroy(&labels));
    if (rank == 0)
      std::printf("%-12s %4lld %4lld %6s %5d %9.3f %5d %9.3f\n", "floating", (long long)n, (long long)gap,
                  top % 2 ? "odd" : "even", int(r[0].iterations), t[0].wall, int(r[1].iterations), t[1].wall);
  }
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
  const bool product_only = argc > 1 && std::strcmp(argv[1], "product") == 0;
  const bool gap_only = argc > 1 && std::strcmp(argv[1], "gap") == 0;
  const bool elastic_only = argc > 1 && std::strcmp(argv[1], "elastic") == 0;
  return navox::bench::main(argc, argv, floor_only || product_only || gap_only || elastic_only ? 2 : 1, {32, 64},
                            [&](const auto& sizes,
                                                                                                      int rank, int size) {
    if (gap_only) {
      if (rank == 0)
        std::printf("# %d rank(s); the collector on an ersatz gap above the SE, stack pressure 1 MPa: CG iterations and\n"
                    "# solve wall s (preconditioner set-up included) of the default levels and of GAMG on the whole grid\n"
                    "%-12s %4s %4s %6s %5s %9s %5s %9s\n",
                    size, "cell", "N", "gap", "SE_top", "its", "solve_s", "gamg", "solve_s");
      for (auto n : sizes) floating_collector(n, rank);
      return;
    }
    if (product_only) {
      if (rank == 0)
        std::printf("# %d rank(s); one product of the elastic operator, the mean of 50 (wall ms): the two levels'\n"
                    "# MatShell and the AIJ matrix of -displacement_pc_type gamg; mixed: nodes touching two materials\n"
                    "%-12s %4s %11s %10s %9s %9s\n",
                    size, "cell", "N", "unknowns", "mixed", "shell_ms", "aij_ms");
      for (auto n : sizes) products(n, rank);
      return;
    }
    if (rank == 0)
      std::printf("# %d rank(s); setup = assembly (elasticity; relabel: the refill after a collector move) or DM +\n"
                  "# KSP creation (Poisson); solve includes the"
                  " multigrid set-up; cpu_s summed over ranks; s/Munk = solve wall s per million unknowns\n"
                  "%-12s %4s %11s %5s %9s %9s %9s %12s\n",
                  size, "problem", "N", "unknowns", "its", "setup_s", "solve_s", "cpu_s", "s/Munk");
    for (auto n : sizes) {
      if (!floor_only) elasticity(n, rank);
      if (!elastic_only) poisson(n, rank);
    }
  });
}
