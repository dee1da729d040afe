#pragma once
/// Whether the vectors a computation reads changed since it last ran: PETSc raises a
/// Vec's object state on every write (VecGetArray, VecSet, a scatter into it...), and
/// an object id is never reused, so the same ids at the same states mean nothing was
/// written in between. The ranks agree (one MPI_Allreduce): a write on one rank only
/// makes every rank redo the computation, which keeps its collectives in step.
#include "mesh/error.hpp"

#include <petsc/private/petscimpl.h> // PetscObjectStateGet (developer level in PETSc 3.18)
#include <petscvec.h>

#include <mpi.h>

#include <array>
#include <cstddef>
#include <utility>

namespace navox {

template <std::size_t N> class VecVersions {
public:
  using Vecs = std::array<Vec, N>; ///< a nullptr entry is "none", and stays so

  /// Whether `vecs` are the same Vecs at the same states as at the last note(), on every
  /// rank. Collective.
  bool unchanged(MPI_Comm comm, const Vecs& vecs) {
    asked_ = take(vecs);
    int same = noted_ && asked_ == seen_ ? 1 : 0, all = 0;
    MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, comm);
    return all != 0;
  }
  /// Records the Vecs as the last unchanged() found them, before the computation read
  /// them (a write during it then counts as a change).
  void note() {
    seen_ = asked_;
    noted_ = true;
  }

private:
  using Version = std::pair<PetscObjectId, PetscObjectState>;
  static std::array<Version, N> take(const Vecs& vecs) {
    std::array<Version, N> v{};
    for (std::size_t n = 0; n < N; ++n) {
      if (!vecs[n]) {
        v[n] = {-1, -1};
        continue;
      }
      NAVOX_CALL(PetscObjectGetId(reinterpret_cast<PetscObject>(vecs[n]), &v[n].first));
      NAVOX_CALL(PetscObjectStateGet(reinterpret_cast<PetscObject>(vecs[n]), &v[n].second));
    }
    return v;
  }
  std::array<Version, N> seen_{}, asked_{};
  bool noted_ = false;
};

} // namespace navox
