#include "solver/multigrid/aggregate_interpolation.hpp"

#include "mesh/error.hpp"

#include <utility>

namespace navox {

namespace {

struct Aggregates {
  std::vector<PetscInt> of; ///< coarse row (this rank's numbering) of each fine row
};

const Aggregates* aggregates_of(Mat P) {
  void* ctx = nullptr;
  if (MatShellGetContext(P, &ctx) != 0) return nullptr;
  return static_cast<const Aggregates*>(ctx);
}

// Each product adds in AIJ's order (rows ascending, 0.0 + 1.0 x first), so the
// results are those of the AIJ matrix to the bit, signed zeros included.

PetscErrorCode mult(Mat P, Vec coarse, Vec fine) {
  PetscFunctionBeginUser;
  const Aggregates* a = aggregates_of(P);
  PetscCheck(a, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "aggregate interpolation without its aggregates");
  const PetscScalar* x = nullptr;
  PetscScalar* y = nullptr;
  PetscCall(VecGetArrayRead(coarse, &x));
  PetscCall(VecGetArrayWrite(fine, &y));
  for (std::size_t r = 0; r < a->of.size(); ++r) y[r] = 0.0 + x[a->of[r]];
  PetscCall(VecRestoreArrayWrite(fine, &y));
  PetscCall(VecRestoreArrayRead(coarse, &x));
  PetscFunctionReturn(0);
}

/// out = add + f's sums of `in` (out may be add): the products that accumulate.
template <class F>
PetscErrorCode accumulate(Mat P, Vec in, Vec add, Vec out, F&& f) {
  PetscFunctionBeginUser;
  const Aggregates* a = aggregates_of(P);
  PetscCheck(a, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "aggregate interpolation without its aggregates");
  if (add != out) PetscCall(VecCopy(add, out));
  const PetscScalar* x = nullptr;
  PetscScalar* y = nullptr;
  PetscCall(VecGetArrayRead(in, &x));
  PetscCall(VecGetArray(out, &y));
  f(a->of, x, y);
  PetscCall(VecRestoreArray(out, &y));
  PetscCall(VecRestoreArrayRead(in, &x));
  PetscFunctionReturn(0);
}

PetscErrorCode mult_add(Mat P, Vec coarse, Vec add, Vec fine) {
  return accumulate(P, coarse, add, fine, [](const std::vector<PetscInt>& of, const PetscScalar* x, PetscScalar* y) {
    for (std::size_t r = 0; r < of.size(); ++r) y[r] += x[of[r]];
  });
}

PetscErrorCode mult_transpose_add(Mat P, Vec fine, Vec add, Vec coarse) {
  return accumulate(P, fine, add, coarse, [](const std::vector<PetscInt>& of, const PetscScalar* x, PetscScalar* y) {
    for (std::size_t r = 0; r < of.size(); ++r) y[of[r]] += x[r];
  });
}

PetscErrorCode mult_transpose(Mat P, Vec fine, Vec coarse) {
  PetscFunctionBeginUser;
  PetscCall(VecSet(coarse, 0.0));
  PetscCall(mult_transpose_add(P, fine, coarse, coarse));
  PetscFunctionReturn(0);
}

PetscErrorCode destroy(void* ctx) {
  delete static_cast<Aggregates*>(ctx);
  return 0;
}

} // namespace

Mat aggregate_interpolation(MPI_Comm comm, std::vector<PetscInt> aggregate, PetscInt coarse_rows) {
  const auto rows = static_cast<PetscInt>(aggregate.size());
  auto* ctx = new Aggregates{std::move(aggregate)};
  Mat P = nullptr;
  PetscErrorCode e = MatCreateShell(comm, rows, coarse_rows, PETSC_DETERMINE, PETSC_DETERMINE, ctx, &P);
  if (!e) e = MatShellSetContextDestroy(P, destroy); // from here on the shell owns ctx
  if (e) {
    delete ctx;
    (void)MatDestroy(&P);
    NAVOX_CALL(e);
  }
  try {
    NAVOX_CALL(MatShellSetOperation(P, MATOP_MULT, reinterpret_cast<void (*)(void)>(mult)));
    NAVOX_CALL(MatShellSetOperation(P, MATOP_MULT_ADD, reinterpret_cast<void (*)(void)>(mult_add)));
    NAVOX_CALL(MatShellSetOperation(P, MATOP_MULT_TRANSPOSE, reinterpret_cast<void (*)(void)>(mult_transpose)));
    NAVOX_CALL(
        MatShellSetOperation(P, MATOP_MULT_TRANSPOSE_ADD, reinterpret_cast<void (*)(void)>(mult_transpose_add)));
  } catch (...) {
    (void)MatDestroy(&P);
    throw;
  }
  return P;
}

Mat aggregate_interpolation_aij(MPI_Comm comm, const std::vector<PetscInt>& aggregate, PetscInt coarse_rows) {
  const auto rows = static_cast<PetscInt>(aggregate.size());
  Mat P = nullptr;
  NAVOX_CALL(MatCreateAIJ(comm, rows, coarse_rows, PETSC_DETERMINE, PETSC_DETERMINE, 1, nullptr, 0, nullptr, &P));
  try {
    PetscInt first = 0, coarse_first = 0;
    NAVOX_CALL(MatGetOwnershipRange(P, &first, nullptr));
    NAVOX_CALL(MatGetOwnershipRangeColumn(P, &coarse_first, nullptr));
    for (PetscInt r = 0; r < rows; ++r)
      NAVOX_CALL(MatSetValue(P, first + r, coarse_first + aggregate[static_cast<std::size_t>(r)], 1.0, INSERT_VALUES));
    NAVOX_CALL(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
    NAVOX_CALL(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  } catch (...) {
    (void)MatDestroy(&P);
    throw;
  }
  return P;
}

} // namespace navox
