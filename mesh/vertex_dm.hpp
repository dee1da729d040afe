#pragma once
/// A DMDA on the vertices of the voxel grid (staggered and nodal unknowns: the
/// elasticity's displacements, the creep flow's face velocities): (nx+1)×(ny+1)×(nz+1)
/// nodes, nx×ny×(nz+1) when periodic laterally; node i along an axis belongs to the
/// rank owning voxel i (the extra last node to the last rank), so each rank's nodes
/// are its own voxels' lower corners and every voxel's nodes are owned or ghosted.
/// Box stencil of width 1; `dof` values per node.
#include "mesh/grid.hpp"

#include <petscdmda.h>

namespace navox {

/// The vertex DMDA of `grid` (set up; the caller destroys it). Collective.
DM create_vertex_dm(const Grid& grid, PetscInt dof);

} // namespace navox
