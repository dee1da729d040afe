#pragma once
/// The ionic potential solve: SNES on the solution DMDA with a local residual
/// and an exact Jacobian assembled from physics::IonicConduction face currents.
///
/// The unknown lives in SE voxels; every other voxel gets an identity row (its
/// value is set to the electrode potential in metal and 0 in pores, for display),
/// so the mask stays here and out of the physics. Rows are scaled by one global
/// factor 1/(sigma_max h_min), which keeps the operator symmetric for CG and
/// multigrid. Defaults: CG + GAMG; any -phi_... / -snes_/-ksp_/-pc_ option overrides.
#include "mesh/grid.hpp"
#include "physics/material.hpp"

#include <petscsnes.h>

namespace navox {

struct IonicConditions {
  double temperature = 298.15;      ///< [K]
  double electrode_potential = 0;   ///< potential of CC and Na relative to the counter electrode [V]
};

struct IonicResult {
  PetscInt snes_iterations = 0;
  PetscInt ksp_iterations = 0;
  double counter_current = 0;   ///< current entering the SE from the counter electrode (z = 0) [A]
  double electrode_current = 0; ///< current entering the SE through SE|metal faces [A]
};

class IonicPotential {
public:
  /// `labels` is a global vector of grid.scalar_dm() holding material indices.
  IonicPotential(const Grid& grid, Vec labels, const MaterialTable& materials);
  ~IonicPotential();
  IonicPotential(const IonicPotential&) = delete;
  IonicPotential& operator=(const IonicPotential&) = delete;

  /// Solves for the "phi" component of `x` (a global vector of grid.dm()), in place.
  /// Throws navox::Error (on every rank) if the solver diverges.
  IonicResult solve(Vec x, const IonicConditions& conditions);

  /// The nonlinear solver (prefix "phi_"), e.g. for Jacobian checks in tests.
  SNES snes() const { return snes_; }
  /// Sets the conditions the residual uses, without solving.
  void set_conditions(const IonicConditions& conditions);

  struct Context; ///< what the PETSc callbacks see

private:
  const Grid& grid_;
  SNES snes_ = nullptr;
  Vec labels_local_ = nullptr;
  Context* ctx_ = nullptr;
};

} // namespace navox
