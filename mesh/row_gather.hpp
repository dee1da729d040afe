#pragma once
/// The values of chosen global rows of a parallel vector, gathered into a sequential
/// vector on this rank: the off-rank columns of a rank's matrix rows (the conduction
/// stencil's ghosts, the aggregates of a Galerkin product's off-rank columns).
#include "mesh/error.hpp"

#include <petscvec.h>

#include <vector>

namespace navox {

class RowGather {
public:
  /// `layout`: a vector with the parallel layout; `rows`: the global rows (any rank's) whose
  /// values gather() brings, in that order. Collective.
  RowGather(Vec layout, const std::vector<PetscInt>& rows) {
    const auto n = static_cast<PetscInt>(rows.size());
    IS from = nullptr;
    PetscErrorCode e = VecCreateSeq(PETSC_COMM_SELF, n, &values_);
    if (!e) e = ISCreateGeneral(PETSC_COMM_SELF, n, rows.data(), PETSC_USE_POINTER, &from);
    if (!e) e = VecScatterCreate(layout, from, values_, nullptr, &scatter_);
    (void)ISDestroy(&from);
    if (e) {
      release();
      NAVOX_CALL(e);
    }
  }
  ~RowGather() { release(); }
  RowGather(const RowGather&) = delete;
  RowGather& operator=(const RowGather&) = delete;

  /// values() = the rows of `x` (same layout as `layout`). Collective; returns PETSc's
  /// error code, so that shell callbacks can use it.
  PetscErrorCode gather(Vec x) const {
    PetscFunctionBeginUser;
    PetscCall(VecScatterBegin(scatter_, x, values_, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(scatter_, x, values_, INSERT_VALUES, SCATTER_FORWARD));
    PetscFunctionReturn(0);
  }
  /// The gathered values (sequential, one per row given).
  Vec values() const { return values_; }

private:
  void release() {
    (void)VecScatterDestroy(&scatter_);
    (void)VecDestroy(&values_);
  }
  Vec values_ = nullptr;
  VecScatter scatter_ = nullptr;
};

} // namespace navox
