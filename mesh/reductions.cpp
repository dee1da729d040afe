#include "mesh/reductions.hpp"

#include <cstddef>

namespace navox {

std::vector<double> gather_all(const Grid& grid, const std::vector<double>& mine) {
  const int n = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(grid.size())), displs(counts.size(), 0);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, grid.comm());
  int total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) displs[r] = total, total += counts[r];
  std::vector<double> all(static_cast<std::size_t>(total));
  MPI_Allgatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, grid.comm());
  return all;
}

} // namespace navox
