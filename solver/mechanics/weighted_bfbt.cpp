#include "solver/mechanics/weighted_bfbt.hpp"

#include "mesh/error.hpp"
#include "mesh/option_default.hpp"

#include <mpi.h>

#include <vector>

namespace navox {

namespace {
constexpr const char* kPrefix = "creep_block_bfbt_";
} // namespace

struct WeightedBfbt::Callbacks {
  /// L and W⁻¹ from the Schur complement's blocks, whenever they changed.
  static PetscErrorCode set_up(PC pc) {
    PetscFunctionBeginUser;
    WeightedBfbt* s = nullptr;
    PetscCall(PCShellGetContext(pc, &s));
    Mat schur = nullptr, a = nullptr, ap = nullptr, g = nullptr, d = nullptr, c = nullptr;
    PetscCall(PCGetOperators(pc, &schur, nullptr));
    PetscCall(MatSchurComplementGetSubMatrices(schur, &a, &ap, &g, &d, &c));
    // A new pattern (the Na's voxels changed: the rows differ on some rank): new work
    // vectors, and the L solve's go too. Decided together, as the vectors' layout is.
    PetscInt velocities = 0, pressures = 0;
    PetscCall(MatGetLocalSize(a, &velocities, nullptr));
    PetscCall(MatGetLocalSize(d, &pressures, nullptr));
    int changed = !s->u1_ || velocities != s->velocities_ || pressures != s->pressures_;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &changed, 1, MPI_INT, MPI_MAX, s->comm_));
    s->release_matrices();
    if (changed) {
      PetscCall(KSPReset(s->solve_));
      s->release_vectors();
      PetscCall(MatCreateVecs(a, &s->w_inverse_, &s->u1_));
      PetscCall(VecDuplicate(s->u1_, &s->u2_));
      PetscCall(MatCreateVecs(g, &s->p1_, nullptr));
      PetscCall(VecDuplicate(s->p1_, &s->p2_));
      PetscCall(VecDuplicate(s->p1_, &s->c_diagonal_));
      s->velocities_ = velocities, s->pressures_ = pressures;
    }
    s->a_ = a, s->g_ = g, s->d_ = d;
    for (Mat m : {a, g, d}) PetscCall(PetscObjectReference(reinterpret_cast<PetscObject>(m)));
    PetscCall(MatGetDiagonal(c, s->c_diagonal_));
    PetscCall(MatGetDiagonal(a, s->w_inverse_));
    PetscCall(VecAbs(s->w_inverse_));
    PetscCall(VecPow(s->w_inverse_, s->power_));
    PetscCall(VecReciprocal(s->w_inverse_));
    Mat weighted = nullptr; // W⁻¹ G
    PetscCall(MatDuplicate(g, MAT_COPY_VALUES, &weighted));
    PetscCall(MatDiagonalScale(weighted, s->w_inverse_, nullptr));
    PetscCall(MatMatMult(d, weighted, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &s->laplacian_));
    PetscCall(MatDestroy(&weighted));
    // D = ±Gᵀ: L is semi-definite of either sign; the AMG gets it positive, and L⁻¹ M L⁻¹
    // does not see the sign.
    Vec diagonal = nullptr;
    PetscScalar sum = 0;
    PetscCall(VecDuplicate(s->p1_, &diagonal));
    PetscCall(MatGetDiagonal(s->laplacian_, diagonal));
    PetscCall(VecSum(diagonal, &sum));
    PetscCall(VecDestroy(&diagonal));
    if (sum < 0) PetscCall(MatScale(s->laplacian_, -1.0));
    PetscCall(KSPSetOperators(s->solve_, s->laplacian_, s->laplacian_));
    PetscFunctionReturn(0);
  }

  /// y = −L⁻¹ D W⁻¹ A W⁻¹ G L⁻¹ r, with the enclosed bodies' means as the header says.
  static PetscErrorCode apply(PC pc, Vec r, Vec y) {
    PetscFunctionBeginUser;
    WeightedBfbt* s = nullptr;
    PetscCall(PCShellGetContext(pc, &s));
    std::vector<double> mean, drop;
    PetscCall(VecCopy(r, s->p2_));
    PetscCall(s->take_means(s->p2_, mean));
    PetscCall(KSPSolve(s->solve_, s->p2_, s->p1_));
    PetscCall(MatMult(s->g_, s->p1_, s->u1_));
    PetscCall(VecPointwiseMult(s->u1_, s->u1_, s->w_inverse_));
    PetscCall(MatMult(s->a_, s->u1_, s->u2_));
    PetscCall(VecPointwiseMult(s->u2_, s->u2_, s->w_inverse_));
    PetscCall(MatMult(s->d_, s->u2_, s->p1_));
    PetscCall(KSPSolve(s->solve_, s->p1_, y));
    PetscCall(VecScale(y, -1.0));
    if (!s->size_.empty()) {
      PetscCall(s->take_means(y, drop));
      PetscScalar* out = nullptr;
      const PetscScalar* c = nullptr;
      PetscCall(VecGetArray(y, &out));
      PetscCall(VecGetArrayRead(s->c_diagonal_, &c));
      for (std::size_t i = 0; i < s->body_.size(); ++i)
        if (s->body_[i] >= 0 && c[i] != 0) out[i] += mean[std::size_t(s->body_[i])] / c[i];
      PetscCall(VecRestoreArrayRead(s->c_diagonal_, &c));
      PetscCall(VecRestoreArray(y, &out));
    }
    PetscFunctionReturn(0);
  }
};

WeightedBfbt::WeightedBfbt(MPI_Comm comm) : comm_(comm) {
  set_option_default(kPrefix, "ksp_type", "preonly");
  set_option_default(kPrefix, "pc_type", "hypre");
  set_option_default(kPrefix, "pc_hypre_boomeramg_coarsen_type", "HMIS");
  set_option_default(kPrefix, "pc_hypre_boomeramg_interp_type", "ext+i");
  set_option_default(kPrefix, "pc_hypre_boomeramg_P_max", "4");
  PetscReal power = power_;
  NAVOX_CALL(PetscOptionsGetReal(nullptr, kPrefix, "-weight_power", &power, nullptr));
  power_ = power;
  NAVOX_CALL(KSPCreate(comm, &solve_));
  try {
    NAVOX_CALL(KSPSetOptionsPrefix(solve_, kPrefix));
    NAVOX_CALL(KSPSetFromOptions(solve_));
  } catch (...) {
    (void)KSPDestroy(&solve_);
    throw;
  }
}

WeightedBfbt::~WeightedBfbt() {
  release_matrices();
  release_vectors();
  if (solve_) (void)KSPDestroy(&solve_);
}

void WeightedBfbt::release_matrices() {
  for (Mat* m : {&a_, &g_, &d_, &laplacian_})
    if (*m) (void)MatDestroy(m);
}

void WeightedBfbt::release_vectors() {
  for (Vec* v : {&w_inverse_, &u1_, &u2_, &p1_, &p2_, &c_diagonal_})
    if (*v) (void)VecDestroy(v);
}

void WeightedBfbt::set_bodies(const std::vector<int>& body, int count) {
  body_ = body;
  size_.assign(std::size_t(count), 0.0);
  for (int b : body_)
    if (b >= 0) size_[std::size_t(b)] += 1;
  if (count > 0) MPI_Allreduce(MPI_IN_PLACE, size_.data(), count, MPI_DOUBLE, MPI_SUM, comm_);
}

PetscErrorCode WeightedBfbt::take_means(Vec v, std::vector<double>& mean) const {
  PetscFunctionBeginUser;
  mean.assign(size_.size(), 0.0);
  if (size_.empty()) PetscFunctionReturn(0);
  PetscScalar* a = nullptr;
  PetscInt n = 0;
  PetscCall(VecGetLocalSize(v, &n));
  PetscCheck(std::size_t(n) == body_.size(), comm_, PETSC_ERR_PLIB, "enclosed bodies set for another pattern");
  PetscCall(VecGetArray(v, &a));
  for (std::size_t i = 0; i < body_.size(); ++i)
    if (body_[i] >= 0) mean[std::size_t(body_[i])] += a[i];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mean.data(), int(mean.size()), MPI_DOUBLE, MPI_SUM, comm_));
  for (std::size_t b = 0; b < mean.size(); ++b) mean[b] /= size_[b];
  for (std::size_t i = 0; i < body_.size(); ++i)
    if (body_[i] >= 0) a[i] -= mean[std::size_t(body_[i])];
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(0);
}

void WeightedBfbt::install(PC pc) {
  NAVOX_CALL(PCSetType(pc, PCSHELL));
  NAVOX_CALL(PCShellSetContext(pc, this));
  NAVOX_CALL(PCShellSetSetUp(pc, Callbacks::set_up));
  NAVOX_CALL(PCShellSetApply(pc, Callbacks::apply));
  NAVOX_CALL(PCShellSetName(pc, "navox weighted BFBT (options -creep_block_bfbt_)"));
}

} // namespace navox
