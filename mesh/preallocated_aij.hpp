#pragma once
/// An assembled AIJ matrix whose rows' entry counts are known before any is inserted, and
/// the AIJ matrix of a matrix-free operator's rows.
#include "mesh/error.hpp"

#include <petscmat.h>

#include <vector>

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

/// The AIJ matrix of `A`'s rows (MatGetRow; a matrix-free operator with rows, such as
/// ConductionStencil's or OccupancyOperator's, or any matrix), exactly preallocated: for
/// preconditioners that need the entries. Collective.
inline Mat assembled_rows(Mat A) {
  PetscInt first = 0, end = 0;
  NAVOX_CALL(MatGetOwnershipRange(A, &first, &end));
  auto for_rows = [&](auto&& f) {
    for (PetscInt r = first; r < end; ++r) {
      PetscInt n = 0;
      const PetscInt* cols = nullptr;
      const PetscScalar* vals = nullptr;
      NAVOX_CALL(MatGetRow(A, r, &n, &cols, &vals));
      f(r, n, cols, vals);
      NAVOX_CALL(MatRestoreRow(A, r, &n, &cols, &vals));
    }
  };
  // Exact preallocation: one pass counts, the next inserts.
  std::vector<PetscInt> on_rank(static_cast<std::size_t>(end - first), 0), off_rank(on_rank.size(), 0);
  for_rows([&](PetscInt r, PetscInt n, const PetscInt* cols, const PetscScalar*) {
    for (PetscInt e = 0; e < n; ++e)
      ++(cols[e] >= first && cols[e] < end ? on_rank : off_rank)[static_cast<std::size_t>(r - first)];
  });
  return preallocated_aij(PetscObjectComm(reinterpret_cast<PetscObject>(A)), end - first, on_rank.data(),
                          off_rank.data(), [&](Mat B) {
                            std::vector<PetscInt>().swap(on_rank); // PETSc has its copy
                            std::vector<PetscInt>().swap(off_rank);
                            for_rows([&](PetscInt r, PetscInt n, const PetscInt* cols, const PetscScalar* vals) {
                              NAVOX_CALL(MatSetValues(B, 1, &r, n, cols, vals, INSERT_VALUES));
                            });
                          });
}

} // namespace navox
