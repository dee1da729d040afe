#pragma once
/// An assembled AIJ matrix whose rows' entry counts are known before any is inserted.
#include "mesh/error.hpp"

#include <petscmat.h>

namespace navox {

/// A square AIJ matrix of `rows` rows (and columns) on this rank, with exactly `on[r]`
/// entries in the rank's own columns and `off[r]` in other ranks' for local row r (a new
/// nonzero beyond them is an error), filled by `fill(B)` (MatSetValues) and assembled.
/// PETSc copies the counts before `fill` runs. Collective; the matrix is destroyed if a
/// step throws.
template <class Fill>
Mat preallocated_aij(MPI_Comm comm, PetscInt rows, const PetscInt* on, const PetscInt* off, Fill&& fill) {
  Mat B = nullptr;
  NAVOX_CALL(MatCreate(comm, &B));
  try {
    NAVOX_CALL(MatSetSizes(B, rows, rows, PETSC_DETERMINE, PETSC_DETERMINE));
    NAVOX_CALL(MatSetType(B, MATAIJ));
    NAVOX_CALL(MatSeqAIJSetPreallocation(B, 0, on));
    NAVOX_CALL(MatMPIAIJSetPreallocation(B, 0, on, 0, off));
    NAVOX_CALL(MatSetOption(B, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
    fill(B);
    NAVOX_CALL(MatAssemblyBegin(B, MAT_FINAL_ASSEMBLY));
    NAVOX_CALL(MatAssemblyEnd(B, MAT_FINAL_ASSEMBLY));
  } catch (...) {
    (void)MatDestroy(&B);
    throw;
  }
  return B;
}

} // namespace navox
