#pragma once
/// Point-block Jacobi for the elastic multigrid's smoothers without an assembled matrix:
/// y = D⁻¹ x, D the node's 3 × 3 diagonal block, its inverse kept as the 6 floats of a
/// symmetric matrix (24 B a node against PCPBJACOBI's 9 doubles, 72 B: a third of the
/// memory and of a smoothing step's traffic for it), and each distinct block once, a node
/// keeping the index of its own (4 B; distinct_sets.hpp). Exactly symmetric, so the V-cycle
/// stays symmetric for the outer CG; each row summed in one fixed order, the same bits on
/// any partition. Only the smoother sees the rounding (as the grid halved's floats,
/// single_block_stencil.hpp).
#include "solver/mechanics/distinct_sets.hpp"

#include <petscksp.h>

#include <vector>

namespace navox {

/// The 6 floats (00, 01, 02, 11, 12, 22) of the symmetric 3 × 3 `m`⁻¹ (`m` row-major);
/// false where m is not positive definite by its determinant.
bool invert_symmetric_3x3(const double m[9], float out[6]);

/// For a MatShell's MatInvertBlockDiagonal, where an option asks for PETSc's PCPBJACOBI:
/// `unpacked` made the 9 doubles a node (row-major) of `packed` (6 floats a node), and
/// `values` its data. PETSC_ERR_MEM, not an exception, where it cannot be allocated.
PetscErrorCode unpack_symmetric_blocks(const DistinctSets& packed, std::vector<double>& unpacked,
                                       const PetscScalar** values);

/// Makes `pc` a PCSHELL applying the blocks `inverse` (6 floats a node, each distinct one
/// kept once, the nodes in the order of the PC's vectors' owned entries): read at each
/// application, so they may be refilled (a relabel) but must outlive the PC's use.
PetscErrorCode set_symmetric_block_jacobi(PC pc, const DistinctSets* inverse);

} // namespace navox
