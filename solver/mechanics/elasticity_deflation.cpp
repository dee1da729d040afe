// The bodies only the pressure plate holds, deflated from the elastic solve's
// preconditioner (rigid_deflation.hpp): under the default geometric levels the KSP's
// preconditioner becomes a shell that applies the balancing form of the deflation
// around the levels' multigrid. The multigrid is built in a
// preconditioner of its own under the KSP's options prefix, so every
// `-displacement_mg_*` and `-displacement_pc_*` option reaches it as without the shell;
// the shell answers to `-displacement_deflated_*` (none of its own).
#include "solver/mechanics/elasticity.hpp"

#include "mesh/error.hpp"

#include <new>

namespace navox {

PC Elasticity::multigrid_pc() const {
  if (inner_) return inner_;
  PC pc = nullptr;
  NAVOX_CALL(KSPGetPC(ksp_, &pc));
  return pc;
}

void Elasticity::build_deflation() {
  // A DOF moves with a body when its node is a corner of one of the body's voxels (the
  // lowest-numbered such body, the same on every rank from the ghosted numbers); held
  // DOFs stay out.
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  std::vector<std::int8_t> dof_body(3 * std::size_t(xm) * std::size_t(ym) * std::size_t(zm), -1);
  const PetscScalar*** body = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(grid_.scalar_dm(), bodies_local_, &body));
  std::size_t n = 0;
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i, n += 3) {
        int b = -1;
        for_each_element_of_node(i, j, k, [&](PetscInt ei, PetscInt ej, PetscInt ek, int, int, int) {
          const int v = int(body[ek][ej][ei]);
          if (v >= 0 && (b < 0 || v < b)) b = v;
        });
        for (int c = 0; c < 3; ++c)
          if (!fixed(i, j, k, c)) dof_body[n + std::size_t(c)] = std::int8_t(b);
      }
  NAVOX_CALL(DMDAVecRestoreArrayRead(grid_.scalar_dm(), bodies_local_, &body));
  RigidDeflation::Nodes nodes;
  nodes.first = {xs, ys, zs};
  nodes.count = {xm, ym, zm};
  NAVOX_CALL(DMDAGetInfo(vdm_, nullptr, &nodes.grid[0], &nodes.grid[1], &nodes.grid[2], nullptr, nullptr, nullptr,
                         nullptr, nullptr, nullptr, nullptr, nullptr, nullptr));
  nodes.spacing = grid_.spec().spacing;
  nodes.periodic_lateral = grid_.spec().periodic_lateral;
  deflation_ = std::make_unique<RigidDeflation>(grid_.comm(), std::move(dof_body), plate_bodies_, nodes);
}

PC Elasticity::wrap_in_deflation(PC outer) {
  NAVOX_CALL(PCCreate(grid_.comm(), &inner_));
  NAVOX_CALL(PCSetOptionsPrefix(inner_, "displacement_"));
  NAVOX_CALL(PCSetOperators(inner_, a_, a_));
  NAVOX_CALL(PCSetType(outer, PCSHELL));
  NAVOX_CALL(PCSetOptionsPrefix(outer, "displacement_deflated_"));
  NAVOX_CALL(PCShellSetContext(outer, this));
  NAVOX_CALL(PCShellSetSetUp(outer, deflated_set_up));
  NAVOX_CALL(PCShellSetApply(outer, deflated_apply));
  NAVOX_CALL(PCShellSetView(outer, deflated_view));
  NAVOX_CALL(PCShellSetName(outer, "the rigid motions of the bodies only the plate holds, deflated"));
  return inner_;
}

namespace {
Elasticity* of(PC pc) {
  void* context = nullptr;
  if (PCShellGetContext(pc, &context)) return nullptr;
  return static_cast<Elasticity*>(context);
}
} // namespace

PetscErrorCode Elasticity::deflated_set_up(PC pc) {
  PetscFunctionBeginUser;
  Elasticity* e = of(pc);
  PetscCheck(e, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the deflation's shell has no context");
  PetscCall(PCSetUp(e->inner_));
  try {
    if (!e->deflation_->ready()) PetscCall(e->deflation_->set_up(e->a_));
  } catch (const std::bad_alloc&) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory setting up the deflation");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode Elasticity::deflated_apply(PC pc, Vec x, Vec y) {
  PetscFunctionBeginUser;
  Elasticity* e = of(pc);
  PetscCheck(e, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the deflation's shell has no context");
  try {
    PetscCall(e->deflation_->apply(x, y, [&](Vec t, Vec out) { return PCApply(e->inner_, t, out); }));
  } catch (const std::bad_alloc&) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory applying the deflation");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode Elasticity::deflated_view(PC pc, PetscViewer viewer) {
  PetscFunctionBeginUser;
  Elasticity* e = of(pc);
  PetscCheck(e, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the deflation's shell has no context");
  PetscCall(PetscViewerASCIIPrintf(viewer, "  bodies only the plate holds: %d (%d turning); columns deflated: %d\n",
                                   e->plate_bodies_, e->deflation_->turning_bodies(), e->deflation_->columns()));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PCView(e->inner_, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

} // namespace navox
