// The elastic operator without a matrix (a PETSc MatShell), under the default two levels:
// y = scale K x from the per-material element stiffness K_m of
// physics/mechanics/hex_elasticity.hpp, the held DOFs' rows and columns those of the
// identity: the assembled matrix of Elasticity::fill() to round-off
// (tests/parallel/test_elastic_operator.cpp). An AIJ matrix of K held 81 entries per row
// (~2.9 KB per node, ~70 % of an elastic solve's memory at 64^3); the shell keeps each
// node's inverted 3x3 diagonal block (6 floats, 24 B, for the point-block Jacobi smoother,
// symmetric_block_jacobi.hpp) and a 27-point stencil per material.
//
// Node by node: a node away from the held DOFs whose eight elements are of one material
// takes that material's stencil (243 multiply-adds, the count of an AIJ row block);
// any other sums the rows of its elements (72 per element), in ascending (k, j, i) order.
// A row's three components run side by side as four lanes (mesh/lanes.hpp; the
// coefficients stored column by column, padded to four), its sums in three chains
// combined in one fixed order: the same bits on any CPU and partition.
// Which way a node goes depends on the labels alone and each rank writes only its own
// nodes from ghosted values, so the product is the same on any partition, with no
// reverse halo exchange.
//
// The callbacks call PETSc and arithmetic only: nothing in them throws.
#include "solver/mechanics/elasticity.hpp"
#include "solver/mechanics/symmetric_block_jacobi.hpp"

#include "mesh/collective.hpp"
#include "mesh/cpu_clones.hpp"
#include "mesh/lanes.hpp"
#include "mesh/error.hpp"

#include <algorithm>

namespace navox {

// Built for AVX2 too (mesh/cpu_clones.hpp): a node's row, its three components and a
// padding lane, as four lanes (mesh/lanes.hpp) in one register where the CPU has it; the
// same operations lane by lane as a scalar loop, so the same bits on any CPU.
NAVOX_CPU_CLONES PetscErrorCode Elasticity::apply(Vec x, Vec y) const {
  PetscFunctionBeginUser;
  const GridSpec& spec = grid_.spec();
  const bool periodic = spec.periodic_lateral;
  const std::int64_t nx = spec.dims[0], ny = spec.dims[1];
  PetscInt xs, ys, zs, xm, ym, zm, gxs, gys, gzs, gxm, gym, gzm;
  PetscCall(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscCall(DMDAGetGhostCorners(vdm_, &gxs, &gys, &gzs, &gxm, &gym, &gzm));
  Vec xl = nullptr;
  PetscCall(DMGetLocalVector(vdm_, &xl));
  PetscCall(DMGlobalToLocalBegin(vdm_, x, INSERT_VALUES, xl));
  PetscCall(DMGlobalToLocalEnd(vdm_, x, INSERT_VALUES, xl));
  const PetscScalar* xv = nullptr;
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArrayRead(xl, &xv));
  PetscCall(VecGetArrayWrite(y, &yv));
  // Offsets in the ghosted array: of the first of the three neighbours along x in each of
  // a node's nine rows (dy, dz), and of an element's 8 nodes from its first.
  const std::ptrdiff_t sx = 3, sy = 3 * std::ptrdiff_t(gxm), sz = 3 * std::ptrdiff_t(gxm) * gym;
  std::ptrdiff_t row_start[9], corner[8];
  for (int row = 0; row < 9; ++row) row_start[row] = -sx + (row % 3 - 1) * sy + (row / 3 - 1) * sz;
  for (int a = 0; a < 8; ++a) corner[a] = (a & 1) * sx + ((a >> 1) & 1) * sy + ((a >> 2) & 1) * sz;
  auto wrap = [&](std::int64_t n, std::int64_t m) { return PetscInt(periodic ? (n + m) % m : n); };
  PetscScalar* out = yv;
  const std::int16_t* node_material = node_material_.data();
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i, out += 3) {
        const PetscScalar* xn = xv + 3 * (((k - gzs) * gym + (j - gys)) * gxm + (i - gxs));
        // A node away from the held DOFs whose eight elements are of one material: its
        // row of K is that material's stencil (243 multiply-adds against 8 x 72).
        const int m0 = *node_material++;
        if (m0 >= 0) {
          // Nine rows of three neighbours along x: nine contiguous values each; no held DOF
          // among them.
          const double* st = stencil_[std::size_t(m0)].data();
          // Three chains of sums, a row of the stencil in turn to each: one chain was bound
          // by the additions' latency (81 in a row).
          lanes::Lanes a0 = {}, a1 = {}, a2 = {}; // rows 0, 3, 6; 1, 4, 7; 2, 5, 8
          for (int row = 0; row < 9; row += 3, st += 3 * 9 * 4) {
            const PetscScalar *x0 = xn + row_start[row], *x1 = xn + row_start[row + 1], *x2 = xn + row_start[row + 2];
            for (int q = 0; q < 9; ++q) {
              a0 += lanes::load(st + 4 * q) * x0[q];
              a1 += lanes::load(st + 36 + 4 * q) * x1[q];
              a2 += lanes::load(st + 72 + 4 * q) * x2[q];
            }
          }
          const lanes::Lanes r = (a0 + a1) + a2;
          for (int c = 0; c < 3; ++c) out[c] = r[c];
          continue;
        }
        // Element by element, in ascending (k, j, i) order, the held DOFs' columns out.
        lanes::Lanes r = {0, 0, 0, 0};
        for_each_element_of_node(i, j, k, [&](PetscInt ei, PetscInt ej, PetscInt ek, int ex, int ey, int ez) {
          const PetscScalar* x0 = xn - (1 - ex) * sx - (1 - ey) * sy - (1 - ez) * sz;
          double xe[24];
          for (int b = 0; b < 8; ++b)
            for (int c = 0; c < 3; ++c) xe[3 * b + c] = x0[corner[b] + c];
          if (ek == 0 || (!periodic && (ei == 0 || ei == nx - 1 || ej == 0 || ej == ny - 1)))
            for (int b = 0; b < 8; ++b)
              for (int c = 0; c < 3; ++c)
                if (fixed(wrap(ei + (b & 1), nx), wrap(ej + ((b >> 1) & 1), ny), ek + ((b >> 2) & 1), c))
                  xe[3 * b + c] = 0.0;
          const int a = (1 - ex) + 2 * (1 - ey) + 4 * (1 - ez); // the node in the element
          const double* kr = corner_rows_[std::size_t(lab_[ek][ej][ei])].data() + a * 24 * 4;
          lanes::Lanes e0 = {}, e1 = {}, e2 = {}; // three chains, by the column's component
          for (int q = 0; q < 24; q += 3, kr += 12) {
            e0 += lanes::load(kr) * xe[q];
            e1 += lanes::load(kr + 4) * xe[q + 1];
            e2 += lanes::load(kr + 8) * xe[q + 2];
          }
          r += (e0 + e1) + e2;
        });
        // The held DOFs' rows: the identity.
        for (int c = 0; c < 3; ++c) out[c] = fixed(i, j, k, c) ? xn[c] : r[c];
      }
  PetscCall(VecRestoreArrayWrite(y, &yv));
  PetscCall(VecRestoreArrayRead(xl, &xv));
  PetscCall(DMRestoreLocalVector(vdm_, &xl));
  PetscFunctionReturn(0);
}

void Elasticity::node_block(PetscInt i, PetscInt j, PetscInt k, double block[9]) const {
  std::fill(block, block + 9, 0.0);
  for_each_element_of_node(i, j, k, [&](PetscInt ei, PetscInt ej, PetscInt ek, int ex, int ey, int ez) {
    const auto& ke = stiffness_[std::size_t(material(ei, ej, ek))];
    const int a = (1 - ex) + 2 * (1 - ey) + 4 * (1 - ez);
    for (int c = 0; c < 3; ++c)
      for (int d = 0; d < 3; ++d) block[3 * c + d] += ke[std::size_t((3 * a + c) * 24 + 3 * a + d)];
  });
  for (int c = 0; c < 3; ++c)
    for (int d = 0; d < 3; ++d) block[3 * c + d] *= scale_;
  for (int c = 0; c < 3; ++c)
    if (fixed(i, j, k, c))
      for (int d = 0; d < 3; ++d) block[3 * c + d] = block[3 * d + c] = c == d ? 1.0 : 0.0;
}

void Elasticity::prepare_matrix_free() {
  // The uniform nodes' stencils: a node's eight elements, element (ex, ey, ez) holding the
  // node as its corner a and neighbour n as its corner b.
  stencil_.assign(stiffness_.size(), {});
  corner_rows_.assign(stiffness_.size(), {});
  for (std::size_t m = 0; m < stiffness_.size(); ++m)
    for (int a = 0; a < 8; ++a)
      for (int q = 0; q < 24; ++q)
        for (int c = 0; c < 3; ++c)
          corner_rows_[m][std::size_t((a * 24 + q) * 4 + c)] = stiffness_[m][std::size_t((3 * a + c) * 24 + q)] * scale_;
  for (std::size_t m = 0; m < stiffness_.size(); ++m)
    for (int e = 0; e < 8; ++e) {
      const int ex = e & 1, ey = (e >> 1) & 1, ez = (e >> 2) & 1;
      const int a = (1 - ex) + 2 * (1 - ey) + 4 * (1 - ez);
      for (int b = 0; b < 8; ++b) {
        const int n = (ex + (b & 1)) + 3 * (ey + ((b >> 1) & 1)) + 9 * (ez + ((b >> 2) & 1));
        for (int c = 0; c < 3; ++c)
          for (int d = 0; d < 3; ++d)
            stencil_[m][std::size_t(((n / 3) * 9 + (n % 3) * 3 + d) * 4 + c)] +=
                stiffness_[m][std::size_t((3 * a + c) * 24 + 3 * b + d)] * scale_;
      }
    }
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  block_inverse_ = DistinctSets{}; // the last labels' blocks freed before the new ones are made
  std::vector<float> inverse(std::size_t(6 * xm * ym * zm), 0.0f);
  block_inverse_unpacked_.clear();
  node_material_.assign(std::size_t(xm * ym * zm), -1);
  const GridSpec& spec = grid_.spec();
  const bool periodic = spec.periodic_lateral;
  const std::int64_t nx = spec.dims[0], ny = spec.dims[1], nz = spec.dims[2];
  collectively(grid_.comm(), [&] {
    float* out = inverse.data();
    std::int16_t* material_of = node_material_.data();
    for (PetscInt k = zs; k < zs + zm; ++k)
      for (PetscInt j = ys; j < ys + ym; ++j)
        for (PetscInt i = xs; i < xs + xm; ++i, out += 6, ++material_of) {
          // The product's choice (apply), once per set of labels rather than per product:
          // away from the held DOFs (two nodes from a held plane), all eight elements alike.
          const bool inner = k >= 2 && k + 1 <= nz && (periodic || (i >= 2 && i + 2 <= nx && j >= 2 && j + 2 <= ny));
          const double m0 = inner ? lab_[k - 1][j - 1][i - 1] : -1;
          const bool uniform = inner && lab_[k - 1][j - 1][i] == m0 && lab_[k - 1][j][i - 1] == m0 &&
                               lab_[k - 1][j][i] == m0 && lab_[k][j - 1][i - 1] == m0 && lab_[k][j - 1][i] == m0 &&
                               lab_[k][j][i - 1] == m0 && lab_[k][j][i] == m0;
          if (uniform) *material_of = std::int16_t(m0);
          double m[9];
          node_block(i, j, k, m);
          // For the smoother's point-block Jacobi (symmetric_block_jacobi.hpp).
          if (!invert_symmetric_3x3(m, out))
            throw Error("elasticity: a node's diagonal block is not positive definite");
        }
  });
  block_inverse_ = distinct_sets(std::move(inverse), 6);
}

PetscErrorCode Elasticity::diagonal(Vec d) const {
  PetscFunctionBeginUser;
  PetscInt xs, ys, zs, xm, ym, zm;
  PetscCall(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscScalar**** da = nullptr;
  PetscCall(DMDAVecGetArrayDOF(vdm_, d, &da));
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) {
        double m[9];
        node_block(i, j, k, m);
        for (int c = 0; c < 3; ++c) da[k][j][i][c] = m[4 * c];
      }
  PetscCall(DMDAVecRestoreArrayDOF(vdm_, d, &da));
  PetscFunctionReturn(0);
}

PetscErrorCode Elasticity::shell_mult(Mat a, Vec x, Vec y) {
  PetscFunctionBeginUser;
  void* self = nullptr;
  PetscCall(MatShellGetContext(a, &self));
  PetscCall(static_cast<const Elasticity*>(self)->apply(x, y));
  PetscFunctionReturn(0);
}

PetscErrorCode Elasticity::shell_get_diagonal(Mat a, Vec d) {
  PetscFunctionBeginUser;
  void* self = nullptr;
  PetscCall(MatShellGetContext(a, &self));
  PetscCall(static_cast<const Elasticity*>(self)->diagonal(d));
  PetscFunctionReturn(0);
}

PetscErrorCode Elasticity::shell_invert_block_diagonal(Mat a, const PetscScalar** values) {
  PetscFunctionBeginUser;
  void* self = nullptr;
  PetscCall(MatShellGetContext(a, &self));
  // Only where an option asks for PETSc's PCPBJACOBI: its 9 doubles a node, made then.
  auto* e = static_cast<Elasticity*>(self);
  PetscCall(unpack_symmetric_blocks(e->block_inverse_, e->block_inverse_unpacked_, values));
  PetscFunctionReturn(0);
}

void Elasticity::create_shell() {
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  const PetscInt rows = 3 * xm * ym * zm;
  NAVOX_CALL(MatCreate(grid_.comm(), &a_));
  NAVOX_CALL(MatSetSizes(a_, rows, rows, PETSC_DETERMINE, PETSC_DETERMINE));
  NAVOX_CALL(MatSetBlockSize(a_, 3));
  NAVOX_CALL(MatSetType(a_, MATSHELL));
  NAVOX_CALL(MatShellSetContext(a_, this));
  NAVOX_CALL(MatSetUp(a_));
  NAVOX_CALL(MatShellSetOperation(a_, MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_mult)));
  NAVOX_CALL(MatShellSetOperation(a_, MATOP_GET_DIAGONAL, reinterpret_cast<void (*)(void)>(shell_get_diagonal)));
  NAVOX_CALL(MatShellSetOperation(a_, MATOP_INVERT_BLOCK_DIAGONAL,
                                  reinterpret_cast<void (*)(void)>(shell_invert_block_diagonal)));
  NAVOX_CALL(MatSetOption(a_, MAT_SYMMETRIC, PETSC_TRUE));
  NAVOX_CALL(MatSetOption(a_, MAT_SPD, PETSC_TRUE));
}

} // namespace navox
