#pragma once
/// Assembling Jacobian rows of two-point-flux operators on the DMDA: a row is
/// the voxel's own entry plus one entry per face neighbour that carries an
/// unknown. Shared by every cell-centred conduction-type solve.
#include <petscmat.h>

namespace navox {

class TwoPointRow {
public:
  explicit TwoPointRow(MatStencil row) : n_(1) {
    cols_[0] = row;
    vals_[0] = 0;
  }
  /// Adds to the voxel's own entry.
  void add_self(PetscScalar v) { vals_[0] += v; }
  /// Adds the entry of a neighbouring unknown (at most six per row).
  void add_neighbour(MatStencil col, PetscScalar v) {
    cols_[n_] = col;
    vals_[n_++] = v;
  }
  PetscErrorCode insert(Mat P) const { return MatSetValuesStencil(P, 1, &cols_[0], n_, cols_, vals_, INSERT_VALUES); }

private:
  MatStencil cols_[7];
  PetscScalar vals_[7];
  PetscInt n_;
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
