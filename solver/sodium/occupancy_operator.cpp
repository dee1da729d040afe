#include "solver/sodium/occupancy_operator.hpp"

#include "mesh/error.hpp"

#include <petscdmda.h>

#include <cstdint>

namespace navox {

struct OccupancyOperator::Context {
  DM dm = nullptr;                        ///< grid.scalar_dm() (borrowed)
  physics::VacancyDiffusion law;          ///< of the last set()
  std::array<double, 3> inv_h2{};         ///< 1/h_a² [1/m²]
  std::array<std::int64_t, 3> dims{};     ///< the grid's voxels along x, y, z
  bool periodic = false;                  ///< laterally periodic (x and y)
  Box owned;                              ///< this rank's block
  std::array<std::int64_t, 3> glo{}, gn{}; ///< the ghosted box: first voxel, extent
  PetscInt first = 0;                     ///< the first owned row
  Vec metal = nullptr;                    ///< local: ξ where the voxel is in the solve, 0 elsewhere
  Vec diag = nullptr;                     ///< global: the diagonal
  Vec input = nullptr;                    ///< local: the product's ghosted input
  PetscInt cols[7] = {};                  ///< MatGetRow's row
  PetscScalar vals[7] = {};

  /// Offset of voxel (i, j, k) in the local (ghosted) arrays.
  PetscInt local(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return static_cast<PetscInt>((i - glo[0]) + gn[0] * ((j - glo[1]) + gn[1] * (k - glo[2])));
  }
  /// Calls f(i, j, k, l, o) for each owned voxel, x fastest: l its offset in the local
  /// (ghosted) arrays, o in the owned ones.
  template <class F> void for_owned(F&& f) const {
    const Box& b = owned;
    PetscInt o = 0;
    for (std::int64_t k = b.lo[2]; k < b.hi(2); ++k)
      for (std::int64_t j = b.lo[1]; j < b.hi(1); ++j) {
        PetscInt l = local(b.lo[0], j, k);
        for (std::int64_t i = b.lo[0]; i < b.hi(0); ++i, ++l, ++o) f(i, j, k, l, o);
      }
  }
  /// Calls f(local offset of N, g_PN) for each face neighbour N of the metal voxel
  /// (i, j, k) at local offset l that holds metal too, faces in the order −x, +x, −y,
  /// +y, −z, +z (the order the diagonal is summed in).
  template <class F>
  void for_coupled(const PetscScalar* m, std::int64_t i, std::int64_t j, std::int64_t k, PetscInt l, F&& f) const {
    const std::int64_t at[3] = {i, j, k};
    const PetscInt step[3] = {1, static_cast<PetscInt>(gn[0]), static_cast<PetscInt>(gn[0] * gn[1])};
    for (int face = 0; face < 6; ++face) {
      const int a = face / 2, s = face % 2 ? 1 : -1;
      const std::int64_t n = at[a] + s;
      if ((n < 0 || n >= dims[a]) && !(a < 2 && periodic)) continue; // an outer wall
      const PetscInt ln = l + s * step[a];
      if (!(m[ln] > 0)) continue;
      f(ln, occupancy_coupling(law, m[l], m[ln], inv_h2[a]));
    }
  }
};

namespace {

using Context = OccupancyOperator::Context;

PetscErrorCode mult(Mat A, Vec x, Vec y) {
  PetscFunctionBeginUser;
  Context* c = nullptr;
  PetscCall(MatShellGetContext(A, &c));
  PetscCall(DMGlobalToLocalBegin(c->dm, x, INSERT_VALUES, c->input));
  PetscCall(DMGlobalToLocalEnd(c->dm, x, INSERT_VALUES, c->input));
  const PetscScalar *in = nullptr, *m = nullptr, *d = nullptr;
  PetscScalar* out = nullptr;
  PetscCall(VecGetArrayRead(c->input, &in));
  PetscCall(VecGetArrayRead(c->metal, &m));
  PetscCall(VecGetArrayRead(c->diag, &d));
  PetscCall(VecGetArrayWrite(y, &out));
  c->for_owned([&](std::int64_t i, std::int64_t j, std::int64_t k, PetscInt l, PetscInt o) {
    double s = d[o] * in[l]; // an identity row: d = 1, no metal
    if (m[l] > 0) c->for_coupled(m, i, j, k, l, [&](PetscInt ln, double g) { s -= g * in[ln]; });
    out[o] = s;
  });
  PetscCall(VecRestoreArrayWrite(y, &out));
  PetscCall(VecRestoreArrayRead(c->diag, &d));
  PetscCall(VecRestoreArrayRead(c->metal, &m));
  PetscCall(VecRestoreArrayRead(c->input, &in));
  PetscFunctionReturn(0);
}

PetscErrorCode get_diagonal(Mat A, Vec d) {
  PetscFunctionBeginUser;
  Context* c = nullptr;
  PetscCall(MatShellGetContext(A, &c));
  PetscCall(VecCopy(c->diag, d));
  PetscFunctionReturn(0);
}

/// Row `row` by global columns; two faces meeting the same neighbour (a periodic grid
/// one or two voxels wide) add into one entry, as the product adds them.
PetscErrorCode get_row(Mat A, PetscInt row, PetscInt* count, PetscInt** cols, PetscScalar** vals) {
  PetscFunctionBeginUser;
  Context* c = nullptr;
  PetscCall(MatShellGetContext(A, &c));
  const std::int64_t o = row - c->first;
  const auto v = c->owned.voxel(o);
  const PetscInt l = c->local(v[0], v[1], v[2]);
  const PetscScalar *m = nullptr, *d = nullptr;
  PetscCall(VecGetArrayRead(c->metal, &m));
  PetscCall(VecGetArrayRead(c->diag, &d));
  ISLocalToGlobalMapping map = nullptr;
  PetscCall(DMGetLocalToGlobalMapping(c->dm, &map));
  PetscInt n = 1;
  c->cols[0] = row;
  c->vals[0] = d[o];
  PetscErrorCode failed = 0;
  if (m[l] > 0)
    c->for_coupled(m, v[0], v[1], v[2], l, [&](PetscInt ln, double g) {
      PetscInt col = -1;
      if (!failed) failed = ISLocalToGlobalMappingApply(map, 1, &ln, &col);
      for (PetscInt e = 0; e < n; ++e)
        if (c->cols[e] == col) {
          c->vals[e] -= g;
          return;
        }
      c->cols[n] = col;
      c->vals[n++] = -g;
    });
  PetscCall(failed);
  PetscCall(VecRestoreArrayRead(c->diag, &d));
  PetscCall(VecRestoreArrayRead(c->metal, &m));
  *count = n;
  if (cols) *cols = c->cols;
  if (vals) *vals = c->vals;
  PetscFunctionReturn(0);
}

} // namespace

OccupancyOperator::OccupancyOperator(const Grid& grid) : ctx_(new Context) {
  Context& c = *ctx_;
  c.dm = grid.scalar_dm();
  const auto& h = grid.spec().spacing;
  for (int a = 0; a < 3; ++a) c.inv_h2[a] = 1.0 / (h[a] * h[a]);
  c.dims = grid.spec().dims;
  c.periodic = grid.spec().periodic_lateral;
  c.owned = grid.owned();
  PetscInt gx, gy, gz, gm, gn, gp;
  NAVOX_CALL(DMDAGetGhostCorners(c.dm, &gx, &gy, &gz, &gm, &gn, &gp));
  c.glo = {gx, gy, gz};
  c.gn = {gm, gn, gp};
  NAVOX_CALL(DMCreateLocalVector(c.dm, &c.metal));
  NAVOX_CALL(DMCreateLocalVector(c.dm, &c.input));
  NAVOX_CALL(DMCreateGlobalVector(c.dm, &c.diag));
  PetscInt end = 0, rows = 0, all = 0;
  NAVOX_CALL(VecGetOwnershipRange(c.diag, &c.first, &end));
  NAVOX_CALL(VecGetSize(c.diag, &all));
  rows = end - c.first;
  NAVOX_CALL(MatCreateShell(grid.comm(), rows, rows, all, all, ctx_, &mat_));
  NAVOX_CALL(MatShellSetOperation(mat_, MATOP_MULT, reinterpret_cast<void (*)(void)>(mult)));
  NAVOX_CALL(MatShellSetOperation(mat_, MATOP_GET_DIAGONAL, reinterpret_cast<void (*)(void)>(get_diagonal)));
  NAVOX_CALL(MatShellSetOperation(mat_, MATOP_GET_ROW, reinterpret_cast<void (*)(void)>(get_row)));
}

OccupancyOperator::~OccupancyOperator() {
  if (mat_) (void)MatDestroy(&mat_);
  if (ctx_) {
    for (Vec* v : {&ctx_->metal, &ctx_->input, &ctx_->diag})
      if (*v) (void)VecDestroy(v);
    delete ctx_;
  }
}

Vec OccupancyOperator::capacity() const { return ctx_->diag; }

void OccupancyOperator::set(Vec metal, const physics::VacancyDiffusion& law) {
  Context& c = *ctx_;
  c.law = law;
  NAVOX_CALL(DMGlobalToLocalBegin(c.dm, metal, INSERT_VALUES, c.metal));
  NAVOX_CALL(DMGlobalToLocalEnd(c.dm, metal, INSERT_VALUES, c.metal));
  const PetscScalar* m = nullptr;
  PetscScalar* d = nullptr;
  NAVOX_CALL(VecGetArrayRead(c.metal, &m));
  NAVOX_CALL(VecGetArray(c.diag, &d));
  c.for_owned([&](std::int64_t i, std::int64_t j, std::int64_t k, PetscInt l, PetscInt o) {
    if (!(m[l] > 0)) {
      d[o] = 1;
      return;
    }
    double s = d[o];
    c.for_coupled(m, i, j, k, l, [&](PetscInt, double g) { s += g; });
    d[o] = s;
  });
  NAVOX_CALL(VecRestoreArray(c.diag, &d));
  NAVOX_CALL(VecRestoreArrayRead(c.metal, &m));
  // New values under the same Mat: the assembly raises its state, so that preconditioners
  // (Jacobi's diagonal) are built again.
  NAVOX_CALL(MatAssemblyBegin(mat_, MAT_FINAL_ASSEMBLY));
  NAVOX_CALL(MatAssemblyEnd(mat_, MAT_FINAL_ASSEMBLY));
}

void OccupancyOperator::inflow(Vec theta, Vec out) const {
  const Context& c = *ctx_;
  NAVOX_CALL(DMGlobalToLocalBegin(c.dm, theta, INSERT_VALUES, c.input));
  NAVOX_CALL(DMGlobalToLocalEnd(c.dm, theta, INSERT_VALUES, c.input));
  const PetscScalar *th = nullptr, *m = nullptr;
  PetscScalar* q = nullptr;
  NAVOX_CALL(VecGetArrayRead(c.input, &th));
  NAVOX_CALL(VecGetArrayRead(c.metal, &m));
  NAVOX_CALL(VecGetArrayWrite(out, &q));
  c.for_owned([&](std::int64_t i, std::int64_t j, std::int64_t k, PetscInt l, PetscInt o) {
    double s = 0;
    if (m[l] > 0) c.for_coupled(m, i, j, k, l, [&](PetscInt ln, double g) { s += g * (th[ln] - th[l]); });
    q[o] = s;
  });
  NAVOX_CALL(VecRestoreArrayWrite(out, &q));
  NAVOX_CALL(VecRestoreArrayRead(c.metal, &m));
  NAVOX_CALL(VecRestoreArrayRead(c.input, &th));
}

} // namespace navox
