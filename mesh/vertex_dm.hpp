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

namespace navox {

/// Levels of a geometric multigrid hierarchy that PETSc's DMCoarsen can make from
/// the vertex DMDA `dm` of `grid` (each level halves every axis): 1 + the number of
/// halvings for which every axis's voxel count stays even, every axis keeps at least
/// `min_nodes` nodes, and every rank keeps at least 2 nodes of each axis it owns part
/// of (PETSc needs a rank's coarse range non-empty; 2 keeps the box stencil inside a
/// neighbour). Stops once the coarsest level has at most `coarse_nodes` nodes. The
/// same on every rank (global sizes and ownership ranges only).
int vertex_mg_levels(const Grid& grid, DM dm, PetscInt min_nodes = 3, PetscInt coarse_nodes = 4096);

/// Nodes of the coarsest level of that hierarchy.
PetscInt vertex_mg_coarse_nodes(const Grid& grid, int levels);

} // namespace navox
