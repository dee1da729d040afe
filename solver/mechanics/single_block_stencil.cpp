// The grid halved's operator in single precision (single_block_stencil.hpp). The
// callbacks call PETSc and arithmetic only: nothing in them throws.
#include "solver/mechanics/single_block_stencil.hpp"
#include "solver/mechanics/symmetric_block_jacobi.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace navox {

namespace {

/// What the shell keeps: per owned node (x fastest) its 27 blocks, [neighbour (dz, dy, dx)
/// ascending][column component][row component] as floats, its inverted diagonal block as
/// 6 floats (symmetric_block_jacobi.hpp) and its diagonal in double; the inverse as 9
/// doubles only if PETSc's PCPBJACOBI asks for it.
struct Stencil {
  DM dm = nullptr;
  PetscInt xs = 0, ys = 0, zs = 0, xm = 0, ym = 0, zm = 0;
  PetscInt gxs = 0, gys = 0, gzs = 0, gxm = 0, gym = 0, gzm = 0;
  std::vector<float> blocks, inverse;
  std::vector<double> diagonal, inverse_unpacked;
  ~Stencil() {
    if (dm) (void)DMDestroy(&dm);
  }
};

constexpr int kNeighbours = 27;
constexpr const char* kWhat = "the grid halved's operator in single precision: ";

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
  const std::ptrdiff_t sy = 3 * std::ptrdiff_t(s->gxm), sz = sy * s->gym;
  std::ptrdiff_t offset[kNeighbours];
  for (int n = 0; n < kNeighbours; ++n) offset[n] = (n % 3 - 1) * 3 + ((n / 3) % 3 - 1) * sy + (n / 9 - 1) * sz;
  const float* b = s->blocks.data();
  PetscScalar* out = yv;
  for (PetscInt k = s->zs; k < s->zs + s->zm; ++k)
    for (PetscInt j = s->ys; j < s->ys + s->ym; ++j)
      for (PetscInt i = s->xs; i < s->xs + s->xm; ++i, out += 3, b += 9 * kNeighbours) {
        const PetscInt li = i - s->gxs, lj = j - s->gys, lk = k - s->gzs;
        const PetscScalar* xn = xv + 3 * ((lk * s->gym + lj) * s->gxm + li);
        // A node at the grid's side has no ghosts beyond it; its blocks there are zero.
        const bool inner = li >= 1 && lj >= 1 && lk >= 1 && li + 1 < s->gxm && lj + 1 < s->gym && lk + 1 < s->gzm;
        double r0 = 0, r1 = 0, r2 = 0;
        for (int n = 0; n < kNeighbours; ++n) {
          if (!inner) {
            const PetscInt di = n % 3 - 1, dj = (n / 3) % 3 - 1, dk = n / 9 - 1;
            if (li + di < 0 || lj + dj < 0 || lk + dk < 0 || li + di >= s->gxm || lj + dj >= s->gym ||
                lk + dk >= s->gzm)
              continue;
          }
          const PetscScalar* xq = xn + offset[n];
          const float* q = b + 9 * n;
          for (int c = 0; c < 3; ++c, q += 3) {
            const double v = xq[c];
            r0 += double(q[0]) * v;
            r1 += double(q[1]) * v;
            r2 += double(q[2]) * v;
          }
        }
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
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

Mat single_block_stencil(DM dm, std::vector<float> blocks, const std::vector<double>& diagonal_blocks) {
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
      if (blocks.size() != owned * 9 * kNeighbours || diagonal_blocks.size() != owned * 9)
        throw Error(std::string(kWhat) + "its blocks do not match the DMDA's owned nodes");
      s->blocks = std::move(blocks);
      s->inverse.assign(owned * 6, 0.0f);
      s->diagonal.assign(owned * 3, 0.0);
      for (std::size_t node = 0; node < owned; ++node) {
        const double* block = &diagonal_blocks[9 * node];
        if (!invert_symmetric_3x3(block, &s->inverse[6 * node]))
          throw Error(std::string(kWhat) + "the diagonal block of its owned node " + std::to_string(node) + " is not positive definite");
        for (int c = 0; c < 3; ++c) s->diagonal[3 * node + std::size_t(c)] = block[4 * c];
      }
    });
    Vec v = nullptr;
    PetscInt n = 0, N = 0;
    NAVOX_CALL(DMGetGlobalVector(dm, &v));
    NAVOX_CALL(VecGetLocalSize(v, &n));
    NAVOX_CALL(VecGetSize(v, &N));
    NAVOX_CALL(DMRestoreGlobalVector(dm, &v));
    NAVOX_CALL(MatCreateShell(PetscObjectComm(reinterpret_cast<PetscObject>(dm)), n, n, N, N, s, &shell));
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

const std::vector<float>& single_block_stencil_inverse(Mat shell) {
  void* context = nullptr;
  NAVOX_CALL(MatShellGetContext(shell, &context));
  return static_cast<const Stencil*>(context)->inverse;
}

} // namespace navox
