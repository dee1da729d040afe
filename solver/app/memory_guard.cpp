#include "solver/app/memory_guard.hpp"

#include "mesh/collective.hpp"

#include <petscsys.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

namespace navox {

namespace {

/// MemAvailable of this node [bytes]; 0 when /proc/meminfo cannot tell.
double available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double kb = 0;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return 0;
}

std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return text;
}

} // namespace

void check_grid_fits(MPI_Comm comm, const GridSpec& spec, double bytes_per_voxel, int vertex_components) {
  const auto& d = spec.dims;
  const std::string dims = std::to_string(d[0]) + " x " + std::to_string(d[1]) + " x " + std::to_string(d[2]);
  // The count in floating point first: the integer product may overflow.
  const double voxels = double(d[0]) * double(d[1]) * double(d[2]);
  if (voxels >= double(std::numeric_limits<std::int64_t>::max()))
    throw CollectiveError("the cell of " + dims + " voxels has more voxels than a 64-bit count holds");
  if (voxels > double(std::numeric_limits<PetscInt>::max()))
    throw CollectiveError("the cell has " + dims + " = " + std::to_string(std::int64_t(voxels)) +
                          " voxels, more than this PETSc build indexes (" +
                          std::to_string(std::numeric_limits<PetscInt>::max()) +
                          "): coarsen or crop the volume, or build navox against a 64-bit-index PETSc (petsc64-dev, "
                          "cmake -DNAVOX_PETSC64=ON)");
  const double vertex_unknowns = vertex_components * (double(d[0]) + 1) * (double(d[1]) + 1) * (double(d[2]) + 1);
  if (vertex_unknowns > double(std::numeric_limits<PetscInt>::max()))
    throw CollectiveError("the elastic solve of the cell of " + dims + " voxels has " +
                          std::to_string(vertex_components) + " x its vertices = " +
                          std::to_string(std::int64_t(vertex_unknowns)) +
                          " unknowns, more than this PETSc build indexes (" +
                          std::to_string(std::numeric_limits<PetscInt>::max()) +
                          "): coarsen or crop the volume, or build navox against a 64-bit-index PETSc (petsc64-dev, "
                          "cmake -DNAVOX_PETSC64=ON)");
  int size = 1;
  MPI_Comm_size(comm, &size);
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int on_node = 1;
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);
  const double per_rank = voxels * bytes_per_voxel / size;
  const double available = available_memory();
  collectively(comm, [&] {
    if (available > 0 && per_rank * on_node > available)
      throw Error("the cell of " + dims + " voxels needs about " + gib(per_rank) + " per rank (" +
                  std::to_string(int(bytes_per_voxel)) + " bytes per voxel over " + std::to_string(size) +
                  " ranks), " + gib(per_rank * on_node) + " for the " + std::to_string(on_node) +
                  " ranks on this node, which has " + gib(available) +
                  " available: use more nodes, or coarsen or crop the volume");
  });
}

} // namespace navox
