#pragma once
/// The implicit time stepper of the PFHub verification tests: F(t, u, u̇) = 0
/// from DMDA-local callbacks, `steps` equal steps from t = 0 to t_end.
///
/// Fixed steps: the orders are measured against dt, the answer must be the
/// same on every rank count, and no integrator chosen through the options
/// (-PREFIX_ts_type) may adapt the step (TSBDF would by default). Newton is
/// converged tightly (the errors measured must be the discretisation's, and
/// near an unstable state solver noise is amplified); the Krylov tolerance is
/// the caller's. Options with the prefix still override all of it.
#include "verification/fixed_steps.hpp"

#include <petscdmda.h>
#include <petscts.h>

namespace navox::verification {

inline PetscErrorCode create_fixed_step_ts(DM da, const char* prefix, TSType type, DMDATSIFunctionLocal f,
                                           DMDATSIJacobianLocal jacobian, void* ctx, double t_end,
                                           PetscInt steps, double ksp_rtol, TS* ts) {
  PetscFunctionBeginUser;
  PetscCall(TSCreate(PetscObjectComm(PetscObject(da)), ts));
  PetscCall(TSSetDM(*ts, da));
  PetscCall(TSSetOptionsPrefix(*ts, prefix));
  PetscCall(TSSetProblemType(*ts, TS_NONLINEAR));
  PetscCall(DMDATSSetIFunctionLocal(da, INSERT_VALUES, f, ctx));
  PetscCall(DMDATSSetIJacobianLocal(da, jacobian, ctx));
  PetscCall(TSSetType(*ts, type));
  PetscCall(set_fixed_steps(*ts, t_end, steps));
  SNES snes;
  KSP ksp;
  PetscCall(TSGetSNES(*ts, &snes));
  PetscCall(SNESSetTolerances(snes, 1e-12, 1e-10, PETSC_DEFAULT, 20, PETSC_DEFAULT));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetTolerances(ksp, ksp_rtol, 1e-14, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscFunctionReturn(0);
}

} // namespace navox::verification
