#pragma once
// Wall and CPU time of a collective piece of work, for the benchmark tools.
#include <mpi.h>
#include <sys/resource.h>

namespace navox::bench {

inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Timing {
  double wall = 0, cpu = 0; // cpu summed over ranks
};

/// Runs fn between barriers; wall seconds, and CPU seconds summed over the ranks.
template <class Fn> Timing timed(Fn&& fn) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double w0 = MPI_Wtime(), c0 = cpu_seconds();
  fn();
  MPI_Barrier(MPI_COMM_WORLD);
  Timing t;
  t.wall = MPI_Wtime() - w0;
  double mine = cpu_seconds() - c0;
  MPI_Allreduce(&mine, &t.cpu, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return t;
}

} // namespace navox::bench
