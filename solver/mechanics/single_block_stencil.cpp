// A coarse grid's operator in single precision (single_block_stencil.hpp). The
// callbacks call PETSc and arithmetic only: nothing in them throws.
#include "solver/mechanics/single_block_stencil.hpp"
#include "solver/mechanics/symmetric_block_jacobi.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/vertex_dm.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace navox {

namespace {

/// What the shell keeps: the upper blocks as floats, each distinct set of a node's 14 once
/// (distinct_sets.hpp; per node of UpperBlocks over the owned box, walked in its order by
/// the product), per
/// owned node (x fastest) its inverted diagonal block as 6 floats (symmetric_block_jacobi.hpp)
/// and its diagonal in double; the inverse as 9 doubles only if PETSc's PCPBJACOBI asks
/// for it.
struct Stencil {
  DM dm = nullptr;
  PetscInt xs = 0, ys = 0, zs = 0, xm = 0, ym = 0, zm = 0;
  PetscInt gxs = 0, gys = 0, gzs = 0, gxm = 0, gym = 0, gzm = 0;
  DistinctSets upper, inverse;
  std::vector<double> diagonal, inverse_unpacked;
  ~Stencil() {
    if (dm) (void)DMDestroy(&dm);
  }
};

constexpr int kNeighbours = 27;
constexpr const char* kWhat = "a coarse grid's operator in single precision: ";

PetscErrorCode stencil_of(Mat a, Stencil** s) {
  PetscFunctionBeginUser;
  void* context = nullptr;
  PetscCall(MatShellGetContext(a, &context));
  *s = static_cast<Stencil*>(context);
  PetscFunctionReturn(0);
}

PetscErrorCode stencil_mult(Mat a, Vec x, Vec y) {
  PetscFunctionBeginUser;
  Stencil* s = nullptr;
  PetscCall(stencil_of(a, &s));
  Vec xl = nullptr;
  PetscCall(DMGetLocalVector(s->dm, &xl));
  PetscCall(DMGlobalToLocalBegin(s->dm, x, INSERT_VALUES, xl));
  PetscCall(DMGlobalToLocalEnd(s->dm, x, INSERT_VALUES, xl));
  const PetscScalar* xv = nullptr;
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArrayRead(xl, &xv));
  PetscCall(VecGetArrayWrite(y, &yv));
  // One pass over the blocks as stored, node by node in (k, j, i) order over the owned box
  // and its ring: each node's upper block A_it gives its own row A_it x_t and, transposed,
  // row t's A_ti x_i. Row t so receives its lower neighbours' parts in ascending neighbour
  // order, before its own: the order the header states. The blocks are read once,
  // contiguously; the rows written ahead lie within the next node plane.
  const PetscInt xm = s->xm, ym = s->ym, zm = s->zm;
  const std::ptrdiff_t sy = 3 * std::ptrdiff_t(s->gxm), sz = sy * s->gym;
  const std::ptrdiff_t oy = 3 * std::ptrdiff_t(xm), oz = oy * ym;
  std::ptrdiff_t offset[kNeighbours], row[kNeighbours];
  for (int n = 0; n < kNeighbours; ++n) {
    const std::ptrdiff_t di = n % 3 - 1, dj = (n / 3) % 3 - 1, dk = n / 9 - 1;
    offset[n] = 3 * di + dj * sy + dk * sz;
    row[n] = 3 * di + dj * oy + dk * oz;
  }
  std::fill(yv, yv + 3 * std::ptrdiff_t(xm) * ym * zm, 0.0);
  const std::uint32_t* set = s->upper.index.data();
  for (PetscInt dk = -1; dk < zm; ++dk)
    for (PetscInt dj = -1; dj <= ym; ++dj)
      for (PetscInt di = -1; di <= xm; ++di) {
        const float* b = s->upper.values.data() + std::size_t(*set++) * UpperBlocks::kFloats;
        const PetscInt li = s->xs + di - s->gxs, lj = s->ys + dj - s->gys, lk = s->zs + dk - s->gzs;
        if (li < 0 || lj < 0 || lk < 0 || li >= s->gxm || lj >= s->gym || lk >= s->gzm) continue; // no such node
        const PetscScalar* xn = xv + 3 * ((lk * s->gym + lj) * s->gxm + li);
        const bool own = di >= 0 && di < xm && dj >= 0 && dj < ym && dk >= 0;
        const std::ptrdiff_t yi = 3 * ((std::ptrdiff_t(dk) * ym + dj) * xm + di); // a row where `own`
        // A node at the grid's side has no ghosts beyond it; its blocks there are zero.
        const bool inner = li >= 1 && lj >= 1 && lk >= 1 && li + 1 < s->gxm && lj + 1 < s->gym && lk + 1 < s->gzm;
        auto exists = [&](int n) {
          const PetscInt ei = li + n % 3 - 1, ej = lj + (n / 3) % 3 - 1, ek = lk + n / 9 - 1;
          return ei >= 0 && ej >= 0 && ek >= 0 && ei < s->gxm && ej < s->gym && ek < s->gzm;
        };
        auto owned = [&](int n) {
          const PetscInt ei = di + n % 3 - 1, ej = dj + (n / 3) % 3 - 1, ek = dk + n / 9 - 1;
          return ei >= 0 && ej >= 0 && ek >= 0 && ei < xm && ej < ym && ek < zm;
        };
        if (own) {
          PetscScalar* yn = yv + yi;
          double r0 = yn[0], r1 = yn[1], r2 = yn[2];
          auto sum = [&](auto skip) {
            const float* q = b;
            for (int n = 13; n < kNeighbours; ++n, q += 9) {
              if (skip(n)) continue;
              const PetscScalar* xq = xn + offset[n];
              const double v0 = xq[0], v1 = xq[1], v2 = xq[2];
              r0 += (double(q[0]) * v0 + double(q[3]) * v1) + double(q[6]) * v2;
              r1 += (double(q[1]) * v0 + double(q[4]) * v1) + double(q[7]) * v2;
              r2 += (double(q[2]) * v0 + double(q[5]) * v1) + double(q[8]) * v2;
            }
          };
          if (inner)
            sum([](int) { return false; });
          else
            sum([&](int n) { return !exists(n); });
          yn[0] = r0;
          yn[1] = r1;
          yn[2] = r2;
        }
        // The transposes into the upper neighbours' rows owned here.
        auto scatter = [&](auto skip) {
          const double v0 = xn[0], v1 = xn[1], v2 = xn[2];
          const float* q = b + 9;
          for (int n = 14; n < kNeighbours; ++n, q += 9) {
            if (skip(n)) continue;
            PetscScalar* yt = yv + (yi + row[n]);
            yt[0] += (double(q[0]) * v0 + double(q[1]) * v1) + double(q[2]) * v2;
            yt[1] += (double(q[3]) * v0 + double(q[4]) * v1) + double(q[5]) * v2;
            yt[2] += (double(q[6]) * v0 + double(q[7]) * v1) + double(q[8]) * v2;
          }
        };
        if (own && di >= 1 && di + 1 < xm && dj >= 1 && dj + 1 < ym && dk + 1 < zm)
          scatter([](int) { return false; });
        else
          scatter([&](int n) { return !owned(n); });
      }
  PetscCall(VecRestoreArrayWrite(y, &yv));
  PetscCall(VecRestoreArrayRead(xl, &xv));
  PetscCall(DMRestoreLocalVector(s->dm, &xl));
  PetscFunctionReturn(0);
}

PetscErrorCode stencil_diagonal(Mat a, Vec d) {
  PetscFunctionBeginUser;
  Stencil* s = nullptr;
  PetscCall(stencil_of(a, &s));
  PetscScalar* dv = nullptr;
  PetscCall(VecGetArrayWrite(d, &dv));
  std::copy(s->diagonal.begin(), s->diagonal.end(), dv);
  PetscCall(VecRestoreArrayWrite(d, &dv));
  PetscFunctionReturn(0);
}

PetscErrorCode stencil_block_inverse(Mat a, const PetscScalar** values) {
  PetscFunctionBeginUser;
  Stencil* s = nullptr;
  PetscCall(stencil_of(a, &s));
  PetscCall(unpack_symmetric_blocks(s->inverse, s->inverse_unpacked, values));
  PetscFunctionReturn(0);
}

PetscErrorCode stencil_destroy(Mat a) {
  PetscFunctionBeginUser;
  Stencil* s = nullptr;
  PetscCall(stencil_of(a, &s));
  delete s;
  PetscFunctionReturn(0);
}

} // namespace

Mat single_block_stencil(DM dm, std::vector<float> upper, const std::vector<double>& diagonal_blocks) {
  auto* s = new Stencil;
  Mat shell = nullptr;
  try {
    NAVOX_CALL(PetscObjectReference(reinterpret_cast<PetscObject>(dm)));
    s->dm = dm;
    PetscInt dof = 0, width = 0, mx = 0, my = 0, mz = 0;
    DMBoundaryType bx, by, bz;
    DMDAStencilType type;
    NAVOX_CALL(DMDAGetInfo(dm, nullptr, &mx, &my, &mz, nullptr, nullptr, nullptr, &dof, &width, &bx, &by, &bz, &type));
    NAVOX_CALL(DMDAGetCorners(dm, &s->xs, &s->ys, &s->zs, &s->xm, &s->ym, &s->zm));
    NAVOX_CALL(DMDAGetGhostCorners(dm, &s->gxs, &s->gys, &s->gzs, &s->gxm, &s->gym, &s->gzm));
    const std::size_t owned = std::size_t(s->xm * s->ym * s->zm);
    collectively(PetscObjectComm(reinterpret_cast<PetscObject>(dm)), [&] {
      // A periodic axis of fewer than 3 nodes would meet one neighbour from both sides.
      if (dof != 3 || width < 1 || type != DMDA_STENCIL_BOX || (bx == DM_BOUNDARY_PERIODIC && mx < 3) ||
          (by == DM_BOUNDARY_PERIODIC && my < 3) || (bz == DM_BOUNDARY_PERIODIC && mz < 3))
        throw Error(std::string(kWhat) + "its DMDA is not a 3-DOF box stencil with 3 or more nodes along each periodic axis");
      if (upper.size() != UpperBlocks{s->xm, s->ym, s->zm}.nodes() * UpperBlocks::kFloats || diagonal_blocks.size() != owned * 9)
        throw Error(std::string(kWhat) + "its blocks do not match the DMDA's owned nodes");
      s->upper = distinct_sets(std::move(upper), UpperBlocks::kFloats);
      std::vector<float> inverse(owned * 6, 0.0f);
      s->diagonal.assign(owned * 3, 0.0);
      for (std::size_t node = 0; node < owned; ++node) {
        const double* block = &diagonal_blocks[9 * node];
        if (!invert_symmetric_3x3(block, &inverse[6 * node]))
          throw Error(std::string(kWhat) + "the diagonal block of its owned node " + std::to_string(node) + " is not positive definite");
        for (int c = 0; c < 3; ++c) s->diagonal[3 * node + std::size_t(c)] = block[4 * c];
      }
      s->inverse = distinct_sets(std::move(inverse), 6);
    });
    const VectorSizes n = dmda_vector_sizes(dm);
    NAVOX_CALL(MatCreateShell(PetscObjectComm(reinterpret_cast<PetscObject>(dm)), n.local, n.local, n.global, n.global, s,
                              &shell));
  } catch (...) {
    delete s;
    throw;
  }
  // From here the shell owns `s` (its destroy callback).
  try {
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_DESTROY, reinterpret_cast<void (*)(void)>(stencil_destroy)));
  } catch (...) {
    delete s;
    (void)MatDestroy(&shell);
    throw;
  }
  try {
    NAVOX_CALL(MatSetBlockSize(shell, 3));
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_MULT, reinterpret_cast<void (*)(void)>(stencil_mult)));
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_GET_DIAGONAL, reinterpret_cast<void (*)(void)>(stencil_diagonal)));
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_INVERT_BLOCK_DIAGONAL,
                                    reinterpret_cast<void (*)(void)>(stencil_block_inverse)));
    NAVOX_CALL(MatSetOption(shell, MAT_SYMMETRIC, PETSC_TRUE));
  } catch (...) {
    (void)MatDestroy(&shell);
    throw;
  }
  return shell;
}

} // namespace navox

namespace navox {

void store_node_blocks(const UpperBlocks& layout, PetscInt di, PetscInt dj, PetscInt dk, const double* blocks,
                       std::vector<float>& upper, double* diagonal_block) {
  constexpr std::size_t kSelf = 13; // neighbour (0, 0, 0)
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) diagonal_block[3 * r + c] = blocks[kSelf * 9 + std::size_t(3 * c + r)];
  std::transform(blocks + kSelf * 9, blocks + kNeighbours * 9, &upper[layout.node(di, dj, dk) * UpperBlocks::kFloats],
                 [](double v) { return float(v); });
  for (int m = 0; m < int(kSelf); ++m) {
    const PetscInt e[3] = {di + m % 3 - 1, dj + (m / 3) % 3 - 1, dk + m / 9 - 1};
    if (e[0] >= 0 && e[0] < layout.xm && e[1] >= 0 && e[1] < layout.ym && e[2] >= 0) continue; // its own row has it
    float* t = &upper[layout.node(e[0], e[1], e[2]) * UpperBlocks::kFloats + (kSelf - std::size_t(m)) * 9];
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) t[3 * r + c] = float(blocks[std::size_t(m) * 9 + std::size_t(3 * c + r)]);
  }
}

Mat single_block_stencil_of(Mat a, DM dm) {
  PetscInt xs, ys, zs, xm, ym, zm, gxs, gys, gzs, gxm, gym, gzm;
  NAVOX_CALL(DMDAGetCorners(dm, &xs, &ys, &zs, &xm, &ym, &zm));
  NAVOX_CALL(DMDAGetGhostCorners(dm, &gxs, &gys, &gzs, &gxm, &gym, &gzm));
  ISLocalToGlobalMapping map = nullptr;
  NAVOX_CALL(DMGetLocalToGlobalMapping(dm, &map));
  const UpperBlocks layout{xm, ym, zm};
  std::vector<float> upper(layout.nodes() * UpperBlocks::kFloats, 0.0f);
  std::vector<double> diagonal(std::size_t(xm * ym * zm) * 9, 0.0);
  // Node by node its 27 blocks, a neighbour outside the ghost box (past a boundary that is
  // not periodic) zero. The ghost box's global numbering wraps the periodic axes.
  collectively(PetscObjectComm(reinterpret_cast<PetscObject>(dm)), [&] {
    double blocks[kNeighbours * 9];
    double block[9];
    std::size_t owned = 0;
    for (PetscInt k = zs; k < zs + zm; ++k)
      for (PetscInt j = ys; j < ys + ym; ++j)
        for (PetscInt i = xs; i < xs + xm; ++i, ++owned) {
          PetscInt self = ((k - gzs) * gym + (j - gys)) * gxm + (i - gxs), row_block = 0;
          NAVOX_CALL(ISLocalToGlobalMappingApplyBlock(map, 1, &self, &row_block));
          const PetscInt rows[3] = {3 * row_block, 3 * row_block + 1, 3 * row_block + 2};
          std::fill(blocks, blocks + kNeighbours * 9, 0.0);
          for (int n = 0; n < kNeighbours; ++n) {
            const PetscInt li = i + n % 3 - 1 - gxs, lj = j + (n / 3) % 3 - 1 - gys, lk = k + n / 9 - 1 - gzs;
            if (li < 0 || lj < 0 || lk < 0 || li >= gxm || lj >= gym || lk >= gzm) continue;
            PetscInt local = (lk * gym + lj) * gxm + li, column_block = 0;
            NAVOX_CALL(ISLocalToGlobalMappingApplyBlock(map, 1, &local, &column_block));
            const PetscInt cols[3] = {3 * column_block, 3 * column_block + 1, 3 * column_block + 2};
            NAVOX_CALL(MatGetValues(a, 3, rows, 3, cols, block)); // [row][column]
            for (int r = 0; r < 3; ++r)
              for (int c = 0; c < 3; ++c) blocks[n * 9 + 3 * c + r] = block[3 * r + c];
          }
          store_node_blocks(layout, i - xs, j - ys, k - zs, blocks, upper, &diagonal[9 * owned]);
        }
  });
  return single_block_stencil(dm, std::move(upper), diagonal);
}

const DistinctSets& single_block_stencil_inverse(Mat shell) {
  void* context = nullptr;
  NAVOX_CALL(MatShellGetContext(shell, &context));
  return static_cast<const Stencil*>(context)->inverse;
}

} // namespace navox
