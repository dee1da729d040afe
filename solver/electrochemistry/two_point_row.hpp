#pragma once
/// Assembling Jacobian rows of two-point-flux operators on the DMDA: a row is
/// the voxel's own entry plus one entry per face neighbour that carries an
/// unknown. Shared by every cell-centred conduction-type solve.
#include <petscmat.h>

namespace navox {

class TwoPointRow {
public:
  /// `mx`, `my`: the grid's voxels along x and y when it is periodic laterally (0: not).
  /// Neighbours are then compared with their indices wrapped into the grid, so that the
  /// two faces of a voxel that meet the same neighbour (a grid 2 voxels wide, or 1: the
  /// voxel itself) add into one entry instead of one overwriting the other.
  explicit TwoPointRow(MatStencil row, PetscInt mx = 0, PetscInt my = 0) : n_(1), mx_(mx), my_(my) {
    cols_[0] = row;
    vals_[0] = 0;
  }
  /// Adds to the voxel's own entry.
  void add_self(PetscScalar v) { vals_[0] += v; }
  /// Adds the entry of a neighbouring unknown (at most six per row).
  void add_neighbour(MatStencil col, PetscScalar v) {
    // Compared wrapped, inserted as given: the ghosted index (-1, or mx) is the one this
    // rank's local numbering knows.
    for (PetscInt n = 0; n < n_; ++n)
      if (wrap(cols_[n].i, mx_) == wrap(col.i, mx_) && wrap(cols_[n].j, my_) == wrap(col.j, my_) &&
          cols_[n].k == col.k) {
        vals_[n] += v;
        return;
      }
    cols_[n_] = col;
    vals_[n_++] = v;
  }
  PetscErrorCode insert(Mat P) const { return MatSetValuesStencil(P, 1, &cols_[0], n_, cols_, vals_, INSERT_VALUES); }

private:
  static PetscInt wrap(PetscInt i, PetscInt n) { return n > 0 ? (i % n + n) % n : i; }
  MatStencil cols_[7];
  PetscScalar vals_[7];
  PetscInt n_;
  PetscInt mx_, my_;
};

/// An identity row: voxels without an unknown of this solve.
inline PetscErrorCode insert_identity_row(Mat P, MatStencil row) {
  const PetscScalar one = 1.0;
  return MatSetValuesStencil(P, 1, &row, 1, &row, &one, INSERT_VALUES);
}

/// Final assembly of the preconditioning matrix and, when it differs, the operator.
inline PetscErrorCode finish_assembly(Mat A, Mat P) {
  PetscFunctionBeginUser;
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

} // namespace navox
