#pragma once
// The same run on every way of splitting the ranks: the default partition, split
// along x, y and z in turn (grid.processors), and rank 0 alone, which the others
// are compared with. Each run gets a scratch directory of its own (a rank may still
// read the last run's output while rank 0 clears the next).
#include "mesh/grid.hpp"
#include "support/test_paths.hpp"

#include <mpi.h>

#include <array>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace navox::test {

/// The processor counts per axis (grid.processors) that split MPI_COMM_WORLD's ranks
/// all along x, y and z in turn; none on 1 rank.
inline std::vector<std::array<int, 3>> axis_splits() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) return {};
  return {{size, 1, 1}, {1, size, 1}, {1, 1, size}};
}

/// The processor counts per axis that put all of MPI_COMM_WORLD's ranks along `axis`.
inline std::array<int, 3> split_along(int axis) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::array<int, 3> split{1, 1, 1};
  split[std::size_t(axis)] = size;
  return split;
}

/// The splits a test parameterised over partitions takes on 1, 2 and 4 ranks: PETSc's
/// default partition, and all the ranks along x, y and z in turn (takes_split skips those
/// for another rank count).
inline std::vector<std::array<int, 3>> splits_1_2_4() {
  return {{-1, -1, -1}, {2, 1, 1}, {1, 2, 1}, {1, 1, 2}, {4, 1, 1}, {1, 4, 1}, {1, 1, 4}};
}

/// A parameterised test's split (processors per axis; {-1, -1, -1}: PETSc's default
/// partition): set in `spec` and true when it splits this many ranks, false when it is
/// a split for another rank count (the test skips it).
inline bool takes_split(const std::array<int, 3>& split, GridSpec& spec) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (split == std::array<int, 3>{-1, -1, -1}) return true;
  if (split[0] * split[1] * split[2] != size) return false;
  spec.processors = split;
  return true;
}

/// run(comm, directory, processors) on MPI_COMM_WORLD split along x, y and z (with
/// more than one rank), then on rank 0 alone; compare(other, alone, what) on rank 0
/// for `here` (the default partition's result) and each split.
template <class Result>
void compare_partitions(const std::string& name, const Result& here,
                        const std::function<Result(MPI_Comm, const std::string&, const std::string&)>& run,
                        const std::function<void(const Result&, const Result&, const std::string&)>& compare) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<std::pair<std::string, Result>> splits;
  const std::string n = std::to_string(size);
  const std::pair<std::string, std::string> along[3] = {
      {"x", "[" + n + ", 1, 1]"}, {"y", "[1, " + n + ", 1]"}, {"z", "[1, 1, " + n + "]"}};
  if (size > 1)
    for (const auto& [axis, split] : along)
      splits.emplace_back("split along " + axis, run(MPI_COMM_WORLD, scratch_dir(name + "_" + axis), split));
  const std::string alone = scratch_dir(name + "_alone");
  MPI_Comm self = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &self);
  if (rank == 0 && size > 1) {
    const Result one = run(self, alone, "[-1, -1, -1]");
    compare(here, one, "the default partition");
    for (const auto& [what, result] : splits) compare(result, one, what);
  }
  if (self != MPI_COMM_NULL) MPI_Comm_free(&self);
}

} // namespace navox::test
