#include "solver/app/stop_signals.hpp"

namespace navox {

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int) { stop_requested = 1; }

} // namespace

StopSignals::StopSignals() {
  struct sigaction a {};
  a.sa_handler = request_stop;
  sigemptyset(&a.sa_mask);
  a.sa_flags = SA_RESTART; // system calls in progress (MPI, file I/O) carry on
  sigaction(SIGTERM, &a, nullptr);
  sigaction(SIGUSR1, &a, nullptr);
}

const volatile std::sig_atomic_t* StopSignals::flag() { return &stop_requested; }

} // namespace navox
