#pragma once
/// Refuses a cell before anything is allocated when it cannot be held: more voxels
/// than this PETSc build can index, a voxel count that overflows, or more memory than
/// the nodes have. The estimate is bytes per voxel (measured, docs/performance.md)
/// times the voxels each rank owns, against MemAvailable of its node shared by the
/// ranks on that node.
#include "mesh/grid.hpp"

#include <mpi.h>

namespace navox {

/// Bytes per voxel of a run (ionic solve, Na model, the State's snapshots, output and
/// checkpoints: 64^3 and 128^3 plating peak at 0.42-0.47 KB beside the library
/// baseline, docs/performance.md "Memory per voxel, fourth round"; 1 KB leaves room
/// for the vacancy and creep fields) and of an analysis (conduction solve: 0.25 KB).
constexpr double kRunBytesPerVoxel = 1000;
constexpr double kAnalysisBytesPerVoxel = 300;

/// Throws CollectiveError on every rank, with the estimate, if the grid does not fit:
/// its voxels, or `vertex_components` unknowns on every vertex of the grid (3: the
/// elastic displacement; 0: no vertex field), more than PetscInt indexes, or more
/// memory than the nodes have. Collective.
void check_grid_fits(MPI_Comm comm, const GridSpec& spec, double bytes_per_voxel, int vertex_components = 0);

} // namespace navox
