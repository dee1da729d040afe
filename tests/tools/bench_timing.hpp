#pragma once
// Wall and CPU time of a collective piece of work, for the benchmark tools.
#include <mpi.h>
#include <petscsys.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

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

/// A benchmark's main: PETSc up, the sizes N from argv[first..] up to the first option
/// (`fallback` if none), body(sizes, rank, ranks); an error is printed with its rank and
/// gives exit status 1.
template <class Body>
int main(int argc, char** argv, int first, std::vector<std::int64_t> fallback, Body&& body) {
  if (PetscInitialize(&argc, &argv, nullptr, nullptr)) return 1;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int status = 0;
  try {
    std::vector<std::int64_t> sizes;
    for (int a = first; a < argc && argv[a][0] != '-'; ++a) sizes.push_back(std::atoll(argv[a]));
    body(sizes.empty() ? fallback : sizes, rank, size);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
    status = 1;
  }
  PetscFinalize();
  return status;
}

} // namespace navox::bench
