#pragma once
/// Fixed time steps for convergence studies: the observed orders are measured
/// against dt, so no integrator chosen through the options (TSBDF adapts by
/// default) may change it, and a study must stop at the first solve that does
/// not reach the end time.
#include <petscts.h>

#include <cmath>

namespace navox::verification {

/// From t = 0 to t_end in `steps` equal steps, with no step adaptation.
inline PetscErrorCode set_fixed_steps(TS ts, double t_end, PetscInt steps) {
  PetscFunctionBeginUser;
  PetscCall(TSSetTime(ts, 0.0));
  PetscCall(TSSetTimeStep(ts, t_end / double(steps)));
  PetscCall(TSSetMaxSteps(ts, steps));
  PetscCall(TSSetMaxTime(ts, t_end));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  TSAdapt adapt;
  PetscCall(TSGetAdapt(ts, &adapt));
  PetscCall(TSAdaptSetType(adapt, TSADAPTNONE));
  PetscFunctionReturn(0);
}

/// An error unless the solve converged and stopped at t_end.
inline PetscErrorCode check_reached(TS ts, double t_end) {
  PetscFunctionBeginUser;
  PetscReal t = 0;
  TSConvergedReason reason;
  PetscCall(TSGetSolveTime(ts, &t));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCheck(reason > 0 && std::abs(t - t_end) < 1e-9 * t_end, PetscObjectComm(reinterpret_cast<PetscObject>(ts)),
             PETSC_ERR_NOT_CONVERGED, "TS stopped at t = %g (reason %d), not at t_end = %g", double(t), int(reason),
             t_end);
  PetscFunctionReturn(0);
}

} // namespace navox::verification
