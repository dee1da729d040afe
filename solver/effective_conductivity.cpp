#include "solver/effective_conductivity.hpp"

#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/stencil.hpp"
#include "physics/ionic_conduction.hpp"
#include "solver/two_point_row.hpp"

#include <petscsnes.h>
#include <petsctime.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace navox {

using physics::FaceCurrent;
using physics::IonicConduction;

namespace {

struct Context {
  const Grid* grid = nullptr;
  Vec active_local = nullptr; ///< 1 where the potential is solved for, ghosted
  int axis = 2;
  double scale = 1; ///< row scaling, makes the diagonal O(1) on isotropic grids
};

enum class Across { active, inlet, outlet, wall };

Across across(const Context& c, const PetscScalar* const* const* act, PetscInt i, PetscInt j, PetscInt k, int face) {
  const auto& n = c.grid->spec().dims;
  const PetscInt idx[3] = {i + kFaceOffset[face][0], j + kFaceOffset[face][1], k + kFaceOffset[face][2]};
  const int d = face_axis(face);
  if (idx[d] < 0) return d == c.axis ? Across::inlet : Across::wall;
  if (idx[d] >= n[d]) return d == c.axis ? Across::outlet : Across::wall;
  return act[idx[2]][idx[1]][idx[0]] != 0 ? Across::active : Across::wall;
}

/// Current into the voxel through one face (unit conductivity).
FaceCurrent face_current(const Context& c, Across kind, double phi, double phi_n, int face) {
  const auto& h = c.grid->spec().spacing;
  const int d = face_axis(face);
  const double area = face_area(h, face);
  switch (kind) {
  case Across::active: return IonicConduction::between(phi, phi_n, 1.0, 1.0, area, h[d]);
  case Across::inlet: return IonicConduction::to_electrode(phi, 1.0, 1.0, area, h[d]);
  case Across::outlet: return IonicConduction::to_electrode(phi, 0.0, 1.0, area, h[d]);
  case Across::wall: break;
  }
  return {0, 0, 0};
}

double neighbour_value(const PetscScalar* const* const* x, PetscInt i, PetscInt j, PetscInt k, int face) {
  return x[k + kFaceOffset[face][2]][j + kFaceOffset[face][1]][i + kFaceOffset[face][0]];
}

PetscErrorCode residual(DMDALocalInfo* info, void* xv, void* fv, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<Context*>(ctxv);
  auto x = static_cast<const PetscScalar* const* const*>(xv);
  auto f = static_cast<PetscScalar***>(fv);
  const PetscScalar*** act = nullptr;
  PetscCall(DMDAVecGetArrayRead(c->grid->scalar_dm(), c->active_local, &act));
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
        const double phi = x[k][j][i];
        if (act[k][j][i] == 0) {
          f[k][j][i] = phi;
          continue;
        }
        double inflow = 0;
        for (int face = 0; face < 6; ++face) {
          const Across kind = across(*c, act, i, j, k, face);
          const double phi_n = kind == Across::active ? neighbour_value(x, i, j, k, face) : 0.0;
          inflow += face_current(*c, kind, phi, phi_n, face).value;
        }
        f[k][j][i] = -inflow * c->scale;
      }
  PetscCall(DMDAVecRestoreArrayRead(c->grid->scalar_dm(), c->active_local, &act));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian(DMDALocalInfo* info, void* xv, Mat A, Mat P, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<Context*>(ctxv);
  auto x = static_cast<const PetscScalar* const* const*>(xv);
  const PetscScalar*** act = nullptr;
  PetscCall(DMDAVecGetArrayRead(c->grid->scalar_dm(), c->active_local, &act));
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
        MatStencil row = {k, j, i, 0};
        if (act[k][j][i] == 0) {
          PetscCall(insert_identity_row(P, row));
          continue;
        }
        TwoPointRow jrow(row);
        const double phi = x[k][j][i];
        for (int face = 0; face < 6; ++face) {
          const Across kind = across(*c, act, i, j, k, face);
          const double phi_n = kind == Across::active ? neighbour_value(x, i, j, k, face) : 0.0;
          const FaceCurrent fc = face_current(*c, kind, phi, phi_n, face);
          jrow.add_self(-fc.d_self * c->scale);
          if (kind == Across::active)
            jrow.add_neighbour({k + kFaceOffset[face][2], j + kFaceOffset[face][1], i + kFaceOffset[face][0], 0},
                               -fc.d_other * c->scale);
        }
        PetscCall(jrow.insert(P));
      }
  PetscCall(DMDAVecRestoreArrayRead(c->grid->scalar_dm(), c->active_local, &act));
  PetscCall(finish_assembly(A, P));
  PetscFunctionReturn(0);
}

/// Multigrid levels for piecewise-constant coarsening by 2: as deep as every
/// rank's block stays divisible (coarse cells must nest in one rank's fine
/// cells) while the coarsest grid keeps at least 2 cells along each axis.
PetscInt default_mg_levels(const Grid& grid) {
  PetscInt levels = 1;
  for (std::int64_t f = 2; levels < 10; f *= 2) {
    bool ok = true;
    for (int d = 0; d < 3; ++d) {
      if (grid.spec().dims[d] / f < 2) ok = false;
      for (const Box& b : grid.blocks())
        if (b.n[d] % f != 0) ok = false;
    }
    if (!ok) break;
    ++levels;
  }
  return levels;
}

/// Owned voxel counts: of the phase and of its spanning components.
void count_phase(const Grid& grid, Vec components, const std::vector<std::int64_t>& spanning, double& phase,
                 double& active, std::vector<double>& active_block) {
  const std::vector<double> lab = scalar_block(grid, components);
  active_block.assign(lab.size(), 0.0);
  double counts[2] = {0, 0}, total[2];
  for (std::size_t v = 0; v < lab.size(); ++v) {
    if (lab[v] < 0) continue;
    counts[0] += 1;
    if (std::binary_search(spanning.begin(), spanning.end(), static_cast<std::int64_t>(lab[v]))) {
      active_block[v] = 1;
      counts[1] += 1;
    }
  }
  MPI_Allreduce(counts, total, 2, MPI_DOUBLE, MPI_SUM, grid.comm());
  phase = total[0];
  active = total[1];
}

} // namespace

const char* axis_name(int axis) {
  static const char* names[3] = {"x", "y", "z"};
  return axis >= 0 && axis < 3 ? names[axis] : "?";
}

ConductivityResult effective_conductivity(const Grid& grid, Vec components, int axis) {
  if (axis < 0 || axis > 2) throw Error("effective conductivity: axis must be 0, 1 or 2");
  if (grid.spec().periodic_lateral)
    throw Error("effective conductivity: needs a non-periodic grid (zero flux on the side faces)");
  PetscLogDouble t0 = 0, t1 = 0;
  NAVOX_CALL(PetscTime(&t0));

  const std::vector<std::int64_t> in = labels_on_face(grid, components, axis, 0);
  const std::vector<std::int64_t> out = labels_on_face(grid, components, axis, 1);
  std::vector<std::int64_t> spanning;
  std::set_intersection(in.begin(), in.end(), out.begin(), out.end(), std::back_inserter(spanning));

  ConductivityResult r;
  r.axis = axis;
  double phase = 0, active = 0;
  std::vector<double> active_block;
  count_phase(grid, components, spanning, phase, active, active_block);
  const double voxels = double(grid.voxel_count());
  r.volume_fraction = phase / voxels;
  r.active_fraction = active / voxels;
  if (spanning.empty())
    throw NotPercolating(std::string("the analysed phase does not percolate along ") + axis_name(axis) +
                          ": no connected cluster touches both the " + axis_name(axis) + " = 0 and " +
                          axis_name(axis) + " = L faces (volume fraction " + std::to_string(r.volume_fraction) +
                          ")");

  Context ctx;
  ctx.grid = &grid;
  ctx.axis = axis;
  const auto& h = grid.spec().spacing;
  const double h_min = std::min({h[0], h[1], h[2]});
  ctx.scale = h_min * h_min / grid.cell_volume();
  Vec active_global = nullptr;
  NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &active_global));
  set_scalar_block(grid, active_global, active_block);
  NAVOX_CALL(DMCreateLocalVector(grid.scalar_dm(), &ctx.active_local));
  NAVOX_CALL(DMGlobalToLocalBegin(grid.scalar_dm(), active_global, INSERT_VALUES, ctx.active_local));
  NAVOX_CALL(DMGlobalToLocalEnd(grid.scalar_dm(), active_global, INSERT_VALUES, ctx.active_local));
  NAVOX_CALL(VecDestroy(&active_global));

  SNES snes = nullptr;
  DM da = nullptr;
  Vec x = nullptr;
  std::string failure;
  // Everything PETSc owns is released below, also when the solve fails.
  try {
    // A private copy of the grid's layout: it carries no coordinates (their
    // injection to coarse levels assumes vertex-centred grids) and uses
    // cell-centred interpolation, so geometric multigrid can coarsen it; and the
    // callbacks attached to it die with it.
    PetscInt m = 0, n = 0, p = 0;
    const PetscInt *lx = nullptr, *ly = nullptr, *lz = nullptr;
    NAVOX_CALL(DMDAGetInfo(grid.scalar_dm(), nullptr, nullptr, nullptr, nullptr, &m, &n, &p, nullptr, nullptr, nullptr,
                           nullptr, nullptr, nullptr));
    NAVOX_CALL(DMDAGetOwnershipRanges(grid.scalar_dm(), &lx, &ly, &lz));
    const auto& dims = grid.spec().dims;
    NAVOX_CALL(DMDACreate3d(grid.comm(), DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR,
                            PetscInt(dims[0]), PetscInt(dims[1]), PetscInt(dims[2]), m, n, p, 1, 1, lx, ly, lz,
                            &da));
    NAVOX_CALL(DMSetUp(da));
    NAVOX_CALL(DMDASetFieldName(da, 0, "potential"));
    NAVOX_CALL(DMDASetInterpolationType(da, DMDA_Q0));
    NAVOX_CALL(SNESCreate(grid.comm(), &snes));
    NAVOX_CALL(SNESSetOptionsPrefix(snes, "analyze_"));
    NAVOX_CALL(SNESSetDM(snes, da));
    NAVOX_CALL(DMDASNESSetFunctionLocal(da, INSERT_VALUES, residual, &ctx));
    NAVOX_CALL(DMDASNESSetJacobianLocal(da, jacobian, &ctx));
    // Linear problem: one Newton step, solved by CG with algebraic multigrid.
    NAVOX_CALL(SNESSetType(snes, SNESKSPONLY));
    KSP ksp = nullptr;
    PC pc = nullptr;
    NAVOX_CALL(SNESGetKSP(snes, &ksp));
    NAVOX_CALL(KSPSetType(ksp, KSPCG));
    NAVOX_CALL(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 2000));
    NAVOX_CALL(KSPGetPC(ksp, &pc));
    // Geometric multigrid only works with Galerkin coarse operators: the local
    // Jacobian callback knows the fine grid's mask only. Set it up before
    // SNESSetFromOptions so that explicit -analyze_pc_mg_* options still win.
    char pc_type[64] = "";
    PetscBool pc_set = PETSC_FALSE;
    NAVOX_CALL(PetscOptionsGetString(nullptr, "analyze_", "-pc_type", pc_type, sizeof pc_type, &pc_set));
    if (pc_set && std::strcmp(pc_type, PCMG) == 0) {
      NAVOX_CALL(PCSetType(pc, PCMG));
      NAVOX_CALL(PCMGSetLevels(pc, default_mg_levels(grid), nullptr));
      NAVOX_CALL(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
    } else {
      NAVOX_CALL(PCSetType(pc, PCGAMG));
    }
    NAVOX_CALL(SNESSetFromOptions(snes));

    NAVOX_CALL(DMCreateGlobalVector(da, &x));
    NAVOX_CALL(VecSet(x, 0.0));
    NAVOX_CALL(SNESSolve(snes, nullptr, x));
    SNESConvergedReason reason;
    KSPConvergedReason kreason;
    NAVOX_CALL(SNESGetConvergedReason(snes, &reason));
    NAVOX_CALL(KSPGetConvergedReason(ksp, &kreason));
    NAVOX_CALL(SNESGetLinearSolveIterations(snes, &r.iterations));
    if (reason < 0 || kreason < 0)
      failure = std::string("effective conductivity solve along ") + axis_name(axis) +
                " failed: " + SNESConvergedReasons[reason] + " / " + KSPConvergedReasons[kreason] +
                " (try -analyze_ksp_monitor, -analyze_pc_type)";

    if (failure.empty()) {
      // Currents through the inlet and outlet faces: each needs only the voxel's
      // own potential, so the owned values suffice.
      DMDALocalInfo info;
      NAVOX_CALL(DMDAGetLocalInfo(da, &info));
      const PetscScalar*** xa = nullptr;
      const PetscScalar*** act = nullptr;
      NAVOX_CALL(DMDAVecGetArrayRead(da, x, &xa));
      NAVOX_CALL(DMDAVecGetArrayRead(grid.scalar_dm(), ctx.active_local, &act));
      double sums[2] = {0, 0};
      for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
        for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
          for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
            if (act[k][j][i] == 0) continue;
            for (int face = 2 * axis; face < 2 * axis + 2; ++face) {
              const Across kind = across(ctx, act, i, j, k, face);
              if (kind == Across::inlet) sums[0] += face_current(ctx, kind, xa[k][j][i], 0, face).value;
              if (kind == Across::outlet) sums[1] -= face_current(ctx, kind, xa[k][j][i], 0, face).value;
            }
          }
      NAVOX_CALL(DMDAVecRestoreArrayRead(grid.scalar_dm(), ctx.active_local, &act));
      NAVOX_CALL(DMDAVecRestoreArrayRead(da, x, &xa));
      double total[2];
      MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, grid.comm());
      r.inlet_current = total[0];
      r.outlet_current = total[1];
    }
  } catch (...) {
    if (x) (void)VecDestroy(&x);
    if (snes) (void)SNESDestroy(&snes);
    if (da) (void)DMDestroy(&da);
    (void)VecDestroy(&ctx.active_local);
    throw;
  }
  (void)VecDestroy(&x);
  (void)SNESDestroy(&snes);
  (void)DMDestroy(&da);
  (void)VecDestroy(&ctx.active_local);
  if (!failure.empty()) throw CollectiveError(failure);

  const auto& n = grid.spec().dims;
  const int a = (axis + 1) % 3, b = (axis + 2) % 3;
  const double length = n[axis] * h[axis];
  const double area = n[a] * h[a] * n[b] * h[b];
  r.ratio = r.inlet_current * length / area;
  r.tortuosity = r.volume_fraction / r.ratio;
  NAVOX_CALL(PetscTime(&t1));
  r.seconds = double(t1 - t0);
  return r;
}

} // namespace navox
