#include "solver/analysis/conduction_stencil.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/preallocated_aij.hpp"
#include "mesh/row_gather.hpp"
#include "mesh/stencil.hpp"

#include <algorithm>
#include <memory>
#include <string>

namespace navox {

/// Everything the shell's callbacks need; owned by the shell.
struct ConductionStencil::Context {
  Box box;
  std::array<std::int64_t, 3> dims{0, 0, 0};
  const std::vector<PetscInt>* index = nullptr;
  PetscInt first = 0, rows = 0;
  std::array<double, 3> g{0, 0, 0};
  int axis = -1;      ///< electrode axis, -1: none
  double ge = 0;      ///< electrode conductance
  std::int64_t step[6] = {0, 0, 0, 0, 0, 0}; ///< block offset across each face
  /// Per face of the block inside the domain: the ghost slot of each voxel beyond it
  /// (plane_index order), -1 without an unknown; empty on the domain's boundary.
  std::array<std::vector<PetscInt>, 6> side;
  std::vector<PetscInt> ghost_rows; ///< global row of each ghost slot, ascending
  std::unique_ptr<RowGather> ghost; ///< the ghost slots' values, from their owners
  /// Each local row's block offset, kOuter added where the voxel lies on a face of the
  /// block (its neighbours need more than the strides): the kernels loop over the rows,
  /// not over every voxel with a branch on each (4 B per row).
  std::vector<std::uint32_t> row_offset;
  static constexpr std::uint32_t kOuter = 1u << 31;
  // MatGetRow's buffers.
  PetscInt row_cols[7] = {0, 0, 0, 0, 0, 0, 0};
  PetscScalar row_vals[7] = {0, 0, 0, 0, 0, 0, 0};

  /// Offset of (i, j, k) on the plane of face f's side (the two other axes, lower first).
  std::int64_t plane_index(const std::int64_t c[3], int f) const {
    const int a = face_axis(f), u = a == 0 ? 1 : 0, v = a == 2 ? 1 : 2;
    return (c[v] - box.lo[v]) * box.n[u] + (c[u] - box.lo[u]);
  }
  /// Local columns of owned voxel c (block offset o) across each face: < rows owned,
  /// rows + slot a ghost, -1 none.
  void columns(std::int64_t o, const std::int64_t c[3], PetscInt col[6]) const {
    for (int f = 0; f < 6; ++f) {
      const int a = face_axis(f);
      const std::int64_t n = c[a] + kFaceOffset[f][a];
      if (n < box.lo[a] || n >= box.hi(a)) {
        col[f] = side[f].empty() ? -1 : side[f][static_cast<std::size_t>(plane_index(c, f))];
        if (col[f] >= 0) col[f] += rows;
      } else {
        const PetscInt r = (*index)[static_cast<std::size_t>(o + step[f])];
        col[f] = r < 0 ? -1 : r - first;
      }
    }
  }
  /// Row l (local; its block offset o and whether the voxel lies on a face of the
  /// block): its columns (as columns(), but a missing neighbour is the row itself with
  /// weight 0, so the kernels need no branch on it), the faces' weights w (g or 0), and
  /// the diagonal: the faces' conductances in face order, then the electrode terms.
  /// Voxels away from the block's faces find their neighbours' rows by the strides alone.
  double row(PetscInt l, std::int64_t o, bool inner, PetscInt col[6], double w[6]) const {
    if (inner) {
      const PetscInt* idx = index->data();
      for (int q = 0; q < 6; ++q) {
        const PetscInt m = idx[o + step[q]];
        col[q] = m < 0 ? l : m - first;
        w[q] = m < 0 ? 0.0 : g[q / 2];
      }
    } else {
      const auto v = box.voxel(o);
      const std::int64_t c[3] = {v[0], v[1], v[2]};
      columns(o, c, col);
      for (int q = 0; q < 6; ++q) {
        w[q] = col[q] < 0 ? 0.0 : g[q / 2];
        if (col[q] < 0) col[q] = l;
      }
    }
    double d = ((((w[0] + w[1]) + w[2]) + w[3]) + w[4]) + w[5];
    if (axis >= 0 && !inner) { // an electrode plane is a face of the block
      const std::int64_t c = box.voxel(o)[static_cast<std::size_t>(axis)];
      if (c == 0) d += ge;
      if (c == dims[axis] - 1) d += ge;
    }
    return d;
  }
  /// f(l, col, w, d, inner) for every row in block order (reverse: backwards), from
  /// row(); inner: every column is owned (then no branch on ghosts either).
  template <class F> void for_stencil(bool reverse, F&& f) const {
    for (PetscInt s = 0; s < rows; ++s) {
      const PetscInt l = reverse ? rows - 1 - s : s;
      const std::uint32_t at = row_offset[static_cast<std::size_t>(l)];
      const bool inner = !(at & kOuter);
      PetscInt col[6];
      double w[6];
      const double d = row(l, at & ~kOuter, inner, col, w);
      f(l, col, w, d, inner);
    }
  }
  PetscErrorCode update_ghosts(Vec x) const { return ghost->gather(x); }
};

namespace {

using Context = ConductionStencil::Context;

PetscErrorCode context_of(Mat A, Context** ctx) {
  PetscFunctionBeginUser;
  void* p = nullptr;
  PetscCall(MatShellGetContext(A, &p));
  PetscCheck(p, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "conduction stencil without its context");
  *ctx = static_cast<Context*>(p);
  PetscFunctionReturn(0);
}

PetscErrorCode mult(Mat A, Vec x, Vec y) {
  PetscFunctionBeginUser;
  Context* s = nullptr;
  PetscCall(context_of(A, &s));
  PetscCall(s->update_ghosts(x));
  const PetscScalar *xv = nullptr, *gv = nullptr;
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArrayRead(x, &xv));
  PetscCall(VecGetArrayRead(s->ghost->values(), &gv));
  PetscCall(VecGetArrayWrite(y, &yv));
  const PetscInt rows = s->rows;
  s->for_stencil(false, [&](PetscInt l, const PetscInt col[6], const double w[6], double d, bool inner) {
    double sum = d * xv[l];
    if (inner)
      for (int f = 0; f < 6; ++f) sum -= w[f] * xv[col[f]];
    else
      for (int f = 0; f < 6; ++f) sum -= w[f] * (col[f] < rows ? xv[col[f]] : gv[col[f] - rows]);
    yv[l] = sum;
  });
  PetscCall(VecRestoreArrayWrite(y, &yv));
  PetscCall(VecRestoreArrayRead(s->ghost->values(), &gv));
  PetscCall(VecRestoreArrayRead(x, &xv));
  PetscFunctionReturn(0);
}

PetscErrorCode get_diagonal(Mat A, Vec d) {
  PetscFunctionBeginUser;
  Context* s = nullptr;
  PetscCall(context_of(A, &s));
  PetscScalar* dv = nullptr;
  PetscCall(VecGetArrayWrite(d, &dv));
  s->for_stencil(false, [&](PetscInt l, const PetscInt*, const double*, double d, bool) { dv[l] = d; });
  PetscCall(VecRestoreArrayWrite(d, &dv));
  PetscFunctionReturn(0);
}

/// Gauss-Seidel on this rank's rows, the ghosts' values fixed during each of `its`
/// outer iterations (refreshed between them), `lits` local sweeps each: PETSc's
/// SOR_LOCAL_* semantics. The global SOR_FORWARD/BACKWARD/SYMMETRIC_SWEEP flags (what
/// PCSOR asks of a sequential matrix) mean the same on one rank and are taken as local.
PetscErrorCode sor(Mat A, Vec b, PetscReal omega, MatSORType flag, PetscReal shift, PetscInt its, PetscInt lits, Vec x) {
  PetscFunctionBeginUser;
  Context* s = nullptr;
  PetscCall(context_of(A, &s));
  PetscCheck(omega == 1.0 && shift == 0.0, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "conduction stencil: SOR only with omega 1 and no shift");
  const int known = SOR_SYMMETRIC_SWEEP | SOR_LOCAL_SYMMETRIC_SWEEP | SOR_ZERO_INITIAL_GUESS;
  PetscCheck((flag & ~known) == 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "conduction stencil: SOR type %d not supported",
             static_cast<int>(flag));
  const bool forward = flag & (SOR_FORWARD_SWEEP | SOR_LOCAL_FORWARD_SWEEP);
  const bool backward = flag & (SOR_BACKWARD_SWEEP | SOR_LOCAL_BACKWARD_SWEEP);
  const bool zero = flag & SOR_ZERO_INITIAL_GUESS;
  if (zero) {
    PetscCall(VecSet(x, 0.0));
    PetscCall(VecSet(s->ghost->values(), 0.0));
  }
  for (PetscInt it = 0; it < its; ++it) {
    if (!(zero && it == 0)) PetscCall(s->update_ghosts(x));
    const PetscScalar *bv = nullptr, *gv = nullptr;
    PetscScalar* xv = nullptr;
    PetscCall(VecGetArrayRead(b, &bv));
    PetscCall(VecGetArrayRead(s->ghost->values(), &gv));
    PetscCall(VecGetArray(x, &xv));
    const PetscInt rows = s->rows;
    auto relax = [&](PetscInt l, const PetscInt col[6], const double w[6], double d, bool inner) {
      double sum = bv[l];
      if (inner)
        for (int f = 0; f < 6; ++f) sum += w[f] * xv[col[f]];
      else
        for (int f = 0; f < 6; ++f) sum += w[f] * (col[f] < rows ? xv[col[f]] : gv[col[f] - rows]);
      xv[l] = sum * (1.0 / d); // the reciprocal does not wait for the sweep (as SOR's inverted diagonal)
    };
    for (PetscInt l = 0; l < lits; ++l) {
      if (forward) s->for_stencil(false, relax);
      if (backward) s->for_stencil(true, relax);
    }
    PetscCall(VecRestoreArray(x, &xv));
    PetscCall(VecRestoreArrayRead(s->ghost->values(), &gv));
    PetscCall(VecRestoreArrayRead(b, &bv));
  }
  PetscFunctionReturn(0);
}

/// Row `row` (global; this rank's): the diagonal first, then the face neighbours in face order.
PetscErrorCode get_row(Mat A, PetscInt row, PetscInt* count, PetscInt** cols, PetscScalar** vals) {
  PetscFunctionBeginUser;
  Context* s = nullptr;
  PetscCall(context_of(A, &s));
  const PetscInt l = row - s->first;
  PetscCheck(l >= 0 && l < s->rows, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "row %d is not this rank's",
             static_cast<int>(row));
  const std::uint32_t at = s->row_offset[static_cast<std::size_t>(l)];
  PetscInt col[6];
  double w[6];
  PetscInt n = 0;
  s->row_cols[n] = row;
  s->row_vals[n++] = s->row(l, at & ~Context::kOuter, !(at & Context::kOuter), col, w);
  for (int f = 0; f < 6; ++f) {
    if (w[f] == 0.0) continue; // no neighbour across face f
    s->row_cols[n] = col[f] < s->rows ? s->first + col[f] : s->ghost_rows[static_cast<std::size_t>(col[f] - s->rows)];
    s->row_vals[n++] = -w[f];
  }
  if (count) *count = n;
  if (cols) *cols = s->row_cols;
  if (vals) *vals = s->row_vals;
  PetscFunctionReturn(0);
}

PetscErrorCode restore_row(Mat, PetscInt, PetscInt*, PetscInt**, PetscScalar**) { return 0; }

PetscErrorCode destroy(void* p) {
  PetscFunctionBeginUser;
  auto* s = static_cast<Context*>(p);
  delete s;
  PetscFunctionReturn(0);
}

} // namespace

std::vector<double> exchange_numbering(const Grid& grid, const FaceHalo& halo, const std::vector<PetscInt>& index) {
  const Box b = grid.owned(), &gb = halo.box();
  std::vector<double> rows(static_cast<std::size_t>(halo.size()), -1.0);
  for (std::int64_t o = 0; o < b.size(); ++o) {
    const auto c = b.voxel(o);
    rows[static_cast<std::size_t>(gb.offset(c[0], c[1], c[2]))] = index[static_cast<std::size_t>(o)];
  }
  halo.fill(rows.data());
  return rows;
}

ConductionStencil::ConductionStencil(const Grid& grid, const std::vector<PetscInt>& index,
                                     const std::array<double, 3>& conductance) {
  // The rows' block offsets are 31-bit (the top bit marks the block's faces): every rank
  // agrees before any of them builds the shell.
  collectively(grid.comm(), [&] {
    if (grid.owned().size() >= static_cast<std::int64_t>(Context::kOuter))
      throw Error("conduction stencil: this rank's block of " + std::to_string(grid.owned().size()) +
                  " voxels is more than 2^31; run on more ranks");
  });
  auto* s = new Context;
  s->box = grid.owned();
  s->dims = grid.spec().dims;
  s->index = &index;
  s->g = conductance;
  s->rows = static_cast<PetscInt>(std::count_if(index.begin(), index.end(), [](PetscInt r) { return r >= 0; }));
  const auto first = std::find_if(index.begin(), index.end(), [](PetscInt r) { return r >= 0; });
  const Box& b = s->box;
  for (int f = 0; f < 6; ++f) {
    const int a = face_axis(f);
    s->step[f] = kFaceOffset[f][a] * (a == 0 ? 1 : a == 1 ? b.n[0] : b.n[0] * b.n[1]);
  }
  s->row_offset.reserve(static_cast<std::size_t>(s->rows));
  for (std::int64_t o = 0; o < b.size(); ++o) {
    if (index[static_cast<std::size_t>(o)] < 0) continue;
    const std::int64_t i = o % b.n[0], j = o / b.n[0] % b.n[1], k = o / (b.n[0] * b.n[1]);
    const bool outer = i == 0 || j == 0 || k == 0 || i + 1 == b.n[0] || j + 1 == b.n[1] || k + 1 == b.n[2];
    s->row_offset.push_back(static_cast<std::uint32_t>(o) | (outer ? Context::kOuter : 0u));
  }
  PetscErrorCode e = MatCreateShell(grid.comm(), s->rows, s->rows, PETSC_DETERMINE, PETSC_DETERMINE, s, &mat_);
  if (!e) e = MatShellSetContextDestroy(mat_, destroy); // from here on the shell owns s
  if (e) {
    delete s;
    (void)MatDestroy(&mat_);
    NAVOX_CALL(e);
  }
  ctx_ = s;
  try {
    NAVOX_CALL(MatGetOwnershipRange(mat_, &s->first, nullptr));
    if (first != index.end() && *first != s->first)
      throw Error("conduction stencil: the rows are not numbered rank by rank in block order");
    // The rows of the voxels beyond the block's faces, from a ghost exchange of the numbering.
    std::array<std::vector<PetscInt>, 6> beyond;
    {
      const FaceHalo halo(grid);
      const std::vector<double> row_of = exchange_numbering(grid, halo, index);
      for (int f = 0; f < 6; ++f) {
        const int a = face_axis(f), u = a == 0 ? 1 : 0, v = a == 2 ? 1 : 2;
        const std::int64_t plane = f % 2 == 0 ? b.lo[a] - 1 : b.hi(a);
        if (plane < 0 || plane >= s->dims[a]) continue;
        beyond[f].resize(static_cast<std::size_t>(b.n[u] * b.n[v]));
        std::int64_t c[3];
        c[a] = plane;
        for (c[v] = b.lo[v]; c[v] < b.hi(v); ++c[v])
          for (c[u] = b.lo[u]; c[u] < b.hi(u); ++c[u])
            beyond[f][static_cast<std::size_t>(s->plane_index(c, f))] =
                static_cast<PetscInt>(row_of[static_cast<std::size_t>(halo.box().offset(c[0], c[1], c[2]))]);
      }
    }
    for (const auto& rows : beyond)
      for (PetscInt r : rows)
        if (r >= 0) s->ghost_rows.push_back(r);
    std::sort(s->ghost_rows.begin(), s->ghost_rows.end());
    s->ghost_rows.erase(std::unique(s->ghost_rows.begin(), s->ghost_rows.end()), s->ghost_rows.end());
    for (int f = 0; f < 6; ++f) {
      s->side[f] = std::move(beyond[f]);
      for (PetscInt& r : s->side[f])
        if (r >= 0)
          r = static_cast<PetscInt>(std::lower_bound(s->ghost_rows.begin(), s->ghost_rows.end(), r) - s->ghost_rows.begin());
    }
    Vec layout = nullptr;
    NAVOX_CALL(MatCreateVecs(mat_, &layout, nullptr));
    try {
      s->ghost = std::make_unique<RowGather>(layout, s->ghost_rows);
    } catch (...) {
      (void)VecDestroy(&layout);
      throw;
    }
    NAVOX_CALL(VecDestroy(&layout));
    NAVOX_CALL(MatShellSetOperation(mat_, MATOP_MULT, reinterpret_cast<void (*)(void)>(mult)));
    NAVOX_CALL(MatShellSetOperation(mat_, MATOP_GET_DIAGONAL, reinterpret_cast<void (*)(void)>(get_diagonal)));
    NAVOX_CALL(MatShellSetOperation(mat_, MATOP_SOR, reinterpret_cast<void (*)(void)>(sor)));
    NAVOX_CALL(MatShellSetOperation(mat_, MATOP_GET_ROW, reinterpret_cast<void (*)(void)>(get_row)));
    NAVOX_CALL(MatShellSetOperation(mat_, MATOP_RESTORE_ROW, reinterpret_cast<void (*)(void)>(restore_row)));
  } catch (...) {
    (void)MatDestroy(&mat_);
    throw;
  }
}

ConductionStencil::~ConductionStencil() { (void)MatDestroy(&mat_); }

void ConductionStencil::set_electrodes(int axis, double g) {
  ctx_->axis = axis;
  ctx_->ge = g;
}

} // namespace navox
