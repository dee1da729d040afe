// The machine's roofline for scripts/bench/suite: memory bandwidth (STREAM triad,
// a[i] = b[i] + s c[i]) and a 7-point Jacobi sweep, both on arrays well beyond the
// caches. Every rank runs its own copy at the same time (after a barrier), so with
// one rank per core the sum is what the node sustains and the per-core figure what a
// rank of a solver can hope for. Best of REPS repetitions. Run by scripts/bench/suite;
// not a test (tests/CMakeLists.txt only checks that it prints its lines).
//
//   mpirun -n NP navox_bench_roofline [STREAM_MiB [JACOBI_N [REPS]]]
//
// Defaults: 3 arrays of 128 MiB each per rank, a 256^3 Jacobi grid (2 x 128 MiB)
// per rank, 5 repetitions. Output, one line each (rank 0):
//   stream_triad ranks=NP MiB_per_array=M total_GBps=X per_core_GBps=Y
//   jacobi7 ranks=NP n=N total_Mupdps=X per_core_Mupdps=Y per_core_GBps=Z
// GB = 1e9 bytes; the triad counts 24 B per element (no write-allocate), a Jacobi
// update 16 B (one read stream, one write stream: the neighbours come from cache).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

// The slowest rank's time of fn(), after a barrier: all ranks stream at once.
template <class Fn> double timed(Fn&& fn) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  fn();
  double mine = MPI_Wtime() - t0, slowest = 0;
  MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return slowest;
}

double stream_triad(std::size_t n, int reps) {
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  const double s = 3.0;
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    best = std::min(best, timed([&] {
                      double* __restrict pa = a.data();
                      const double* __restrict pb = b.data();
                      const double* __restrict pc = c.data();
                      for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
                    }));
  }
  volatile double sink = a[n / 2]; // keep the loop
  (void)sink;
  return 24.0 * double(n) / best; // B/s per rank
}

double jacobi7(std::size_t n, int reps) {
  const std::size_t nn = n * n, total = nn * n;
  std::vector<double> u(total, 0.0), v(total, 0.0);
  for (std::size_t i = 0; i < total; i += 7) u[i] = 1.0;
  const double h = 1.0 / 6.0, rhs = 1e-3;
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    best = std::min(best, timed([&] {
                      const double* __restrict pu = u.data();
                      double* __restrict pv = v.data();
                      for (std::size_t k = 1; k + 1 < n; ++k)
                        for (std::size_t j = 1; j + 1 < n; ++j) {
                          const std::size_t o = k * nn + j * n;
                          for (std::size_t i = 1; i + 1 < n; ++i) {
                            const std::size_t p = o + i;
                            pv[p] = h * (rhs + pu[p - 1] + pu[p + 1] + pu[p - n] + pu[p + n] + pu[p - nn] + pu[p + nn]);
                          }
                        }
                    }));
    u.swap(v);
  }
  volatile double sink = u[total / 2];
  (void)sink;
  const double interior = double(n - 2) * double(n - 2) * double(n - 2);
  return interior / best; // updates/s per rank
}

} // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const long mib = argc > 1 ? std::atol(argv[1]) : 128;
  const long n = argc > 2 ? std::atol(argv[2]) : 256;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 5;
  if (mib < 1 || n < 3 || reps < 1) {
    if (rank == 0) std::fprintf(stderr, "usage: navox_bench_roofline [STREAM_MiB >= 1 [JACOBI_N >= 3 [REPS >= 1]]]\n");
    MPI_Finalize();
    return 2;
  }
  // Per rank; summed as rates of ranks that ran at the same time.
  double triad = stream_triad(std::size_t(mib) * 1024 * 1024 / sizeof(double), reps), triad_sum = 0;
  double updates = jacobi7(std::size_t(n), reps), updates_sum = 0;
  MPI_Reduce(&triad, &triad_sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  MPI_Reduce(&updates, &updates_sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    std::printf("stream_triad ranks=%d MiB_per_array=%ld total_GBps=%.2f per_core_GBps=%.2f\n", size, mib,
                triad_sum / 1e9, triad_sum / 1e9 / size);
    std::printf("jacobi7 ranks=%d n=%ld total_Mupdps=%.1f per_core_Mupdps=%.1f per_core_GBps=%.2f\n", size, n,
                updates_sum / 1e6, updates_sum / 1e6 / size, 16.0 * updates_sum / 1e9 / size);
  }
  MPI_Finalize();
  return 0;
}
