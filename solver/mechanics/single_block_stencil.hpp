#pragma once
/// A 27-point operator of 3 × 3 blocks on a vertex DMDA, kept in single precision: the
/// operators of the grid halved (three or four levels) and the grid quartered (four
/// levels) under the elastic solve, which are only smoothed (Chebyshev on point-block
/// Jacobi), never factored or used for a residual.
///
/// Each node keeps the blocks of its upper neighbours only, the operator being symmetric:
/// 14 blocks as floats in a fixed layout (504 B a node, no column indices; 27 blocks took
/// 972 B, the assembled BAIJ 2,052 B), each distinct set of 14 once and per node the index
/// of its set (4 B: nodes amid elements alike, one material and no held DOF near, share
/// one set), its diagonal block's inverse as 6 floats
/// (symmetric_block_jacobi.hpp) and its diagonal in double. A row's lower blocks are the
/// transposes of its lower neighbours' upper blocks; for a lower neighbour outside the
/// owned box (another rank's, or across a periodic side) they are kept in a ring of nodes
/// around the owned box, filled by the caller from the owned rows. The product reads the
/// ghosted input, rounds nothing but the stored coefficients and sums each row in double
/// in one fixed order, neighbour by neighbour, (dz, dy, dx) ascending, each block's three
/// products summed ((a + b) + c) before they are added to the row: the same bits on any
/// partition. It reads the blocks once, as stored: a node's upper blocks give its own row
/// and, transposed, its upper neighbours' rows, which so receive their lower neighbours'
/// parts first and in that order.
/// Lower-precision coefficients in multigrid smoothers are an established way to halve the
/// traffic of matrix-bound levels (e.g. Kronbichler & Ljungkvist 2019, ACM TOPC 6(1):2,
/// single-precision multigrid levels under a double-precision outer CG); the outer CG here
/// still works on the exact fine operator.
///
/// Symmetry: the caller makes each element's matrix exactly symmetric and sums a node's
/// elements in one order, so a block and its transpose are the same doubles wherever a
/// rank sums them, and the stored floats are exactly symmetric. (One exception to "the
/// same bits on any partition": where one rank holds a whole periodic axis it sums the
/// seam's elements in another order than a split does, so those nodes' sums may differ in
/// the last bit between partitions.)
#include "solver/mechanics/distinct_sets.hpp"

#include <petscdmda.h>
#include <petscmat.h>

#include <cstddef>
#include <vector>

namespace navox {

/// Where the shell keeps each node's 14 upper blocks (neighbours (dz, dy, dx) from
/// (0, 0, 0) on, ascending: the node itself first): the owned box of `xm` × `ym` × `zm`
/// nodes, one more node on each side along x and y and on the low side along z, x fastest.
/// A block is [column component][row component]. The ring's nodes hold only their blocks
/// to owned nodes (the transposes of the owned rows' lower blocks), zero elsewhere.
struct UpperBlocks {
  static constexpr std::size_t kBlocks = 14, kFloats = kBlocks * 9;
  PetscInt xm = 0, ym = 0, zm = 0;
  std::size_t nodes() const { return std::size_t(xm + 2) * std::size_t(ym + 2) * std::size_t(zm + 1); }
  /// The node at (i − xs, j − ys, k − zs), each from −1.
  std::size_t node(PetscInt di, PetscInt dj, PetscInt dk) const {
    return (std::size_t(dk + 1) * std::size_t(ym + 2) + std::size_t(dj + 1)) * std::size_t(xm + 2) + std::size_t(di + 1);
  }
};

/// A MatShell of the symmetric 27-point operator on the 3-DOF vertex DMDA `dm` (box
/// stencil, width ≥ 1) with the upper blocks `upper` (laid out as UpperBlocks over `dm`'s
/// owned box), rounded to float by the caller from the double sums whose diagonal blocks
/// are `diagonal_blocks` (owned nodes, x fastest, [node][row][column]). Products, the
/// diagonal, and the inverted 3 × 3 diagonal blocks for PETSc's PCPBJACOBI where an option
/// asks for it. Throws (the same CollectiveError on every rank) where the sizes do not
/// match `dm` or a diagonal block is not positive definite. Collective.
Mat single_block_stencil(DM dm, std::vector<float> upper, const std::vector<double>& diagonal_blocks);

/// Stores the row of the owned node (xs + di, ys + dj, zs + dk) from its 27 blocks in double
/// (`blocks`: neighbours (dz, dy, dx) ascending, each [column component][row component]):
/// its upper blocks as floats into `upper` (laid out as UpperBlocks), its lower blocks
/// towards nodes outside the owned box transposed into their ring nodes' upper blocks, and
/// its diagonal block into `diagonal_block` ([row][column], 9 doubles).
void store_node_blocks(const UpperBlocks& layout, PetscInt di, PetscInt dj, PetscInt dk, const double* blocks,
                       std::vector<float>& upper, double* diagonal_block);

/// The shell of the assembled symmetric operator `a` on the 3-DOF vertex DMDA `dm` (the
/// grid quartered's AIJ under four levels): each owned row's 27 blocks read from `a`
/// (MatGetValues; a column outside `a`'s pattern is zero) and stored by store_node_blocks.
/// A node's upper blocks come from its own rows and its lower blocks towards another rank
/// from its rows too, so where `a` is symmetric only to round-off (blocks summed in
/// another order on the two ranks) the shell is too. Collective.
Mat single_block_stencil_of(Mat a, DM dm);

/// The shell's inverted diagonal blocks, 6 floats a node, each distinct one once
/// (symmetric_block_jacobi.hpp), for its smoother; they live as long as the shell.
const DistinctSets& single_block_stencil_inverse(Mat shell);

} // namespace navox
