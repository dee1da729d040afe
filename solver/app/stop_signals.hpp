#pragma once
/// SIGTERM and SIGUSR1 during `navox run` (SLURM's --signal=B:USR1@300, scancel,
/// preemption): the handler only raises a flag; the time loop sees it at the next
/// step, all ranks agree, write a checkpoint and exit with status 75 (EX_TEMPFAIL).
/// Installed after PetscInitialize, so it replaces PETSc's handler for these two
/// signals (which would abort); a second signal changes nothing.
#include <csignal>

namespace navox {

class StopSignals {
public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// Non-zero once SIGTERM or SIGUSR1 arrived.
  static const volatile std::sig_atomic_t* flag();

private:
  struct sigaction old_term_ {}, old_usr1_ {};
};

/// The exit status of a run stopped by a signal after writing its checkpoint.
constexpr int kExitCheckpointed = 75;

} // namespace navox
