#include "solver/mechanics/rigid_deflation.hpp"

#include <algorithm>
#include <cmath>

namespace navox {

int RigidDeflation::node_body(std::size_t d) const {
  int b = -1; // a node's free DOFs move with one body; its held ones with none
  for (std::size_t q = d; q < d + 3; ++q) b = std::max(b, int(dof_body_[q]));
  return b;
}

template <class Fn> void RigidDeflation::for_each_node(Fn&& fn) const {
  const auto& f = nodes_.first;
  const auto& c = nodes_.count;
  std::size_t d = 0;
  for (PetscInt k = f[2]; k < f[2] + c[2]; ++k)
    for (PetscInt j = f[1]; j < f[1] + c[1]; ++j)
      for (PetscInt i = f[0]; i < f[0] + c[0]; ++i, d += 3) fn(i, j, k, d);
}

template <class Fn> void RigidDeflation::for_each_body_dof(Fn&& fn) const {
  for_each_node([&](PetscInt i, PetscInt j, PetscInt k, std::size_t d) {
    const int b = node_body(d);
    if (b < 0) return;
    double y[3] = {0, 0, 0}; // x − c, where the body turns (else its arms stay 0)
    if (turns_[std::size_t(b)]) {
      const auto& cb = centroid_[std::size_t(b)];
      const auto [x, yy] = unwrapped(b, i, j);
      y[0] = (double(x) - cb[0]) * nodes_.spacing[0] / h_ref_;
      y[1] = (double(yy) - cb[1]) * nodes_.spacing[1] / h_ref_;
      y[2] = (double(k) - cb[2]) * nodes_.spacing[2] / h_ref_;
    }
    for (int comp = 0; comp < 3; ++comp) {
      if (dof_body_[d + std::size_t(comp)] < 0) continue; // a held DOF
      // (e_r × y)_comp for r = x, y, z: (0, −y_z, y_y), (y_z, 0, −y_x), (−y_y, y_x, 0).
      const double arm[3] = {comp == 1 ? -y[2] : comp == 2 ? y[1] : 0.0, comp == 0 ? y[2] : comp == 2 ? -y[0] : 0.0,
                             comp == 0 ? -y[1] : comp == 1 ? y[0] : 0.0};
      fn(d + std::size_t(comp), b, comp, arm);
    }
  });
}

RigidDeflation::RigidDeflation(MPI_Comm comm, std::vector<std::int8_t> dof_body, int bodies, const Nodes& nodes)
    : comm_(comm), dof_body_(std::move(dof_body)), nodes_(nodes), k_(6 * bodies) {
  h_ref_ = std::cbrt(nodes.spacing[0] * nodes.spacing[1] * nodes.spacing[2]);
  const std::size_t nb = std::size_t(bodies);
  // Along a periodic axis, the node indices each body occupies (summed over the ranks). A
  // body is face-connected, so what it occupies is one interval of the cycle, and what
  // it leaves free is one interval too: cut there, the body lies in one piece.
  cut_.assign(nb, {nodes.grid[0], nodes.grid[1]}); // past every index: no node moves
  turns_.assign(nb, 1);
  if (nodes.periodic_lateral) {
    const std::size_t nx = std::size_t(nodes.grid[0]), ny = std::size_t(nodes.grid[1]);
    std::vector<int> seen(nb * (nx + ny), 0); // per body: x's indices, then y's
    for_each_node([&](PetscInt i, PetscInt j, PetscInt, std::size_t d) {
      const int b = node_body(d);
      if (b < 0) return;
      seen[std::size_t(b) * (nx + ny) + std::size_t(i)] = 1;
      seen[std::size_t(b) * (nx + ny) + nx + std::size_t(j)] = 1;
    });
    MPI_Allreduce(MPI_IN_PLACE, seen.data(), int(seen.size()), MPI_INT, MPI_MAX, comm);
    for (std::size_t b = 0; b < nb; ++b)
      for (std::size_t a = 0; a < 2; ++a) {
        const int* on = seen.data() + b * (nx + ny) + (a == 0 ? 0 : nx);
        const std::size_t n = a == 0 ? nx : ny;
        if (!on[0] || !on[n - 1]) continue; // on no seam along this axis
        // The last free index: the nodes past it are the part beyond the seam, moved
        // back by n. None free: the body goes all the way round (a collector
        // that wraps around the cell cannot turn in it), or spans the cell without
        // closing on itself; either way it gets no rotation columns.
        std::size_t last = n;
        for (std::size_t q = n; q-- > 0;)
          if (!on[q]) {
            last = q;
            break;
          }
        if (last == n) turns_[b] = 0;
        else cut_[b][a] = PetscInt(last);
      }
  }
  // Per body: its nodes' index sums (on the seam's far side moved back by n) and count,
  // exact integers: the same centroid on any partition.
  std::vector<std::int64_t> sums(4 * nb, 0);
  for_each_node([&](PetscInt i, PetscInt j, PetscInt k, std::size_t d) {
    const int b = node_body(d);
    if (b < 0) return;
    const std::size_t o = 4 * std::size_t(b);
    const auto [x, y] = unwrapped(b, i, j);
    sums[o] += x;
    sums[o + 1] += y;
    sums[o + 2] += k;
    sums[o + 3] += 1;
  });
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), int(sums.size()), MPI_INT64_T, MPI_SUM, comm);
  centroid_.assign(nb, {0, 0, 0});
  for (std::size_t b = 0; b < nb; ++b) {
    const std::int64_t n = sums[4 * b + 3];
    if (n == 0) continue;
    for (std::size_t a = 0; a < 3; ++a) centroid_[b][a] = double(sums[4 * b + a]) / double(n);
  }
}

std::array<PetscInt, 2> RigidDeflation::unwrapped(int b, PetscInt i, PetscInt j) const {
  const auto& c = cut_[std::size_t(b)];
  return {i > c[0] ? i - nodes_.grid[0] : i, j > c[1] ? j - nodes_.grid[1] : j};
}

int RigidDeflation::turning_bodies() const {
  int n = 0;
  for (char t : turns_) n += t != 0;
  return n;
}

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
  const PetscScalar* xv = nullptr;
  PetscCall(VecGetArrayRead(x, &xv));
  for_each_body_dof([&](std::size_t d, int b, int comp, const double (&arm)[3]) {
    double* z = zx.data() + 6 * b;
    z[comp] += xv[d];
    for (int r = 0; r < 3; ++r) z[3 + r] += arm[r] * xv[d];
  });
  PetscCall(VecRestoreArrayRead(x, &xv));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, zx.data(), k_, MPI_DOUBLE, MPI_SUM, comm_));
  PetscFunctionReturn(0);
}

PetscErrorCode RigidDeflation::add_z(const std::vector<double>& s, Vec y) const {
  PetscFunctionBeginUser;
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArray(y, &yv));
  for_each_body_dof([&](std::size_t d, int b, int comp, const double (&arm)[3]) {
    const double* z = s.data() + 6 * b;
    yv[d] += z[comp] + (arm[0] * z[3] + arm[1] * z[4] + arm[2] * z[5]);
  });
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
