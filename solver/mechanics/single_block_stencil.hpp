#pragma once
/// A 27-point operator of 3 × 3 blocks on a vertex DMDA, kept in single precision: the
/// grid halved's operator under the elastic solve's three levels, which is only smoothed
/// (Chebyshev on point-block Jacobi), never factored or used for a residual.
///
/// Each owned node keeps its 27 neighbours' blocks as floats in a fixed stencil layout
/// (972 B a node, no column indices; the assembled BAIJ took 2,052 B), its diagonal
/// block's inverse as 6 floats (symmetric_block_jacobi.hpp) and its diagonal in double. The product reads the ghosted input,
/// rounds nothing but the stored coefficients and sums each row in double in one fixed
/// order (neighbour by neighbour, (dz, dy, dx) ascending, then the column's component):
/// the same bits on any partition. Lower-precision coefficients in multigrid smoothers are
/// an established way to halve the traffic of matrix-bound levels (e.g. Kronbichler &
/// Ljungkvist 2019, ACM TOPC 6(1):2, single-precision multigrid levels under a
/// double-precision outer CG); the outer CG here still works on the exact fine operator.
///
/// Symmetry: a coefficient and its transpose are sums of the same element entries, each
/// node summing its own eight elements, so their doubles may differ in the last bit and
/// their floats then by one unit at most; `parallel.elastic_operator` measures the
/// products' asymmetry at ≤ 4e-16. The V-cycle stays symmetric to that.
#include <petscdmda.h>
#include <petscmat.h>

#include <vector>

namespace navox {

/// A MatShell of the 27-point operator on the 3-DOF vertex DMDA `dm` (box stencil, width
/// ≥ 1) whose owned nodes (x fastest) have the 3 × 3 blocks `blocks`, [node][neighbour
/// (dz, dy, dx) ascending, 13 the node itself][column component][row component], rounded
/// to float by the caller from the double sums whose diagonal blocks are
/// `diagonal_blocks` ([node][row][column]). Products, the diagonal, and the inverted 3 × 3
/// diagonal blocks for PETSc's PCPBJACOBI where an option asks for it. Throws (the same CollectiveError on every rank) where the
/// sizes do not match `dm` or a diagonal block is not positive definite. Collective.
Mat single_block_stencil(DM dm, std::vector<float> blocks, const std::vector<double>& diagonal_blocks);

/// The shell's inverted diagonal blocks, 6 floats a node (symmetric_block_jacobi.hpp),
/// for its smoother; they live as long as the shell.
const std::vector<float>& single_block_stencil_inverse(Mat shell);

} // namespace navox
