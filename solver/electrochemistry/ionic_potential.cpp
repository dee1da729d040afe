#include "solver/electrochemistry/ionic_potential.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/reductions.hpp"
#include "mesh/stencil.hpp"
#include "physics/electrochemistry/ionic_conduction.hpp"
#include "solver/electrochemistry/cell_potential.hpp"
#include "solver/electrochemistry/ionic_assembly.hpp"
#include "solver/multigrid/aggregation_mg.hpp"

#include <petscdmshell.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace navox {

using physics::IonicConduction;
using physics::InterfaceKinetics;
using ionic::Across;
using ionic::across;
using ionic::electrode_face;
using ionic::face_current;
using ionic::Neighbour;

namespace {
/// Unknowns of the ionic multigrid's coarsest level (see create_solver).
constexpr PetscInt kCoarsestIonic = 256;
} // namespace

IonicPotential::IonicPotential(const Grid& grid, Vec labels, const MaterialTable& materials)
    : grid_(grid), dm_(grid.field_dm("phi")), ctx_(new Context) {
  ctx_->grid = &grid_;
  ctx_->materials = &materials;
  ctx_->faces = &faces_;
  // across() reads sigma of SE neighbours, and the face set-up below calls it before
  // the first set_conditions: zeros until then (only the kind of neighbour is used).
  ctx_->sigma.assign(materials.size(), 0.0);
  NAVOX_CALL(DMCreateLocalVector(grid_.scalar_dm(), &labels_local_));
  NAVOX_CALL(DMGlobalToLocalBegin(grid_.scalar_dm(), labels, INSERT_VALUES, labels_local_));
  NAVOX_CALL(DMGlobalToLocalEnd(grid_.scalar_dm(), labels, INSERT_VALUES, labels_local_));
  ctx_->labels_local = labels_local_;

  create_rows();

  // Default face states from the labels alone (no Na phase field yet).
  const PetscScalar*** lab = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(grid_.scalar_dm(), labels_local_, &lab));
  DMDALocalInfo info;
  NAVOX_CALL(DMDAGetLocalInfo(grid_.scalar_dm(), &info));
  for (std::size_t n = 0; n < faces_.size(); ++n) {
    const std::size_t slot = electrode_slots_[n];
    PetscInt i, j, k;
    ionic::owned_voxel(&info, slot / 6, i, j, k);
    const Neighbour nb = across(*ctx_, lab, &info, i, j, k, int(slot % 6));
    const Material& metal = materials[static_cast<int>(lab[nb.k][nb.j][nb.i])];
    ElectrodeFace& f = faces_[n];
    if (metal.phase == Phase::CC) {
      f.active_cathodic = metal.bare_surface_active ? 1 : 0;
      f.metal_fraction = 1;
    } else if (metal.phase == Phase::NA) {
      f.active_anodic = f.active_cathodic = f.metal_fraction = 1;
    }
  }
  NAVOX_CALL(DMDAVecRestoreArrayRead(grid_.scalar_dm(), labels_local_, &lab));
}

void IonicPotential::create_rows() {
  NAVOX_CALL(ionic::build_rows(*ctx_));
  // The faces' states carry over by place (new faces, should the SE have changed, start blank).
  const std::vector<ElectrodeFace> old_faces = std::move(faces_);
  const std::vector<std::size_t> old_slots = std::move(electrode_slots_);
  const auto& refs = ctx_->electrode_faces;
  if (refs.size() >= std::numeric_limits<std::uint32_t>::max())
    throw Error("ionic potential: more electrode faces on one rank than 32-bit offsets index; use more ranks");
  electrode_slots_.resize(refs.size());
  faces_.assign(refs.size(), ElectrodeFace{});
  face_start_.assign(static_cast<std::size_t>(grid_.owned().size()) + 1, 0);
  std::size_t p = 0;
  for (std::size_t n = 0; n < refs.size(); ++n) {
    const std::size_t slot = refs[n].slot;
    electrode_slots_[n] = slot;
    ++face_start_[slot / 6 + 1];
    while (p < old_slots.size() && old_slots[p] < slot) ++p;
    if (p < old_slots.size() && old_slots[p] == slot) faces_[n] = old_faces[p];
  }
  for (std::size_t v = 1; v < face_start_.size(); ++v) face_start_[v] += face_start_[v - 1];
  NAVOX_CALL(MatDuplicate(ctx_->conduction, MAT_DO_NOT_COPY_VALUES, &jacobian_));
  NAVOX_CALL(MatCreateVecs(ctx_->conduction, &x_, nullptr));
  ctx_->control.jacobian = jacobian_;
  NAVOX_CALL(VecDuplicate(x_, &ctx_->control.coupling));
  NAVOX_CALL(ionic::create_schur_jacobian(*ctx_, &schur_));
  // The solver follows in set_conditions, once the conduction matrix has its values
  // (the multigrid hierarchy is built from them).
}

void IonicPotential::destroy_solver() {
  if (snes_) NAVOX_CALL(SNESDestroy(&snes_));
}

void IonicPotential::drop_hierarchy() {
  destroy_solver(); // its preconditioner holds the hierarchy's levels
  ctx_->mg = nullptr;
  mg_.reset();
}

void IonicPotential::create_solver() {
  destroy_solver();
  NAVOX_CALL(SNESCreate(grid_.comm(), &snes_));
  NAVOX_CALL(SNESSetOptionsPrefix(snes_, "phi_"));
  // The unknowns are the SE voxels only (no identity rows for the rest of the grid):
  // no DM, the rows of IonicPotential::Context.
  Vec r = nullptr;
  NAVOX_CALL(VecDuplicate(x_, &r));
  NAVOX_CALL(SNESSetFunction(snes_, r, ionic::residual, ctx_));
  NAVOX_CALL(VecDestroy(&r));
  NAVOX_CALL(SNESSetJacobian(snes_, jacobian_, jacobian_, ionic::jacobian, ctx_));
  // Vectors for what asks the SNES's DM for them (finite-difference Jacobians, -phi_snes_test_jacobian).
  DM shell = nullptr;
  NAVOX_CALL(SNESGetDM(snes_, &shell));
  NAVOX_CALL(DMShellSetGlobalVector(shell, x_));
  NAVOX_CALL(SNESSetType(snes_, SNESNEWTONLS));
  // Residual rows are currents scaled by 1/(sigma_max h_min): volts. An absolute
  // tolerance of 1e-12 V per voxel (in the 2-norm) ends the solve from a start that
  // is already the answer, where no relative decrease is possible.
  const double atol = 1e-12 * std::sqrt(double(grid_.voxel_count()));
  NAVOX_CALL(SNESSetTolerances(snes_, atol, 1e-10, 0.0, 50, PETSC_DEFAULT));
  KSP ksp = nullptr;
  PC pc = nullptr;
  NAVOX_CALL(SNESGetKSP(snes_, &ksp));
  NAVOX_CALL(KSPSetType(ksp, KSPCG));
  // Each linear solve to 1e-6: the SNES tolerances (1e-10) decide when phi is
  // converged, and the nearly linear problem gets there in one or two more Newton
  // iterations of a few cheap CG iterations, instead of one solve to 1e-10. The
  // sensitivity solve of solve_current() only steers the Newton iteration on V.
  NAVOX_CALL(KSPSetTolerances(ksp, 1e-6, 1e-50, PETSC_DEFAULT, 1000));
  NAVOX_CALL(KSPGetPC(ksp, &pc));
  // Newton on a symmetric positive definite Jacobian: the conduction matrix, fixed for
  // a temperature, plus the SE|metal faces' derivatives on the diagonal. The default
  // preconditioner is the analysis solve's geometric aggregation multigrid, built once
  // from the conduction matrix; each Jacobian only passes its diagonal down the levels
  // (ionic::jacobian), so nothing is rebuilt per Newton iteration or time step.
  // -phi_pc_type picks any other (hypre, gamg), rebuilt every 10 Newton iterations.
  char type[64] = "";
  PetscBool chosen = PETSC_FALSE;
  NAVOX_CALL(PetscOptionsGetString(nullptr, "phi_", "-pc_type", type, sizeof type, &chosen));
  if (!chosen || std::string(type) == PCMG) {
    // The hierarchy depends on the conduction matrix alone (each Jacobian sets its
    // coarse diagonals afresh): kept across new solvers until that matrix changes.
    if (!mg_) {
      std::vector<std::int64_t> cells;
      NAVOX_CALL(ionic::balanced_cells(*ctx_, cells));
      // The coarsest level is factorised again at every Newton iteration (its diagonal
      // changes with the faces'): coarsened down to a few hundred unknowns.
      mg_ = std::make_unique<AggregationMG>(grid_.comm(), std::move(cells), grid_.spec().dims, ctx_->conduction,
                                            kCoarsestIonic);
    }
    mg_->configure(pc);
    ctx_->mg = mg_.get();
    // Coarse levels are solved by a few Krylov iterations: a flexible outer CG.
    NAVOX_CALL(KSPSetType(ksp, KSPFCG));
    NAVOX_CALL(KSPFCGSetMmax(ksp, 1)); // Notay's FCG(1): one stored direction, as CG
  } else {
    NAVOX_CALL(PCSetType(pc, type));
    NAVOX_CALL(SNESSetLagPreconditioner(snes_, 10));
    NAVOX_CALL(SNESSetLagPreconditionerPersists(snes_, PETSC_TRUE));
  }
  NAVOX_CALL(SNESSetFromOptions(snes_));
}

IonicPotential::~IonicPotential() {
  if (snes_) (void)SNESDestroy(&snes_);
  mg_.reset();
  if (labels_local_) (void)VecDestroy(&labels_local_);
  for (Vec* v : {&x_, &ctx_->diagonal, &ctx_->row_index, &ctx_->natural, &ctx_->natural_work, &ctx_->control.coupling})
    if (*v) (void)VecDestroy(v);
  if (ctx_->to_balanced) (void)VecScatterDestroy(&ctx_->to_balanced);
  for (Mat* m : {&schur_, &jacobian_, &ctx_->conduction})
    if (*m) (void)MatDestroy(m);
  delete ctx_;
}

void IonicPotential::set_conditions(const IonicConditions& conditions) {
  Context& c = *ctx_;
  c.conditions = conditions;
  const auto& mats = *c.materials;
  c.sigma.assign(mats.size(), 0.0);
  c.kinetics.assign(mats.size(), InterfaceKinetics{});
  double sigma_max = 0;
  for (std::size_t m = 0; m < mats.size(); ++m)
    if (mats[m].phase == Phase::SE) {
      c.sigma[m] = IonicConduction::conductivity(mats[m], conditions.temperature);
      sigma_max = std::max(sigma_max, c.sigma[m]);
      InterfaceKinetics& k = c.kinetics[m];
      k.temperature = conditions.temperature;
      k.alpha_anodic = mats[m].transfer_coefficient;
      k.alpha_cathodic = 1.0 - mats[m].transfer_coefficient;
      k.capacitance = mats[m].double_layer_capacitance;
      k.exchange_current = mats[m].charge_transfer_resistance > 0
                               ? InterfaceKinetics::exchange_current_from(mats[m].charge_transfer_resistance,
                                                                          conditions.temperature)
                               : std::numeric_limits<double>::infinity();
    }
  const auto& h = grid_.spec().spacing;
  c.scale = sigma_max > 0 ? 1.0 / (sigma_max * std::min({h[0], h[1], h[2]})) : 1.0;
  // A new temperature (a protocol step's) changes the conductivities, and with them the
  // linear part of every row.
  // The preconditioner's hierarchy is built from it: a fresh solver.
  if (c.sigma != c.conduction_sigma) {
    drop_hierarchy();
    NAVOX_CALL(ionic::assemble_conduction(c));
    create_solver();
  } else if (!snes_) {
    create_solver();
  }
}

void IonicPotential::set_current(double current) {
  ctx_->control.on = true;
  ctx_->control.current = current;
  NAVOX_CALL(SNESSetJacobian(snes_, schur_, jacobian_, nullptr, nullptr));
}

void IonicPotential::set_labels(Vec labels) {
  NAVOX_CALL(DMGlobalToLocalBegin(grid_.scalar_dm(), labels, INSERT_VALUES, labels_local_));
  NAVOX_CALL(DMGlobalToLocalEnd(grid_.scalar_dm(), labels, INSERT_VALUES, labels_local_));
  // The collector moves through pores and Na, never through the SE: the rows stand.
  // Should a caller change the SE itself, the rows, the matrices and the solver start over.
  std::vector<std::size_t> se;
  NAVOX_CALL(ionic::se_voxels(*ctx_, se));
  if (!global_or(grid_, se != ctx_->row_voxel)) return;
  drop_hierarchy();
  NAVOX_CALL(MatDestroy(&schur_));
  NAVOX_CALL(MatDestroy(&jacobian_));
  NAVOX_CALL(VecDestroy(&ctx_->control.coupling));
  NAVOX_CALL(VecDestroy(&x_));
  create_rows();
}

void IonicPotential::restart_preconditioner() {
  // A fresh SNES (with its Jacobian, KSP and preconditioner): a lagged preconditioner
  // and what an algebraic multigrid keeps from one set-up to the next (a second set-up
  // differs from a first in the last bits, even after PCReset) start over, as in a run
  // restarted here. The aggregation hierarchy stays: it is a function of the conduction
  // matrix, which a restarted run rebuilds the same. Without the conduction matrix's
  // values yet (new labels), set_conditions creates the solver.
  destroy_solver();
  if (!ctx_->conduction_sigma.empty()) create_solver();
}

void IonicPotential::accept_step() {
  // Only SE|metal and SE|pore faces carry a double layer (the others' eta stays 0).
  for (ElectrodeFace& f : faces_) f.eta_old = f.eta;
}

Vec IonicPotential::create_unknowns() const {
  Vec v = nullptr;
  NAVOX_CALL(VecDuplicate(x_, &v));
  return v;
}

void IonicPotential::gather(Vec phi) {
  const PetscScalar* p = nullptr;
  PetscScalar* x = nullptr;
  NAVOX_CALL(VecGetArrayRead(phi, &p));
  NAVOX_CALL(VecGetArray(ctx_->natural, &x));
  for (std::size_t r = 0; r < ctx_->row_voxel.size(); ++r) x[r] = p[ctx_->row_voxel[r]];
  NAVOX_CALL(VecRestoreArray(ctx_->natural, &x));
  NAVOX_CALL(VecRestoreArrayRead(phi, &p));
  NAVOX_CALL(ionic::to_balanced(*ctx_, ctx_->natural, x_, INSERT_VALUES));
}

void IonicPotential::scatter(Vec phi) const {
  // Outside the SE: V in the metal (CC and Na), 0 in pores (the output files write NaN
  // there, ElectrochemistryModule::outputs).
  const auto& mats = *ctx_->materials;
  const double v = ctx_->conditions.electrode_potential;
  const Box b = grid_.owned();
  const PetscScalar*** lab = nullptr;
  PetscScalar* p = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(grid_.scalar_dm(), labels_local_, &lab));
  NAVOX_CALL(VecGetArray(phi, &p));
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const Phase ph = mats[static_cast<int>(lab[k][j][i])].phase;
        p[b.offset(i, j, k)] = (ph == Phase::CC || ph == Phase::NA) ? v : 0.0;
      }
  NAVOX_CALL(DMDAVecRestoreArrayRead(grid_.scalar_dm(), labels_local_, &lab));
  NAVOX_CALL(ionic::to_natural(*ctx_, x_, ctx_->natural));
  const PetscScalar* x = nullptr;
  NAVOX_CALL(VecGetArrayRead(ctx_->natural, &x));
  for (std::size_t r = 0; r < ctx_->row_voxel.size(); ++r) p[ctx_->row_voxel[r]] = x[r];
  NAVOX_CALL(VecRestoreArrayRead(ctx_->natural, &x));
  NAVOX_CALL(VecRestoreArray(phi, &p));
}

IonicResult IonicPotential::solve(Vec phi, const IonicConditions& conditions) {
  gather(phi);
  ctx_->control.on = false;
  return solve_unknowns(phi, conditions);
}

IonicResult IonicPotential::solve_unknowns(Vec phi, const IonicConditions& conditions) {
  set_conditions(conditions);
  // The operator: J, or galvanostatic J less its rank-one term; J preconditions both.
  NAVOX_CALL(SNESSetJacobian(snes_, ctx_->control.on ? schur_ : jacobian_, jacobian_, nullptr, nullptr));
  NAVOX_CALL(SNESSolve(snes_, nullptr, x_));
  SNESConvergedReason reason;
  NAVOX_CALL(SNESGetConvergedReason(snes_, &reason));
  KSP ksp = nullptr;
  NAVOX_CALL(SNESGetKSP(snes_, &ksp));
  KSPConvergedReason kreason;
  NAVOX_CALL(KSPGetConvergedReason(ksp, &kreason));
  if (reason < 0 || kreason < 0)
    throw CollectiveError(std::string("ionic potential solve failed: ") + SNESConvergedReasons[reason] + " / " +
                          KSPConvergedReasons[kreason] + " (try -phi_snes_monitor, -phi_ksp_monitor, -phi_pc_type)");
  scatter(phi);
  IonicResult r = measure();
  NAVOX_CALL(SNESGetIterationNumber(snes_, &r.snes_iterations));
  NAVOX_CALL(SNESGetLinearSolveIterations(snes_, &r.ksp_iterations));
  r.electrode_potential = ctx_->conditions.electrode_potential;
  return r;
}

IonicResult IonicPotential::solve_current(Vec phi, IonicConditions conditions, double current) {
  // V is no outer iteration: each residual evaluation sets it to the root of the faces'
  // current at that phi, and the SNES solves for phi alone (cell_potential.hpp).
  ionic::CellControl& control = ctx_->control;
  control.on = true;
  control.current = current;
  control.evaluations = 0;
  control.failed = false;
  voltage_estimate_ = std::numeric_limits<double>::quiet_NaN();
  gather(phi);
  IonicResult r;
  try {
    r = solve_unknowns(phi, conditions);
  } catch (const CollectiveError&) {
    control.on = false;
    if (!control.failed) {
      voltage_estimate_ = ctx_->conditions.electrode_potential; // V(phi) at the last iterate
      throw;
    }
    voltage_estimate_ = control.estimate;
    char text[200];
    if (std::isinf(control.estimate))
      std::snprintf(text, sizeof text,
                    "no current can flow: every SE|metal face is blocking (no Na, no active current collector, "
                    "no double layer)");
    else
      std::snprintf(text, sizeof text, "no cell voltage within %g V of %.4g V carries the applied current",
                    ionic::kVoltageSpan, conditions.electrode_potential);
    throw CollectiveError(std::string("galvanostatic solve: ") + text);
  }
  control.on = false;
  r.potential_iterations = int(control.evaluations);
  return r;
}

IonicResult IonicPotential::measure() {
  // Face currents from the solution: stored per face for the Na model, and summed over
  // the cell. Only P's own potential enters a face current here.
  const Context& c = *ctx_;
  const auto& h = grid_.spec().spacing;
  NAVOX_CALL(ionic::to_natural(c, x_, c.natural));
  const PetscScalar* x = nullptr;
  NAVOX_CALL(VecGetArrayRead(c.natural, &x));
  double sums[3] = {0, 0, 0}, max_density = 0;
  for (const ionic::FaceRef& r : c.counter_faces) {
    const Neighbour n{Across::counter, 0, 0, 0, 0};
    sums[0] += face_current(c, n, x[r.row], 0, r.material, r.slot / 6, r.face).value;
  }
  for (std::size_t m = 0; m < c.electrode_faces.size(); ++m) {
    const ionic::FaceRef& r = c.electrode_faces[m];
    ElectrodeFace& f = faces_[m];
    const auto s = electrode_face(c, f, r.material, x[r.row], r.face);
    f.eta = s.eta;
    f.current = s.current;
    f.faradaic = s.faradaic;
    sums[1] += s.current;
    sums[2] += s.faradaic;
    max_density = std::max(max_density, std::abs(s.current) / face_area(h, r.face));
  }
  NAVOX_CALL(VecRestoreArrayRead(c.natural, &x));
  double global[3];
  MPI_Allreduce(sums, global, 3, MPI_DOUBLE, MPI_SUM, grid_.comm());
  IonicResult r;
  r.counter_current = global[0];
  r.electrode_current = global[1];
  r.faradaic_current = global[2];
  MPI_Allreduce(&max_density, &r.max_current_density, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
  return r;
}

} // namespace navox
