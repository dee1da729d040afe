#pragma once
/// The conduction operator of the analysis solve without an assembled matrix.
///
/// On the numbered voxels (the unknowns, one per voxel of the spanning components),
/// \f[ (A\phi)_P = \sum_{N} g_{a(N)}\,(\phi_P - \phi_N) + g_e\,[P \in \Gamma_e]\,\phi_P, \f]
/// the sum over the face neighbours N of P that carry an unknown, \f$g_a\f$ the
/// (scaled) conductance of a face normal to axis a, \f$g_e\f$ the conductance to an
/// electrode half a voxel away and \f$\Gamma_e\f$ the voxels on the first and last
/// plane along the electrode axis (set_electrodes). The same operator as the assembled
/// two-point-flux matrix of effective_conductivity.cpp, whose diagonal it sums in the
/// same order; for a binary phase every face of one axis has the same conductance, so
/// the stencil is known from the numbering alone (docs/performance.md, "Memory of the
/// solve"): an AIJ matrix of it held 92 B per row, plus 24 B of SOR's inverted diagonal.
///
/// A MatShell with MatMult, MatGetDiagonal, MatGetRow (for the aggregation and the
/// Galerkin product of AggregationMG) and MatSOR: local Gauss-Seidel sweeps (forward,
/// backward, symmetric; ω = 1, no shift) with the off-rank neighbours' values fixed
/// during a sweep, as PETSc's MPIAIJ `SOR_LOCAL_*` sweeps do.
#include "mesh/face_halo.hpp"
#include "mesh/grid.hpp"
#include "mesh/preallocated_aij.hpp" // assembled_rows

#include <petscmat.h>

#include <array>
#include <vector>

namespace navox {

class ConductionStencil {
public:
  /// `index`: the global row of each owned voxel (block order, x fastest), -1 for voxels
  /// without an unknown, rows numbered rank by rank in block order; it must outlive this
  /// object. `conductance[a]`: g of a face normal to axis a. Collective.
  ConductionStencil(const Grid& grid, const std::vector<PetscInt>& index, const std::array<double, 3>& conductance);
  ~ConductionStencil();
  ConductionStencil(const ConductionStencil&) = delete;
  ConductionStencil& operator=(const ConductionStencil&) = delete;

  /// The operator (owned here; reference it to keep it).
  Mat mat() const { return mat_; }
  /// Electrode terms g on the first and last plane along `axis` (0, 1, 2); axis -1: none.
  void set_electrodes(int axis, double g);

  struct Context; ///< what the shell's callbacks see

private:
  Mat mat_ = nullptr;
  Context* ctx_ = nullptr; ///< owned by mat_
};

/// `index` (as for ConductionStencil) in the ghosted box of `halo` (halo.box().offset(i, j,
/// k)), with its face ghosts: the rows of the face neighbours beyond the rank's block
/// (edge and corner ghosts are not filled). Collective.
std::vector<double> exchange_numbering(const Grid& grid, const FaceHalo& halo, const std::vector<PetscInt>& index);

} // namespace navox
