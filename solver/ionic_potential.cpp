#include "solver/ionic_potential.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/stencil.hpp"
#include "physics/ionic_conduction.hpp"
#include "solver/two_point_row.hpp"

#include <algorithm>
#include <vector>

namespace navox {

using physics::FaceCurrent;
using physics::IonicConduction;

struct IonicPotential::Context {
  const Grid* grid = nullptr;
  const MaterialTable* materials = nullptr;
  Vec labels_local = nullptr;
  IonicConditions conditions;
  int field = 0;
  PetscInt dof = 1;
  std::vector<double> sigma; ///< per material at the current temperature; 0 for non-SE
  double scale = 1;          ///< row scaling 1/(sigma_max h_min) [1/(S)]
  bool built = false;        ///< a Jacobian exists for conditions.temperature
};

namespace {

/// What lies across one face of an SE voxel.
enum class Across { se, electrode, counter, wall };

struct Neighbour {
  Across kind;
  PetscInt i, j, k; ///< valid for se
  double sigma;     ///< valid for se
};

Neighbour across(const IonicPotential::Context& c, const PetscScalar* const* const* lab, const DMDALocalInfo* info,
                 PetscInt i, PetscInt j, PetscInt k, int face) {
  const PetscInt ni = i + kFaceOffset[face][0], nj = j + kFaceOffset[face][1], nk = k + kFaceOffset[face][2];
  const bool periodic = c.grid->spec().periodic_lateral;
  if (nk < 0) return {Across::counter, 0, 0, 0, 0};
  if (nk >= info->mz) return {Across::wall, 0, 0, 0, 0};
  if (!periodic && (ni < 0 || ni >= info->mx || nj < 0 || nj >= info->my)) return {Across::wall, 0, 0, 0, 0};
  const int m = static_cast<int>(lab[nk][nj][ni]);
  const Phase phase = (*c.materials)[m].phase;
  if (phase == Phase::SE) return {Across::se, ni, nj, nk, c.sigma[m]};
  if (phase == Phase::CC || phase == Phase::NA) return {Across::electrode, 0, 0, 0, 0};
  return {Across::wall, 0, 0, 0, 0};
}

FaceCurrent face_current(const IonicPotential::Context& c, const Neighbour& n, double phi_p, double phi_n,
                         double sigma_p, int face) {
  const auto& h = c.grid->spec().spacing;
  const int d = face_axis(face);
  const double area = face_area(h, face);
  switch (n.kind) {
  case Across::se: return IonicConduction::between(phi_p, phi_n, sigma_p, n.sigma, area, h[d]);
  case Across::electrode:
    return IonicConduction::to_electrode(phi_p, c.conditions.electrode_potential, sigma_p, area, h[d]);
  case Across::counter: return IonicConduction::to_electrode(phi_p, 0.0, sigma_p, area, h[d]);
  case Across::wall: break;
  }
  return {0, 0, 0};
}

/// Value held in a voxel without an ionic unknown (shown in the output).
double inactive_value(const IonicPotential::Context& c, int material) {
  const Phase p = (*c.materials)[material].phase;
  return (p == Phase::CC || p == Phase::NA) ? c.conditions.electrode_potential : 0.0;
}

PetscErrorCode residual(DMDALocalInfo* info, void* xv, void* fv, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  auto x = static_cast<const PetscScalar* const* const*>(xv);
  auto f = static_cast<PetscScalar***>(fv);
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  const PetscInt dof = c->dof, q = c->field;
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
        const int m = static_cast<int>(lab[k][j][i]);
        const double phi = x[k][j][i * dof + q];
        if ((*c->materials)[m].phase != Phase::SE) {
          f[k][j][i * dof + q] = phi - inactive_value(*c, m);
          continue;
        }
        double inflow = 0;
        for (int face = 0; face < 6; ++face) {
          const Neighbour n = across(*c, lab, info, i, j, k, face);
          const double phi_n = n.kind == Across::se ? x[n.k][n.j][n.i * dof + q] : 0.0;
          inflow += face_current(*c, n, phi, phi_n, c->sigma[m], face).value;
        }
        f[k][j][i * dof + q] = -inflow * c->scale;
      }
  PetscCall(DMDAVecRestoreArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian(DMDALocalInfo* info, void* xv, Mat A, Mat P, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  auto x = static_cast<const PetscScalar* const* const*>(xv);
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  const PetscInt dof = c->dof, q = c->field;
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
        const int m = static_cast<int>(lab[k][j][i]);
        MatStencil row = {k, j, i, q};
        if ((*c->materials)[m].phase != Phase::SE) {
          PetscCall(insert_identity_row(P, row));
          continue;
        }
        TwoPointRow jrow(row);
        const double phi = x[k][j][i * dof + q];
        for (int face = 0; face < 6; ++face) {
          const Neighbour n = across(*c, lab, info, i, j, k, face);
          const double phi_n = n.kind == Across::se ? x[n.k][n.j][n.i * dof + q] : 0.0;
          const FaceCurrent fc = face_current(*c, n, phi, phi_n, c->sigma[m], face);
          jrow.add_self(-fc.d_self * c->scale);
          if (n.kind == Across::se) jrow.add_neighbour({n.k, n.j, n.i, q}, -fc.d_other * c->scale);
        }
        PetscCall(jrow.insert(P));
      }
  PetscCall(DMDAVecRestoreArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  PetscCall(finish_assembly(A, P));
  PetscFunctionReturn(0);
}

} // namespace

IonicPotential::IonicPotential(const Grid& grid, Vec labels, const MaterialTable& materials)
    : grid_(grid), ctx_(new Context) {
  ctx_->grid = &grid_;
  ctx_->materials = &materials;
  ctx_->field = grid_.field("phi");
  ctx_->dof = static_cast<PetscInt>(grid_.fields().size());
  NAVOX_CALL(DMCreateLocalVector(grid_.scalar_dm(), &labels_local_));
  NAVOX_CALL(DMGlobalToLocalBegin(grid_.scalar_dm(), labels, INSERT_VALUES, labels_local_));
  NAVOX_CALL(DMGlobalToLocalEnd(grid_.scalar_dm(), labels, INSERT_VALUES, labels_local_));
  ctx_->labels_local = labels_local_;

  NAVOX_CALL(SNESCreate(grid_.comm(), &snes_));
  NAVOX_CALL(SNESSetOptionsPrefix(snes_, "phi_"));
  NAVOX_CALL(SNESSetDM(snes_, grid_.dm()));
  NAVOX_CALL(DMDASNESSetFunctionLocal(grid_.dm(), INSERT_VALUES, residual, ctx_));
  NAVOX_CALL(DMDASNESSetJacobianLocal(grid_.dm(), jacobian, ctx_));
  // The problem is linear: one Newton step, solved by CG with algebraic multigrid,
  // unless the user says otherwise on the command line (-phi_ksp_type ...).
  NAVOX_CALL(SNESSetType(snes_, SNESKSPONLY));
  KSP ksp = nullptr;
  PC pc = nullptr;
  NAVOX_CALL(SNESGetKSP(snes_, &ksp));
  NAVOX_CALL(KSPSetType(ksp, KSPCG));
  NAVOX_CALL(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 1000));
  NAVOX_CALL(KSPGetPC(ksp, &pc));
  NAVOX_CALL(PCSetType(pc, PCGAMG));
  NAVOX_CALL(SNESSetFromOptions(snes_));
}

IonicPotential::~IonicPotential() {
  if (snes_) (void)SNESDestroy(&snes_);
  if (labels_local_) (void)VecDestroy(&labels_local_);
  delete ctx_;
}

void IonicPotential::set_conditions(const IonicConditions& conditions) {
  Context& c = *ctx_;
  c.conditions = conditions;
  const auto& mats = *c.materials;
  c.sigma.assign(mats.size(), 0.0);
  double sigma_max = 0;
  for (std::size_t m = 0; m < mats.size(); ++m)
    if (mats[m].phase == Phase::SE) {
      c.sigma[m] = IonicConduction::conductivity(mats[m], conditions.temperature);
      sigma_max = std::max(sigma_max, c.sigma[m]);
    }
  const auto& h = grid_.spec().spacing;
  c.scale = sigma_max > 0 ? 1.0 / (sigma_max * std::min({h[0], h[1], h[2]})) : 1.0;
}

IonicResult IonicPotential::solve(Vec x, const IonicConditions& conditions) {
  // The operator depends on the labels (fixed) and the temperature only: build
  // the Jacobian and the multigrid hierarchy once per temperature, not per step.
  const bool rebuild = !ctx_->built || conditions.temperature != ctx_->conditions.temperature;
  set_conditions(conditions);
  if (rebuild) {
    NAVOX_CALL(SNESSetLagJacobian(snes_, -2));
    NAVOX_CALL(SNESSetLagPreconditioner(snes_, -2));
    ctx_->built = true;
  }
  Context& c = *ctx_;
  const auto& mats = *c.materials;
  NAVOX_CALL(SNESSolve(snes_, nullptr, x));
  SNESConvergedReason reason;
  NAVOX_CALL(SNESGetConvergedReason(snes_, &reason));
  KSP ksp = nullptr;
  NAVOX_CALL(SNESGetKSP(snes_, &ksp));
  KSPConvergedReason kreason;
  NAVOX_CALL(KSPGetConvergedReason(ksp, &kreason));
  IonicResult r;
  NAVOX_CALL(SNESGetIterationNumber(snes_, &r.snes_iterations));
  NAVOX_CALL(SNESGetLinearSolveIterations(snes_, &r.ksp_iterations));
  if (reason < 0 || kreason < 0)
    throw CollectiveError(std::string("ionic potential solve failed: ") + SNESConvergedReasons[reason] + " / " +
                          KSPConvergedReasons[kreason] + " (try -phi_ksp_monitor, -phi_pc_type)");

  // Currents through the counter electrode and the SE|metal faces, from the solution.
  Vec local = nullptr;
  NAVOX_CALL(DMGetLocalVector(grid_.dm(), &local));
  NAVOX_CALL(DMGlobalToLocalBegin(grid_.dm(), x, INSERT_VALUES, local));
  NAVOX_CALL(DMGlobalToLocalEnd(grid_.dm(), x, INSERT_VALUES, local));
  DMDALocalInfo info;
  NAVOX_CALL(DMDAGetLocalInfo(grid_.dm(), &info));
  PetscScalar*** xa = nullptr;
  const PetscScalar*** lab = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(grid_.dm(), local, &xa));
  NAVOX_CALL(DMDAVecGetArrayRead(grid_.scalar_dm(), labels_local_, &lab));
  double sums[2] = {0, 0};
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
        const int m = static_cast<int>(lab[k][j][i]);
        if (mats[m].phase != Phase::SE) continue;
        const double phi = xa[k][j][i * c.dof + c.field];
        for (int face = 0; face < 6; ++face) {
          const Neighbour n = across(c, lab, &info, i, j, k, face);
          if (n.kind == Across::counter) sums[0] += face_current(c, n, phi, 0, c.sigma[m], face).value;
          if (n.kind == Across::electrode) sums[1] += face_current(c, n, phi, 0, c.sigma[m], face).value;
        }
      }
  NAVOX_CALL(DMDAVecRestoreArrayRead(grid_.scalar_dm(), labels_local_, &lab));
  NAVOX_CALL(DMDAVecRestoreArrayRead(grid_.dm(), local, &xa));
  NAVOX_CALL(DMRestoreLocalVector(grid_.dm(), &local));
  double global[2];
  MPI_Allreduce(sums, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  r.counter_current = global[0];
  r.electrode_current = global[1];
  return r;
}

} // namespace navox
