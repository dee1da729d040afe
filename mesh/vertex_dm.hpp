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

/// The local and global lengths of a global vector of the DMDA `dm`, from its sizes alone:
/// a vector borrowed from the DM's pool to read them stays in the pool, held for nothing
/// (a whole vector of the grid). Not collective.
struct VectorSizes {
  PetscInt local = 0, global = 0;
};
VectorSizes dmda_vector_sizes(DM dm);

/// A geometric multigrid hierarchy that PETSc's DMCoarsen can make from a vertex DMDA.
struct VertexHierarchy {
  int levels = 1;           ///< levels, the fine one included (1: no halving)
  PetscInt coarse_nodes = 0; ///< nodes of the coarsest level
};

/// The hierarchy of the vertex DMDA `dm` of `grid` (each level halves every axis): 1 +
/// the number of halvings for which every axis's voxel count stays even, every axis
/// keeps at least `min_nodes` nodes, and every rank keeps at least 2 nodes of each axis
/// it owns part of (PETSc needs a rank's coarse range non-empty; 2 keeps the box
/// stencil inside a neighbour); it stops after the first halving that leaves at most
/// `enough_nodes` nodes. The same on every rank (global sizes and ownership ranges only).
VertexHierarchy vertex_mg_hierarchy(const Grid& grid, DM dm, PetscInt min_nodes, PetscInt enough_nodes);

} // namespace navox
