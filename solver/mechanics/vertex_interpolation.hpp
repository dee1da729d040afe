#pragma once
/// P₁, the elastic multigrid's interpolation from the grid halved to the vertex grid, as a
/// MatShell that keeps 3 floats a node instead of a matrix (12 B a node of the vertex
/// grid, against ~80 B for the scalar AIJ under MAIJ it replaces: docs/performance.md,
/// "P₁ without a matrix").
///
/// Fine node n takes from the coarse nodes around it, per axis x:
///   n_x even: the coarse node n_x / 2, weight 1;
///   n_x odd:  (n_x − 1)/2 with weight lo_x(n) and (n_x + 1)/2 with 1 − lo_x(n),
/// and the weight of a parent is the product of its axes' weights, (w_x w_y) w_z, the
/// same for the three components:
///   (P u)_n = Σ_parents (w_x w_y w_z) u_parent.
/// lo_x(n) is the caller's stiffness weight (Elasticity's node_weights), given as a float
/// so that 1 − lo is exact in double and each node's weights sum to 1.
///
/// The product sums each fine node's parents in one order, (z, y, x) ascending, from the
/// ghosted coarse vector: the same bits on any partition. The transpose adds each owned
/// fine node's weighted values to its parents in the ghosted coarse vector, with the same
/// weight products (Pᵀ's entries are P's to the bit), and the coarse DMDA sums them onto
/// their owners: as an MPIAIJ's transpose product, the order of a parent's sum across a
/// rank boundary follows the partition. The callbacks call PETSc and arithmetic only:
/// nothing in them throws.
#include <petscdmda.h>
#include <petscmat.h>

#include <vector>

namespace navox {

/// A MatShell of P from the 3-DOF vertex DMDA `coarse` (DMCoarsen of `fine`) to the
/// 3-DOF DMDA `fine`, with `lo` holding 3 floats (lo_x, lo_y, lo_z; those of even axes
/// unused) for each owned node of `fine`, x fastest. MatMult, MatMultAdd, MatMultTranspose
/// and MatMultTransposeAdd. Throws the same CollectiveError on every rank where `lo` does
/// not match the owned nodes or a rank's parents lie outside its coarse ghosts. Collective.
Mat vertex_interpolation(DM fine, DM coarse, std::vector<float> lo);

} // namespace navox
