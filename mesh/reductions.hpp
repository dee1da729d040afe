#pragma once
/// One-value reductions over a grid's ranks, for the decisions and sums every rank
/// must agree on. Collective.
#include "mesh/grid.hpp"

#include <mpi.h>

#include <vector>

namespace navox {

/// True on every rank if `local` is true on any.
inline bool global_or(const Grid& grid, bool local) {
  int in = local ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, grid.comm());
  return out != 0;
}

/// The sum of `local` over the ranks.
inline double global_sum(const Grid& grid, double local) {
  double out = 0;
  MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_SUM, grid.comm());
  return out;
}

/// Every rank's `mine`, joined in rank order, on every rank.
std::vector<double> gather_all(const Grid& grid, const std::vector<double>& mine);

} // namespace navox
