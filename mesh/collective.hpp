#pragma once
/// Turning per-rank failures into the same error on every rank.
///
/// A reader that fails on one rank, or a file only rank 0 writes, must not leave
/// the other ranks waiting in the next collective call: these helpers run the
/// work, agree on whether anyone failed, and throw the first failing rank's
/// message everywhere, so `main` can print it once and every rank exits non-zero.
#include "mesh/error.hpp"

#include <mpi.h>

#include <cstdint>
#include <string>

namespace navox {

/// An error every rank of the communicator raised together (with the same message):
/// `main` may print it once and exit cleanly instead of aborting the job.
class CollectiveError : public Error {
public:
  using Error::Error;
};

/// A CollectiveError that no shorter time step can cure (the cell cannot hold what
/// the protocol asks): the time loop stops at once instead of retrying.
class CollectiveLimit : public CollectiveError {
public:
  using CollectiveError::CollectiveError;
};

/// Gives every rank `root`'s `text`. Collective.
inline void broadcast(MPI_Comm comm, int root, std::string& text) {
  unsigned long long len = text.size();
  MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG_LONG, root, comm);
  text.resize(len);
  MPI_Bcast(text.data(), static_cast<int>(len), MPI_CHAR, root, comm);
}

namespace detail {
inline void throw_from(MPI_Comm comm, int root, std::string message) {
  broadcast(comm, root, message);
  throw CollectiveError(message);
}
} // namespace detail

/// Runs `fn` on every rank; if any rank throws, all ranks throw the lowest failing rank's message.
template <class Fn>
void collectively(MPI_Comm comm, Fn&& fn) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string message;
  try {
    fn();
  } catch (const std::exception& e) {
    message = size > 1 ? "rank " + std::to_string(rank) + ": " + e.what() : e.what();
  }
  const int mine = message.empty() ? size : rank;
  int first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first < size) detail::throw_from(comm, first, std::move(message));
}

/// Runs `fn` on rank 0 only; its failure is thrown on every rank.
template <class Fn>
void on_root(MPI_Comm comm, Fn&& fn) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string message;
  if (rank == 0) {
    try {
      fn();
    } catch (const std::exception& e) {
      message = e.what();
    }
  }
  int failed = message.empty() ? 0 : 1;
  MPI_Bcast(&failed, 1, MPI_INT, 0, comm);
  if (failed) detail::throw_from(comm, 0, std::move(message));
}

/// Sum of `count` over the ranks below this one: the offset of this rank's first
/// item when items are numbered rank by rank. Collective.
inline std::int64_t lower_ranks_sum(MPI_Comm comm, std::int64_t count) {
  std::int64_t below = 0;
  MPI_Exscan(&count, &below, 1, MPI_INT64_T, MPI_SUM, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank == 0 ? 0 : below; // MPI leaves rank 0's result undefined
}

} // namespace navox
