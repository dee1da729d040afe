#pragma once
/// SIGTERM and SIGUSR1 during `navox run` (SLURM's --signal=B:USR1@300, scancel,
/// preemption): the handler only raises a flag; the time loop sees it at the next
/// step, all ranks agree, write a checkpoint and exit with status 75 (EX_TEMPFAIL).
/// Installed after PetscInitialize, so it replaces PETSc's handler for these two
/// signals (which would abort); a second signal changes nothing, also after the
/// run ended (the handler stays until the process exits, so a late signal cannot
/// turn the status 75 into a kill).
#include <csignal>

namespace navox {

class StopSignals {
public:
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// Non-zero once SIGTERM or SIGUSR1 arrived.
  static const volatile std::sig_atomic_t* flag();
};

/// The exit status of a run stopped by a signal after writing its checkpoint.
constexpr int kExitCheckpointed = 75;

} // namespace navox
