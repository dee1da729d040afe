#include "solver/mechanics/rigid_deflation.hpp"

#include <cmath>

namespace navox {

RigidDeflation::RigidDeflation(MPI_Comm comm, std::vector<std::int8_t> dof_body, int bodies)
    : comm_(comm), dof_body_(std::move(dof_body)), k_(3 * bodies) {}

RigidDeflation::~RigidDeflation() {
  if (t_) (void)VecDestroy(&t_);
}

PetscErrorCode RigidDeflation::set_up(Mat a) {
  PetscFunctionBeginUser;
  const std::size_t k = std::size_t(k_);
  std::vector<double> e(k * k, 0.0);
  Vec z = nullptr, az = nullptr;
  PetscCall(MatCreateVecs(a, &z, &az));
  a_ = a;
  for (std::size_t j = 0; j < k; ++j) { // column j of E: Zᵀ A Z e_j
    std::vector<double> unit(k, 0.0), column;
    unit[j] = 1;
    PetscCall(VecSet(z, 0.0));
    PetscCall(add_z(unit, z));
    PetscCall(MatMult(a, z, az));
    PetscCall(sum_z(az, column));
    for (std::size_t i = 0; i < k; ++i) e[i * k + j] = column[i];
  }
  PetscCall(VecDestroy(&az));
  if (t_) PetscCall(VecDestroy(&t_));
  t_ = z; // the scratch of apply()
  // Symmetric in exact arithmetic; the products' rounding is not.
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < i; ++j) e[i * k + j] = e[j * k + i] = 0.5 * (e[i * k + j] + e[j * k + i]);
  kept_.clear();
  for (std::size_t j = 0; j < k; ++j)
    if (e[j * k + j] > 0) kept_.push_back(int(j));
  const std::size_t m = kept_.size();
  cholesky_.assign(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      double s = e[std::size_t(kept_[i]) * k + std::size_t(kept_[j])];
      for (std::size_t p = 0; p < j; ++p) s -= cholesky_[i * m + p] * cholesky_[j * m + p];
      if (i == j) {
        // A pivot lost to rounding against its own column's E_jj: Z's columns are
        // (nearly) dependent, or E is not positive definite. Deflate nothing.
        if (!(s > 1e-12 * e[std::size_t(kept_[i]) * k + std::size_t(kept_[i])])) {
          kept_.clear();
          cholesky_.clear();
          ready_ = true;
          PetscFunctionReturn(0);
        }
        cholesky_[i * m + i] = std::sqrt(s);
      } else {
        cholesky_[i * m + j] = s / cholesky_[j * m + j];
      }
    }
  ready_ = true;
  PetscFunctionReturn(0);
}

std::vector<double> RigidDeflation::solve(const std::vector<double>& c) const {
  const std::size_t m = kept_.size();
  std::vector<double> s(m), out(std::size_t(k_), 0.0);
  for (std::size_t i = 0; i < m; ++i) { // L s = c, then Lᵀ s = s
    double v = c[std::size_t(kept_[i])];
    for (std::size_t p = 0; p < i; ++p) v -= cholesky_[i * m + p] * s[p];
    s[i] = v / cholesky_[i * m + i];
  }
  for (std::size_t i = m; i-- > 0;) {
    double v = s[i];
    for (std::size_t p = i + 1; p < m; ++p) v -= cholesky_[p * m + i] * s[p];
    s[i] = v / cholesky_[i * m + i];
  }
  for (std::size_t i = 0; i < m; ++i) out[std::size_t(kept_[i])] = s[i];
  return out;
}

PetscErrorCode RigidDeflation::sum_z(Vec x, std::vector<double>& zx) const {
  PetscFunctionBeginUser;
  zx.assign(std::size_t(k_), 0.0);
  const std::size_t n = dof_body_.size();
  const PetscScalar* xv = nullptr;
  PetscCall(VecGetArrayRead(x, &xv));
  for (std::size_t d = 0; d < n; ++d)
    if (dof_body_[d] >= 0) zx[std::size_t(3 * dof_body_[d]) + d % 3] += xv[d];
  PetscCall(VecRestoreArrayRead(x, &xv));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, zx.data(), k_, MPI_DOUBLE, MPI_SUM, comm_));
  PetscFunctionReturn(0);
}

PetscErrorCode RigidDeflation::add_z(const std::vector<double>& s, Vec y) const {
  PetscFunctionBeginUser;
  const std::size_t n = dof_body_.size();
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArray(y, &yv));
  for (std::size_t d = 0; d < n; ++d)
    if (dof_body_[d] >= 0) yv[d] += s[std::size_t(3 * dof_body_[d]) + d % 3];
  PetscCall(VecRestoreArray(y, &yv));
  PetscFunctionReturn(0);
}

PetscErrorCode RigidDeflation::project(Vec x, Vec y, std::vector<double>& zx) const {
  PetscFunctionBeginUser;
  if (kept_.empty()) {
    PetscCall(VecCopy(x, t_));
    PetscFunctionReturn(0);
  }
  // t = x − A Z E⁻¹ Zᵀ x, with y as scratch for Z E⁻¹ Zᵀ x
  PetscCall(sum_z(x, zx));
  PetscCall(VecSet(y, 0.0));
  PetscCall(add_z(solve(zx), y));
  PetscCall(MatMult(a_, y, t_));
  PetscCall(VecAYPX(t_, -1.0, x));
  PetscFunctionReturn(0);
}

PetscErrorCode RigidDeflation::correct(Vec y, const std::vector<double>& zx) const {
  PetscFunctionBeginUser;
  if (kept_.empty()) PetscFunctionReturn(0);
  // y + Z E⁻¹ (Zᵀ x − Zᵀ A y)
  std::vector<double> c;
  PetscCall(MatMult(a_, y, t_));
  PetscCall(sum_z(t_, c));
  for (std::size_t j = 0; j < c.size(); ++j) c[j] = zx[j] - c[j];
  PetscCall(add_z(solve(c), y));
  PetscFunctionReturn(0);
}

} // namespace navox
