// The grid halved's operator under three levels in single precision, summed node by node
// from its elements without an assembled matrix (solver/mechanics/single_block_stencil.hpp;
// docs/performance.md, "The grid halved in single precision").
//
// Each rank sums the rows of its own nodes of the grid halved from every element that has
// one of them, those of the layer of elements around its block included (computed again
// by the neighbour that owns them): no rows are sent, and each node sums its eight
// elements in ascending (K, J, I) order, the same on any partition. The element layers
// go along z with two node planes of double sums in hand: after layer K the plane K has
// all its elements, and is rounded to float, its diagonal blocks and P2's couplings read
// from the doubles. So no assembled operator (2,052 B a node as BAIJ) exists beside the
// float one. Of each row the upper blocks are kept (504 B a node), and the lower blocks
// towards nodes outside the owned box, transposed, as those nodes' upper blocks in the
// ring around it. Each element's matrix is made exactly symmetric first: a block and its
// transpose are then the same doubles, summed from the same elements in the same order.
#include "solver/mechanics/elasticity.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "solver/mechanics/single_block_stencil.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace navox {

namespace {
constexpr std::size_t kBlock = 27 * 9; // a node's 27 blocks of 3 x 3

/// K ← (K + Kᵀ)/2, exactly symmetric: the Galerkin products that make an element's matrix
/// round K_ab and K_ba apart.
void symmetrize(physics::HexElasticity::Stiffness& ke) {
  for (std::size_t r = 0; r < 24; ++r)
    for (std::size_t c = r + 1; c < 24; ++c) ke[r * 24 + c] = ke[c * 24 + r] = 0.5 * (ke[r * 24 + c] + ke[c * 24 + r]);
}
} // namespace

void Elasticity::half_element_range(int axis, PetscInt& first, PetscInt& last) const {
  PetscInt c[3], m[3], nodes[3];
  NAVOX_CALL(DMDAGetCorners(coarse_.dm, &c[0], &c[1], &c[2], &m[0], &m[1], &m[2]));
  NAVOX_CALL(DMDAGetInfo(coarse_.dm, nullptr, &nodes[0], &nodes[1], &nodes[2], nullptr, nullptr, nullptr, nullptr,
                         nullptr, nullptr, nullptr, nullptr, nullptr));
  const auto x = std::size_t(axis);
  // An element by its first node: those with one of the nodes c .. c + m - 1.
  first = c[x] - 1;
  last = c[x] + m[x] - 1;
  if (grid_.spec().periodic_lateral && axis < 2) {
    if (m[x] == nodes[x]) first = 0; // all of the axis here: each element once
  } else {
    first = std::max<PetscInt>(first, 0);
    last = std::min<PetscInt>(last, nodes[x] - 2);
  }
}

PetscInt Elasticity::half_stencil_label_width() const {
  // half_element reads the labels of voxels 2E - 1 .. 2E + 2 along each axis for element E.
  const Box b = grid_.owned();
  long width = 2;
  for (int x = 0; x < 3; ++x) {
    PetscInt first = 0, last = 0;
    half_element_range(x, first, last);
    width = std::max<long>(width, long(b.lo[std::size_t(x)] - (2 * first - 1)));
    width = std::max<long>(width, long(2 * last + 2 - (b.hi(std::size_t(x)) - 1)));
  }
  long widest = width;
  MPI_Allreduce(&width, &widest, 1, MPI_LONG, MPI_MAX, grid_.comm());
  return PetscInt(widest);
}

Mat Elasticity::half_stencil(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g,
                             std::vector<double>& sides) const {
  PetscInt xs, ys, zs, xm, ym, zm, nodes[3];
  NAVOX_CALL(DMDAGetCorners(coarse_.dm, &xs, &ys, &zs, &xm, &ym, &zm));
  NAVOX_CALL(DMDAGetInfo(coarse_.dm, nullptr, &nodes[0], &nodes[1], &nodes[2], nullptr, nullptr, nullptr, nullptr,
                         nullptr, nullptr, nullptr, nullptr, nullptr));
  const bool periodic = grid_.spec().periodic_lateral;
  PetscInt first[3], last[3];
  for (int x = 0; x < 3; ++x) half_element_range(x, first[x], last[x]);
  const std::size_t plane_nodes = std::size_t(xm * ym), owned = plane_nodes * std::size_t(zm);
  const UpperBlocks layout{xm, ym, zm};
  std::vector<float> upper(layout.nodes() * UpperBlocks::kFloats, 0.0f);
  std::vector<double> diagonal(owned * 9, 0.0);
  sides.assign(owned * 6, 0.0);
  std::vector<double> plane[2] = {std::vector<double>(plane_nodes * kBlock, 0.0),
                                  std::vector<double>(plane_nodes * kBlock, 0.0)};
  auto wrap = [&](PetscInt n, int x) { return periodic && x < 2 ? (n + nodes[x]) % nodes[x] : n; };
  auto held = [&](PetscInt i, PetscInt j, PetscInt k, int c) {
    return fixed(2 * wrap(i, 0), 2 * wrap(j, 1), 2 * k, c);
  };
  // Node plane k, its sums complete in `sums`: the held DOFs' unit diagonal, P2's
  // couplings (as coupling_weights reads them from an assembled operator: per axis along
  // which the node lies between two nodes of the grid quartered, the sums of |A| over
  // its rows and the columns free at both neighbours), the diagonal blocks and the floats.
  auto finish = [&](std::vector<double>& sums, PetscInt k) {
    std::size_t q = 0;
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i, ++q) {
        double* s = &sums[q * kBlock];
        const std::size_t node = std::size_t(k - zs) * plane_nodes + q;
        for (int c = 0; c < 3; ++c)
          if (held(i, j, k, c)) s[13 * 9 + 4 * c] = 1.0;
        const PetscInt n[3] = {i, j, k};
        const int stride[3] = {1, 3, 9};
        for (int x = 0; x < 3; ++x) {
          if (n[x] % 2 == 0) continue;
          bool both_free[3];
          PetscInt lo[3] = {i, j, k}, hi[3] = {i, j, k};
          lo[x] -= 1;
          hi[x] += 1;
          for (int c = 0; c < 3; ++c)
            both_free[c] = !held(lo[0], lo[1], lo[2], c) && !held(hi[0], hi[1], hi[2], c);
          for (int up = 0; up < 2; ++up) {
            const double* b = s + (13 + (up ? stride[x] : -stride[x])) * 9;
            double sum = 0;
            for (int r = 0; r < 3; ++r)
              for (int c = 0; c < 3; ++c)
                if (both_free[c]) sum += std::abs(b[3 * c + r]);
            sides[6 * node + std::size_t(2 * x + up)] = sum;
          }
        }
        store_node_blocks(layout, i - xs, j - ys, k - zs, s, upper, &diagonal[9 * node]);
      }
  };
  collectively(grid_.comm(), [&] {
    Hex::Stiffness ke;
    bool held_dof[24];
    for (PetscInt ek = first[2]; ek <= last[2]; ++ek) {
      // plane[0]: node plane ek, plane[1]: ek + 1.
      for (PetscInt ej = first[1]; ej <= last[1]; ++ej)
        for (PetscInt ei = first[0]; ei <= last[0]; ++ei) {
          half_element(wide, g, 2 * ei, 2 * ej, 2 * ek, ke, held_dof);
          symmetrize(ke);
          for (int a = 0; a < 8; ++a) {
            const int ax = a & 1, ay = (a >> 1) & 1, az = (a >> 2) & 1;
            const PetscInt i = wrap(ei + ax, 0), j = wrap(ej + ay, 1), k = ek + az;
            if (i < xs || i >= xs + xm || j < ys || j >= ys + ym || k < zs || k >= zs + zm) continue;
            double* s = &plane[az][(std::size_t(j - ys) * std::size_t(xm) + std::size_t(i - xs)) * kBlock];
            for (int b = 0; b < 8; ++b) {
              const int n = ((b & 1) - ax + 1) + 3 * (((b >> 1) & 1) - ay + 1) + 9 * (((b >> 2) & 1) - az + 1);
              for (int r = 0; r < 3; ++r)
                for (int c = 0; c < 3; ++c)
                  s[n * 9 + 3 * c + r] += ke[std::size_t((3 * a + r) * 24 + 3 * b + c)];
            }
          }
        }
      if (ek >= zs && ek < zs + zm) finish(plane[0], ek);
      std::fill(plane[0].begin(), plane[0].end(), 0.0);
      std::swap(plane[0], plane[1]);
    }
    // The top node plane has elements below it only.
    if (last[2] + 1 >= zs && last[2] + 1 < zs + zm) finish(plane[0], last[2] + 1);
  });
  return single_block_stencil(coarse_.dm, std::move(upper), diagonal);
}

} // namespace navox
