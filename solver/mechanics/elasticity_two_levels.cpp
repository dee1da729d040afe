// The default preconditioner of the elastic solve: two levels, the vertex grid over GAMG
// on the grid halved, or three, GAMG on the grid quartered (docs/model.md, "Elasticity";
// docs/performance.md, "Two levels", "No fine matrix" and "The grid quartered").
//
// The coarse operator is the Galerkin product of the grid halved, built element by
// element instead of as P^T A P from an assembled A:
// \f[ K_E = \sum_{c=1}^{8} Q_c^T K_{m(c)} Q_c, \f]
// over the eight fine voxels c of coarse element E, K_m the element stiffness of voxel
// c's material and Q_c the interpolation of E's nodal values to c's nodes (P restricted
// to one element: a fine node inside E interpolates from E's nodes only). The coarse DOFs
// held at zero (those of fine nodes (2I, 2J, 2K) held at zero) have their columns of P
// removed (P~ = P diag(free)), so the coarse operator is P~^T A P~ = sum of K_E with
// those rows and columns removed, and a unit diagonal keeps them out of the coarse
// solve. On every fixed fine DOF P~ has a zero row (a fine node on a held plane
// interpolates from coarse nodes of that plane only), which is why A's unit rows do not
// enter.
//
// P is trilinear but for its weights between materials: a fine node halfway between two
// coarse nodes along an axis takes them in proportion to the stiffness on each side,
// \f[ w_{lo} = \frac{k_{lo}}{k_{lo} + k_{hi}}, \quad w_{hi} = \frac{k_{hi}}{k_{lo} + k_{hi}}, \f]
// k_lo and k_hi the sums of Young's modulus E over the node's elements below and above it
// along that axis (the ersatz's E for pores and Na), and a node halfway along several
// axes the product of their weights (in x, y, z order). In one material w = 1/2 exactly:
// the DMDA's trilinear interpolation to the bit. Across a thin pore gap (the end of a
// strip, a collector resting on the last Na) the trilinear weights tie the gap's face
// nodes to the solid across it, so that the coarse grid cannot move the collector without
// straining the SE; these follow their own solid (docs/performance.md, "Two levels": CG
// took 49-84 iterations there, 18-19 now).
//
// The coarse grid, the mask of held coarse DOFs and the coarse nodes' rigid-body modes are
// built once and kept across collector moves (Elasticity::relabel); P (a MatShell keeping
// each fine node's weights as floats, vertex_interpolation.hpp) and the coarse operator
// follow the labels. P~ is a MatShell that zeroes the held coarse DOFs on P's coarse side.
//
// Three levels (grids from ~60^3 voxels, Elasticity::geometric_levels): the grid halved
// is smoothed in turn (Chebyshev on its point blocks; its operator stored by 3 x 3
// blocks) and GAMG takes the grid halved again, the grid quartered, its operator
// P2~^T A_half P2~ element by element in the same way (quarter_operator); P2's weights
// come from A_half's couplings (coupling_weights), the grid quartered's DMDA, mask and
// shell are kept across collector moves as the grid halved's are.
#include "solver/mechanics/elasticity.hpp"

#include "mesh/collective.hpp"
#include "mesh/cpu_clones.hpp"
#include "mesh/error.hpp"
#include "mesh/option_default.hpp"
#include "mesh/release_free_heap.hpp"
#include "mesh/vertex_dm.hpp"
#include "solver/mechanics/single_block_stencil.hpp"
#include "solver/mechanics/symmetric_block_jacobi.hpp"
#include "solver/mechanics/vertex_interpolation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace navox {

namespace {

/// Q_c^T K Q_c for a child voxel of a coarse element (row-major 24 x 24, nodes in the
/// element's order a = ax + 2 ay + 4 az, component fastest); w[b][a] the weight of the
/// element's coarse node a at the child's fine node b (Q_c for each component).
/// Q_c^T K first, row by row: row 3a + c gathers rows 3b + c of K with the weights w[b][a];
/// then (Q_c^T K) Q_c as the same gathering on its transpose. A fine node of a child has
/// 1, 2, 4 or 8 coarse nodes (3.4 on average), so only those weights are visited, and every
/// product is a whole row of 24 (the set-up of a porous cell's levels spent most of its
/// time here when each weight of the 8 x 8 was visited, docs/performance.md).
NAVOX_CPU_CLONES physics::HexElasticity::Stiffness child_galerkin(const physics::HexElasticity::Stiffness& k,
                                                                  const double (&w)[8][8]) {
  struct Weight {
    int a;
    double w;
  };
  Weight nonzero[8][8];
  int count[8];
  for (int b = 0; b < 8; ++b) {
    count[b] = 0;
    for (int a = 0; a < 8; ++a)
      if (w[b][a] != 0) nonzero[b][count[b]++] = {a, w[b][a]};
  }
  // rows[3a + c] += Σ_b w[b][a] src[3b + c] over the nonzero weights.
  auto gather = [&](const double* src, double (&rows)[24][24]) {
    for (int b = 0; b < 8; ++b)
      for (int n = 0; n < count[b]; ++n) {
        const Weight& e = nonzero[b][n];
        for (int c = 0; c < 3; ++c) {
          const double* from = src + (3 * b + c) * 24;
          double* to = rows[3 * e.a + c];
          for (int col = 0; col < 24; ++col) to[col] += e.w * from[col];
        }
      }
  };
  double qk[24][24] = {}, qkt[24][24], gt[24][24] = {};
  gather(k.data(), qk);
  for (int r = 0; r < 24; ++r)
    for (int col = 0; col < 24; ++col) qkt[col][r] = qk[r][col];
  gather(&qkt[0][0], gt); // (Q^T K Q)^T
  physics::HexElasticity::Stiffness g;
  for (int r = 0; r < 24; ++r)
    for (int col = 0; col < 24; ++col) g[std::size_t(r * 24 + col)] = gt[col][r];
  return g;
}

/// A fine node's weights along each axis: at an even index the coarse node it sits on
/// (lo = 1, hi = 0), at an odd one its two coarse neighbours (lo the lower).
struct NodeWeights {
  double lo[3], hi[3];
  bool trilinear() const {
    for (int a = 0; a < 3; ++a)
      if (!((lo[a] == 1 && hi[a] == 0) || (lo[a] == 0.5 && hi[a] == 0.5))) return false;
    return true;
  }
};

/// Weight of coarse node a (0 or 1) along an axis at fine position p (0, 1, 2 from the
/// coarse element's low corner) with that node's weights (lo, hi) along the axis.
double axis_weight(int p, int a, double lo, double hi) { return p == 1 ? (a == 0 ? lo : hi) : (p == 0) == (a == 0) ? 1.0 : 0.0; }

/// Global PETSc numbering of the nodes of a DMDA (rank by rank, x fastest in each rank's
/// box), for nodes that need not lie in this rank's ghost box.
class DmdaNumbering {
public:
  explicit DmdaNumbering(DM dm) {
    PetscInt dims[3], procs[3];
    NAVOX_CALL(DMDAGetInfo(dm, nullptr, &dims[0], &dims[1], &dims[2], &procs[0], &procs[1], &procs[2], &dof_,
                           nullptr, nullptr, nullptr, nullptr, nullptr));
    const PetscInt* l[3] = {nullptr, nullptr, nullptr};
    NAVOX_CALL(DMDAGetOwnershipRanges(dm, &l[0], &l[1], &l[2]));
    for (int a = 0; a < 3; ++a) {
      nodes_[a] = dims[a];
      size_[a].assign(l[a], l[a] + procs[a]);
      start_[a].assign(std::size_t(procs[a]) + 1, 0);
      for (PetscInt r = 0; r < procs[a]; ++r) start_[a][std::size_t(r) + 1] = start_[a][std::size_t(r)] + l[a][r];
    }
    offset_.assign(std::size_t(procs[0] * procs[1] * procs[2]) + 1, 0);
    for (PetscInt r = 0, rz = 0; rz < procs[2]; ++rz)
      for (PetscInt ry = 0; ry < procs[1]; ++ry)
        for (PetscInt rx = 0; rx < procs[0]; ++rx, ++r)
          offset_[std::size_t(r) + 1] = offset_[std::size_t(r)] + l[0][rx] * l[1][ry] * l[2][rz];
  }
  /// Global row of component c of node (i, j, k), each index in [0, nodes) along its axis.
  PetscInt row(PetscInt i, PetscInt j, PetscInt k, int c) const {
    const PetscInt n[3] = {i, j, k};
    PetscInt r[3], local[3];
    for (int a = 0; a < 3; ++a) {
      const auto& s = start_[a];
      r[a] = PetscInt(std::upper_bound(s.begin(), s.end(), n[a]) - s.begin()) - 1;
      local[a] = n[a] - s[std::size_t(r[a])];
    }
    const PetscInt px = PetscInt(size_[0].size()), py = PetscInt(size_[1].size());
    const PetscInt rank = r[0] + px * (r[1] + py * r[2]);
    const PetscInt inside = (local[2] * size_[1][std::size_t(r[1])] + local[1]) * size_[0][std::size_t(r[0])] + local[0];
    return (offset_[std::size_t(rank)] + inside) * dof_ + c;
  }
  PetscInt nodes(int axis) const { return nodes_[axis]; }

private:
  PetscInt dof_ = 1, nodes_[3] = {0, 0, 0};
  std::vector<PetscInt> size_[3], start_[3], offset_;
};

} // namespace

namespace {

// P~ = P diag(free) and its transpose, applied through P (vertex_interpolation.hpp) and
// the mask: the same products as a copy of P with the held columns scaled to zero (an entry
// times 0 adds 0 either way). PCMG interpolates with MatMultAdd and restricts with
// MatMultTranspose.
using CoarseSpace = Elasticity::CoarseSpace;

CoarseSpace* space_of(Mat m) {
  void* ctx = nullptr;
  (void)MatShellGetContext(m, &ctx);
  return static_cast<CoarseSpace*>(ctx);
}

PetscErrorCode interpolate_to_fine(Mat m, Vec coarse, Vec fine) {
  PetscFunctionBeginUser;
  CoarseSpace* s = space_of(m);
  PetscCall(VecPointwiseMult(s->work, s->free, coarse));
  PetscCall(MatMult(s->p, s->work, fine));
  PetscFunctionReturn(0);
}

PetscErrorCode interpolate_add(Mat m, Vec coarse, Vec add, Vec fine) {
  PetscFunctionBeginUser;
  CoarseSpace* s = space_of(m);
  PetscCall(VecPointwiseMult(s->work, s->free, coarse));
  PetscCall(MatMultAdd(s->p, s->work, add, fine));
  PetscFunctionReturn(0);
}

PetscErrorCode restrict_to_coarse(Mat m, Vec fine, Vec coarse) {
  PetscFunctionBeginUser;
  CoarseSpace* s = space_of(m);
  PetscCall(MatMultTranspose(s->p, fine, coarse));
  PetscCall(VecPointwiseMult(coarse, s->free, coarse));
  PetscFunctionReturn(0);
}

PetscErrorCode restrict_add(Mat m, Vec fine, Vec add, Vec coarse) {
  PetscFunctionBeginUser;
  CoarseSpace* s = space_of(m);
  PetscCall(MatMultTranspose(s->p, fine, s->work));
  PetscCall(VecPointwiseMult(s->work, s->free, s->work));
  if (coarse != add) PetscCall(VecCopy(add, coarse));
  PetscCall(VecAXPY(coarse, 1.0, s->work));
  PetscFunctionReturn(0);
}

/// The weights of fine node (i, j, k) (NodeWeights) from the moduli of its elements.
/// `wide`: the labels with ghosts two voxels wide (periodic axes wrap through them).
NodeWeights node_weights(const PetscScalar* const* const* wide, const std::vector<double>& modulus,
                         const std::array<std::int64_t, 3>& dims, bool periodic, PetscInt i, PetscInt j, PetscInt k) {
  const PetscInt n[3] = {i, j, k};
  NodeWeights w{};
  for (int a = 0; a < 3; ++a) {
    if (n[a] % 2 == 0) {
      w.lo[a] = 1;
      w.hi[a] = 0;
      continue;
    }
    double side[2] = {0, 0}; // below, above along a
    for (int e2 = 0; e2 < 2; ++e2)
      for (int e1 = 0; e1 < 2; ++e1)
        for (int s = 0; s < 2; ++s) {
          PetscInt e[3];
          e[a] = n[a] - 1 + s;
          const int b = (a + 1) % 3, c = (a + 2) % 3;
          e[b] = n[b] - 1 + e1;
          e[c] = n[c] - 1 + e2;
          bool exists = true;
          for (int x = 0; x < 3; ++x)
            if (!(periodic && x < 2) && (e[x] < 0 || e[x] >= PetscInt(dims[std::size_t(x)]))) exists = false;
          if (exists) side[s] += modulus[std::size_t(wide[e[2]][e[1]][e[0]])];
        }
    // Summed in a fixed order whatever the rank; equal sides give 1/2 exactly. lo as a
    // float, which P₁ keeps (vertex_interpolation.hpp), and hi = 1 − lo, exact in double:
    // the grid halved's elements take the same weights as P₁, and they sum to 1.
    w.lo[a] = double(float(side[0] / (side[0] + side[1])));
    w.hi[a] = 1.0 - w.lo[a];
  }
  return w;
}

/// The weights of node n of the grid halved from its couplings `side` to its lower and upper
/// neighbours along each axis where it lies between two nodes of the grid quartered.
NodeWeights weights_of_sides(const PetscInt (&n)[3], const double (&side)[3][2]) {
  NodeWeights w{};
  for (int x = 0; x < 3; ++x) {
    const bool between = n[x] % 2 != 0;
    const double total = side[x][0] + side[x][1];
    // lo as a float, which P₂ keeps, and hi = 1 − lo (as node_weights).
    w.lo[x] = !between ? 1 : total > 0 ? double(float(side[x][0] / total)) : 0.5;
    w.hi[x] = !between ? 0 : 1.0 - w.lo[x];
  }
  return w;
}

/// The weights of node (i, j, k) of the grid halved from its operator A (three levels):
/// along an axis where the node lies between two nodes of the grid quartered, in
/// proportion to its couplings to its neighbours there, the sums of |A| over the 3 × 3
/// blocks of its rows and their columns, the columns of the components free at both
/// neighbours only (A's held DOFs have zero columns: a neighbour on a roller or on the
/// support would otherwise look weakly held). The elements of the grid halved mix
/// materials; the operator knows how they hold together where the labels' sums do not:
/// a node above a one-voxel gap has stiff elements on both sides, and weights from the
/// moduli tied the collector to the SE across it (the thin-gap bench: CG 53-62
/// iterations; docs/performance.md, "The grid quartered"). Operator-dependent
/// interpolation as in Dendy's black-box multigrid. `held(i, j, k, c)`: whether DOF c of
/// node (i, j, k) of the grid halved is held.
template <class Held>
NodeWeights coupling_weights(Mat a, const DmdaNumbering& numbering, bool periodic, PetscInt i, PetscInt j, PetscInt k,
                             Held&& held) {
  const PetscInt n[3] = {i, j, k};
  NodeWeights w{};
  PetscInt first[3][2] = {}; // per axis the first column of the lower and upper neighbour
  bool between[3] = {false, false, false}, both_free[3][3] = {};
  for (int x = 0; x < 3; ++x) {
    between[x] = n[x] % 2 != 0;
    w.lo[x] = between[x] ? 0 : 1;
    w.hi[x] = 0;
    if (!between[x]) continue;
    PetscInt m[2][3];
    for (int up = 0; up < 2; ++up) {
      for (int y = 0; y < 3; ++y) m[up][y] = n[y];
      m[up][x] += up ? 1 : -1;
      if (periodic && x < 2) m[up][x] = (m[up][x] + numbering.nodes(x)) % numbering.nodes(x);
      first[x][up] = numbering.row(m[up][0], m[up][1], m[up][2], 0);
    }
    for (int c = 0; c < 3; ++c)
      both_free[x][c] = !held(m[0][0], m[0][1], m[0][2], c) && !held(m[1][0], m[1][1], m[1][2], c);
  }
  if (!between[0] && !between[1] && !between[2]) return w;
  double side[3][2] = {};
  for (int c = 0; c < 3; ++c) {
    const PetscInt row = numbering.row(i, j, k, c);
    PetscInt count = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* values = nullptr;
    NAVOX_CALL(MatGetRow(a, row, &count, &cols, &values));
    for (PetscInt q = 0; q < count; ++q)
      for (int x = 0; x < 3; ++x)
        for (int up = 0; up < 2; ++up)
          if (between[x] && cols[q] >= first[x][up] && cols[q] < first[x][up] + 3 &&
              both_free[x][cols[q] - first[x][up]])
            side[x][up] += std::abs(values[q]);
    NAVOX_CALL(MatRestoreRow(a, row, &count, &cols, &values));
  }
  return weights_of_sides(n, side);
}

} // namespace

void Elasticity::build_interpolation(const PetscScalar* const* const* wide, Mat half, DM rows_dm, CoarseSpace& space,
                                     int s, std::vector<double>* weights, const std::vector<double>* sides) {
  const GridSpec& spec = grid_.spec();
  const bool periodic = spec.periodic_lateral;
  const DmdaNumbering rows_numbering(rows_dm);
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(rows_dm, &xs, &ys, &zs, &xm, &ym, &zm));
  // Each owned fine node's weights (NodeWeights); P keeps their lo parts as floats
  // (vertex_interpolation.hpp), without a matrix.
  const std::size_t owned = std::size_t(xm) * std::size_t(ym) * std::size_t(zm);
  std::vector<float> lo(3 * owned);
  if (weights) weights->assign(6 * owned, 0.0);
  std::size_t r = 0;
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i, ++r) {
        const PetscInt n[3] = {i, j, k};
        auto held = [&](PetscInt a, PetscInt b, PetscInt c, int d) { return fixed(s * a, s * b, s * c, d); };
        NodeWeights w{};
        if (s == 1)
          w = node_weights(wide, modulus_, spec.dims, periodic, i, j, k);
        else if (half)
          w = coupling_weights(half, rows_numbering, periodic, i, j, k, held);
        else {
          const double* d = &(*sides)[6 * r];
          const double side[3][2] = {{d[0], d[1]}, {d[2], d[3]}, {d[4], d[5]}};
          w = weights_of_sides(n, side);
        }
        for (int x = 0; x < 3; ++x) {
          lo[3 * r + std::size_t(x)] = float(w.lo[x]);
          if (weights) {
            (*weights)[6 * r + std::size_t(x)] = w.lo[x];
            (*weights)[6 * r + 3 + std::size_t(x)] = w.hi[x];
          }
        }
      }
  Mat p = vertex_interpolation(rows_dm, space.dm, std::move(lo));
  if (space.p) (void)MatDestroy(&space.p);
  space.p = p;
}

namespace {

/// A DMDA over the nodes and ranks of `like` (its sizes, ownership and boundaries) with
/// `dof` values a node and a box stencil `width` wide, set up. Collective.
DM box_dm_like(DM like, PetscInt dof, PetscInt width) {
  PetscInt mx, my, mz, px, py, pz;
  DMBoundaryType bx, by, bz;
  NAVOX_CALL(DMDAGetInfo(like, nullptr, &mx, &my, &mz, &px, &py, &pz, nullptr, nullptr, &bx, &by, &bz, nullptr));
  const PetscInt *lx = nullptr, *ly = nullptr, *lz = nullptr;
  NAVOX_CALL(DMDAGetOwnershipRanges(like, &lx, &ly, &lz));
  DM dm = nullptr;
  NAVOX_CALL(DMDACreate3d(PetscObjectComm(reinterpret_cast<PetscObject>(like)), bx, by, bz, DMDA_STENCIL_BOX, mx, my,
                          mz, px, py, pz, dof, width, lx, ly, lz, &dm));
  const PetscErrorCode e = DMSetUp(dm);
  if (e) (void)DMDestroy(&dm);
  NAVOX_CALL(e);
  return dm;
}

void release_space(Elasticity::CoarseSpace& space) {
  if (space.interpolation) (void)MatDestroy(&space.interpolation);
  if (space.near) (void)MatNullSpaceDestroy(&space.near);
  if (space.work) (void)VecDestroy(&space.work);
  if (space.free) (void)VecDestroy(&space.free);
  if (space.p) (void)MatDestroy(&space.p);
  if (space.dm) (void)DMDestroy(&space.dm);
}

} // namespace

void Elasticity::release_coarse_space() {
  release_space(eighth_);
  release_space(quarter_);
  release_space(coarse_);
}

void Elasticity::build_space(CoarseSpace& space, DM finer, PetscInt factor) {
  NAVOX_CALL(DMCoarsen(finer, grid_.comm(), &space.dm));
  // The mask: a coarse DOF is held where its vertex-grid node (factor × (I, J, K)) is.
  NAVOX_CALL(DMCreateGlobalVector(space.dm, &space.free));
  NAVOX_CALL(VecDuplicate(space.free, &space.work));
  PetscScalar**** m = nullptr;
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(space.dm, &xs, &ys, &zs, &xm, &ym, &zm));
  NAVOX_CALL(DMDAVecGetArrayDOF(space.dm, space.free, &m));
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i)
        for (int c = 0; c < 3; ++c) m[k][j][i][c] = fixed(factor * i, factor * j, factor * k, c) ? 0.0 : 1.0;
  NAVOX_CALL(DMDAVecRestoreArrayDOF(space.dm, space.free, &m));
  const VectorSizes fine = dmda_vector_sizes(finer), coarse = dmda_vector_sizes(space.dm);
  NAVOX_CALL(MatCreateShell(grid_.comm(), fine.local, coarse.local, fine.global, coarse.global, &space,
                            &space.interpolation));
  NAVOX_CALL(MatShellSetOperation(space.interpolation, MATOP_MULT, (void (*)(void))interpolate_to_fine));
  NAVOX_CALL(MatShellSetOperation(space.interpolation, MATOP_MULT_ADD, (void (*)(void))interpolate_add));
  NAVOX_CALL(MatShellSetOperation(space.interpolation, MATOP_MULT_TRANSPOSE, (void (*)(void))restrict_to_coarse));
  NAVOX_CALL(MatShellSetOperation(space.interpolation, MATOP_MULT_TRANSPOSE_ADD, (void (*)(void))restrict_add));
}

MatNullSpace Elasticity::rigid_body_modes(CoarseSpace& space) {
  // Only the level GAMG takes needs them: on the grid halved under three levels the six
  // vectors and the nodes' coordinates would hold ~70 B per node of it for nothing.
  if (!space.near) {
    set_node_coordinates(space.dm);
    Vec coords = nullptr;
    NAVOX_CALL(DMGetCoordinates(space.dm, &coords));
    NAVOX_CALL(MatNullSpaceCreateRigidBody(coords, &space.near));
  }
  return space.near;
}

void Elasticity::build_coarse_space() {
  try {
    build_space(coarse_, vdm_, 2);
  } catch (...) {
    release_coarse_space(); // the next set-up starts again from nothing
    throw;
  }
}

/// The labels' DMDA with ghosts two voxels wide: a coarse element's fine nodes reach one
/// node past the rank's own, and their weights one voxel further. Made for each set-up of
/// the levels and destroyed after it: kept, it and its two vectors held ~25 % of the
/// grid halved's operator (docs/performance.md, "The elastic solve's memory").
DM Elasticity::wide_labels_dm(PetscInt width) const { return box_dm_like(grid_.scalar_dm(), 1, width); }

void Elasticity::build_deeper_space(CoarseSpace& space, DM finer, PetscInt factor) {
  try {
    build_space(space, finer, factor);
  } catch (...) {
    release_coarse_space(); // the next set-up starts again from nothing
    throw;
  }
}

namespace {

/// The global rows owned here of a coarse space's held DOFs (0 in its mask `free`), ascending.
std::vector<PetscInt> held_rows(Vec free) {
  std::vector<PetscInt> held;
  const PetscScalar* f = nullptr;
  PetscInt lo = 0, hi = 0;
  NAVOX_CALL(VecGetOwnershipRange(free, &lo, &hi));
  NAVOX_CALL(VecGetArrayRead(free, &f));
  for (PetscInt r = lo; r < hi; ++r)
    if (f[r - lo] == 0.0) held.push_back(r);
  NAVOX_CALL(VecRestoreArrayRead(free, &f));
  return held;
}

/// An element's 24 × 24 block added to a matrix whose rows may belong to other ranks,
/// the same sums in the same order in every run: rows owned here at once (ADD_VALUES),
/// the others kept, in the order given, and sent to their owners by exchange(), which
/// adds them there by sender rank and then each sender's in its order. Collective
/// (exchange).
class OffRankRows {
public:
  explicit OffRankRows(Mat m) : m_(m) {
    NAVOX_CALL(MatGetOwnershipRanges(m, &ranges_));
    NAVOX_CALL(MatGetOwnershipRange(m, &lo_, &hi_));
    MPI_Comm_size(PetscObjectComm(reinterpret_cast<PetscObject>(m)), &size_);
    rows_.resize(std::size_t(size_));
    values_.resize(std::size_t(size_));
  }
  void add(const PetscInt (&rows)[24], const double* ke) {
    PetscInt local[24];
    for (int r = 0; r < 24; ++r) {
      const bool mine = rows[r] >= lo_ && rows[r] < hi_;
      local[r] = mine ? rows[r] : -1; // a negative row: PETSc leaves it out
      if (mine) continue;
      const auto owner = std::size_t(std::upper_bound(ranges_, ranges_ + size_ + 1, rows[r]) - ranges_ - 1);
      rows_[owner].push_back(rows[r]);
      rows_[owner].insert(rows_[owner].end(), rows, rows + 24);
      values_[owner].insert(values_[owner].end(), ke + 24 * r, ke + 24 * r + 24);
    }
    NAVOX_CALL(MatSetValues(m_, 24, local, 24, rows, ke, ADD_VALUES));
  }
  void exchange() {
    MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(m_));
    const auto ranks = std::size_t(size_);
    std::vector<int> send(ranks), recv(ranks);
    for (std::size_t q = 0; q < send.size(); ++q) send[q] = int(values_[q].size() / 24);
    MPI_Alltoall(send.data(), 1, MPI_INT, recv.data(), 1, MPI_INT, comm);
    // Row entries: 25 indices (the row, its 24 columns) and 24 values each; counts and
    // offsets per rank for `width` numbers an entry, and the total.
    auto layout = [](const std::vector<int>& entries, int width, std::vector<int>& counts,
                     std::vector<int>& offsets) {
      counts.resize(entries.size());
      offsets.resize(entries.size());
      int total = 0;
      for (std::size_t q = 0; q < entries.size(); ++q) {
        counts[q] = entries[q] * width;
        offsets[q] = total;
        total += counts[q];
      }
      return std::size_t(total);
    };
    std::vector<PetscInt> out_rows, in_rows;
    std::vector<double> out_values, in_values;
    for (std::size_t q = 0; q < ranks; ++q) {
      out_rows.insert(out_rows.end(), rows_[q].begin(), rows_[q].end());
      out_values.insert(out_values.end(), values_[q].begin(), values_[q].end());
    }
    std::vector<int> sc, so, rc, ro;
    layout(send, 25, sc, so);
    in_rows.resize(layout(recv, 25, rc, ro));
    MPI_Alltoallv(out_rows.data(), sc.data(), so.data(), MPIU_INT, in_rows.data(), rc.data(), ro.data(), MPIU_INT,
                  comm);
    layout(send, 24, sc, so);
    in_values.resize(layout(recv, 24, rc, ro));
    MPI_Alltoallv(out_values.data(), sc.data(), so.data(), MPI_DOUBLE, in_values.data(), rc.data(), ro.data(),
                  MPI_DOUBLE, comm);
    for (std::size_t e = 0; e < in_values.size() / 24; ++e) // by sender rank, then its order
      NAVOX_CALL(MatSetValues(m_, 1, &in_rows[25 * e], 24, &in_rows[25 * e + 1], &in_values[24 * e], ADD_VALUES));
    NAVOX_CALL(MatSetOption(m_, MAT_NO_OFF_PROC_ENTRIES, PETSC_TRUE));
  }

private:
  Mat m_;
  const PetscInt* ranges_ = nullptr;
  PetscInt lo_ = 0, hi_ = 0;
  int size_ = 1;
  std::vector<std::vector<PetscInt>> rows_; ///< per owner: the row, then its 24 columns
  std::vector<std::vector<double>> values_; ///< per owner: the row's 24 values
};

} // namespace

namespace {

/// w[b][a] of child c's fine node b and the element's coarse node a, from each node's
/// weights along the axes (nodes: the 27 of the element, (px, py, pz) in 0..2).
void child_weights(int child, const NodeWeights* nodes, double (&w)[8][8]) {
  for (int b = 0; b < 8; ++b) {
    int p[3];
    for (int axis = 0; axis < 3; ++axis) p[axis] = ((child >> axis) & 1) + ((b >> axis) & 1);
    const NodeWeights& nw = nodes[p[0] + 3 * p[1] + 9 * p[2]];
    for (int a = 0; a < 8; ++a) {
      double v = 1;
      for (int axis = 0; axis < 3; ++axis) v *= axis_weight(p[axis], (a >> axis) & 1, nw.lo[axis], nw.hi[axis]);
      w[b][a] = v;
    }
  }
}

} // namespace

std::vector<physics::HexElasticity::Stiffness> Elasticity::trilinear_children() const {
  // Q_c^T K_m Q_c for every child position and material with the trilinear weights, scaled
  // as the fine system: the elements whose 27 fine nodes all have them.
  const std::size_t nm = stiffness_.size();
  NodeWeights trilinear[27];
  for (int q = 0; q < 27; ++q)
    for (int axis = 0; axis < 3; ++axis) {
      const int p = axis == 0 ? q % 3 : axis == 1 ? (q / 3) % 3 : q / 9;
      trilinear[q].lo[axis] = p == 1 ? 0.5 : 1.0;
      trilinear[q].hi[axis] = p == 1 ? 0.5 : 0.0;
    }
  std::vector<Hex::Stiffness> g(8 * nm);
  for (int c = 0; c < 8; ++c) {
    double w[8][8];
    child_weights(c, trilinear, w);
    for (std::size_t m = 0; m < nm; ++m) {
      g[std::size_t(c) * nm + m] = child_galerkin(stiffness_[m], w);
      for (double& v : g[std::size_t(c) * nm + m]) v *= scale_;
    }
  }
  return g;
}

void Elasticity::half_element(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g,
                              std::int64_t i, std::int64_t j, std::int64_t k, Hex::Stiffness& ke,
                              bool (&held)[24]) const {
  const GridSpec& spec = grid_.spec();
  const bool periodic = spec.periodic_lateral;
  const std::size_t nm = stiffness_.size();
  ke.fill(0.0);
  NodeWeights nodes[27];
  bool standard = true;
  for (int q = 0; q < 27; ++q) {
    nodes[q] = node_weights(wide, modulus_, spec.dims, periodic, PetscInt(i) + q % 3, PetscInt(j) + (q / 3) % 3,
                            PetscInt(k) + q / 9);
    standard = standard && nodes[q].trilinear();
  }
  for (int c = 0; c < 8; ++c) {
    // From the wide labels: half_stencil's elements around the block reach past lab_'s ghosts.
    const int m = int(wide[k + ((c >> 2) & 1)][j + ((c >> 1) & 1)][i + (c & 1)]);
    if (standard) {
      const auto& gc = g[std::size_t(c) * nm + std::size_t(m)];
      for (std::size_t n = 0; n < ke.size(); ++n) ke[n] += gc[n];
      continue;
    }
    double w[8][8];
    child_weights(c, nodes, w);
    const Hex::Stiffness gc = child_galerkin(stiffness_[std::size_t(m)], w);
    for (std::size_t n = 0; n < ke.size(); ++n) ke[n] += gc[n] * scale_;
  }
  held_dofs(2, i / 2, j / 2, k / 2, held);
  for (int r = 0; r < 24; ++r)
    for (int col = 0; col < 24; ++col)
      if (held[r] || held[col]) ke[std::size_t(r * 24 + col)] = 0.0;
}

void Elasticity::held_dofs(PetscInt factor, std::int64_t i, std::int64_t j, std::int64_t k, bool (&held)[24]) const {
  const GridSpec& spec = grid_.spec();
  for (int a = 0; a < 8; ++a) {
    std::int64_t node[3] = {factor * (i + (a & 1)), factor * (j + ((a >> 1) & 1)), factor * (k + ((a >> 2) & 1))};
    if (spec.periodic_lateral)
      for (std::size_t axis = 0; axis < 2; ++axis) node[axis] %= spec.dims[axis];
    for (int c = 0; c < 3; ++c) held[3 * a + c] = fixed(PetscInt(node[0]), PetscInt(node[1]), PetscInt(node[2]), c);
  }
}

namespace {

/// The first even index at or above `lo`: the first coarse element whose first child a
/// rank owning voxels from `lo` sums.
std::int64_t first_even(std::int64_t lo) { return lo + (lo & 1); }

/// The global rows of the 24 DOFs of the coarse element with first node (I, J, K) of a
/// vertex-like DMDA (`numbering`), wrapping periodic axes.
void element_rows(const DmdaNumbering& numbering, bool periodic, PetscInt I, PetscInt J, PetscInt K,
                  PetscInt (&rows)[24]) {
  for (int a = 0; a < 8; ++a) {
    PetscInt node[3] = {I + (a & 1), J + ((a >> 1) & 1), K + ((a >> 2) & 1)};
    if (periodic)
      for (int axis = 0; axis < 2; ++axis) node[axis] %= numbering.nodes(axis);
    for (int c = 0; c < 3; ++c) rows[3 * a + c] = numbering.row(node[0], node[1], node[2], c);
  }
}

} // namespace

Mat Elasticity::coarse_operator(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g) const {
  DM coarse_dm = coarse_.dm;
  Mat coarse = nullptr;
  // Under three levels the grid halved's operator is only smoothed (products and point
  // blocks): stored by 3 × 3 blocks, a column index per block rather than per entry
  // (30 % less; docs/performance.md, "The elastic solve's memory"). GAMG on it (two
  // levels) takes AIJ.
  NAVOX_CALL(DMSetMatType(coarse_dm, three_levels_ ? MATBAIJ : MATAIJ));
  NAVOX_CALL(DMSetMatrixPreallocateOnly(coarse_dm, PETSC_TRUE));
  NAVOX_CALL(DMCreateMatrix(coarse_dm, &coarse));
  // A DMDA's matrix expects each MatSetValues call to bring whole sorted rows
  // (MAT_SORTED_FULL: values are stored by position, the column indices unread); an
  // element brings parts of rows.
  NAVOX_CALL(MatSetOption(coarse, MAT_SORTED_FULL, PETSC_FALSE));
  try {
    const DmdaNumbering numbering(coarse_dm);
    const bool periodic = grid_.spec().periodic_lateral;
    // Each coarse element is summed by the rank owning its first child (2I, 2J, 2K); its
    // other children are owned or ghost voxels (the labels' box stencil of width 1).
    // Its rows owned here are added at once; the others are sent to their owners, which
    // add them after their own, by sender rank (OffRankRows): PETSc's stash would add them
    // in the order the messages arrive, and a row summed from three or more ranks then
    // differed in its last bits from run to run (and so did every elastic result).
    OffRankRows others(coarse);
    const Box b = grid_.owned();
    PetscInt rows[24];
    Hex::Stiffness ke;
    bool held[24];
    for (auto k = first_even(b.lo[2]); k < b.hi(2); k += 2)
      for (auto j = first_even(b.lo[1]); j < b.hi(1); j += 2)
        for (auto i = first_even(b.lo[0]); i < b.hi(0); i += 2) {
          half_element(wide, g, i, j, k, ke, held);
          element_rows(numbering, periodic, PetscInt(i / 2), PetscInt(j / 2), PetscInt(k / 2), rows);
          others.add(rows, ke.data());
        }
    others.exchange();
    // A unit diagonal on the held coarse DOFs, once each, by their owners.
    for (const PetscInt r : held_rows(coarse_.free)) NAVOX_CALL(MatSetValue(coarse, r, r, 1.0, ADD_VALUES));
    NAVOX_CALL(MatAssemblyBegin(coarse, MAT_FINAL_ASSEMBLY));
    NAVOX_CALL(MatAssemblyEnd(coarse, MAT_FINAL_ASSEMBLY));
    NAVOX_CALL(MatSetOption(coarse, MAT_SYMMETRIC, PETSC_TRUE));
    // PETSc 3.18's MPIBAIJ refuses MAT_SPD (the option's only use here, Chebyshev's choice
    // of CG for its eigenvalue estimate, is an option default in set_up_two_levels).
    if (!three_levels_) {
      NAVOX_CALL(MatSetBlockSize(coarse, 3));
      NAVOX_CALL(MatSetOption(coarse, MAT_SPD, PETSC_TRUE));
    }
  } catch (...) {
    (void)MatDestroy(&coarse);
    throw;
  }
  return coarse;
}

namespace {

/// Each owned node's weights (lo[3], hi[3]) of a coarse space's rows (build_interpolation)
/// on the DMDA `like`, with ghosts `width` nodes wide, for the element-by-element products.
/// Collective.
class GhostedWeights {
public:
  GhostedWeights(DM like, const std::vector<double>& weights, PetscInt width, MPI_Comm comm) {
    Vec global = nullptr;
    try {
      dm_ = box_dm_like(like, 6, width);
      NAVOX_CALL(DMCreateGlobalVector(dm_, &global));
      // Local checks agreed on by every rank (collectively) before the next collective call.
      collectively(comm, [&] {
        PetscInt n = 0;
        NAVOX_CALL(VecGetLocalSize(global, &n));
        if (std::size_t(n) != weights.size())
          throw Error("a coarse grid's weights: " + std::to_string(weights.size()) + " for " + std::to_string(n) +
                      " values");
        PetscScalar* a = nullptr;
        NAVOX_CALL(VecGetArray(global, &a));
        std::copy(weights.begin(), weights.end(), a);
        NAVOX_CALL(VecRestoreArray(global, &a));
      });
      NAVOX_CALL(DMCreateLocalVector(dm_, &local_));
      NAVOX_CALL(DMGlobalToLocalBegin(dm_, global, INSERT_VALUES, local_));
      NAVOX_CALL(DMGlobalToLocalEnd(dm_, global, INSERT_VALUES, local_));
      NAVOX_CALL(VecDestroy(&global));
      NAVOX_CALL(DMDAGetGhostCorners(dm_, &gs_[0], &gs_[1], &gs_[2], &gm_[0], &gm_[1], &gm_[2]));
      NAVOX_CALL(DMDAVecGetArrayDOFRead(dm_, local_, &w_));
    } catch (...) {
      if (global) (void)VecDestroy(&global);
      release();
      throw;
    }
  }
  ~GhostedWeights() { release(); }
  GhostedWeights(const GhostedWeights&) = delete;
  GhostedWeights& operator=(const GhostedWeights&) = delete;
  /// The weights of the 27 nodes of the element with first node `first` (x fastest).
  void element(const std::int64_t (&first)[3], NodeWeights (&nodes)[27]) const {
    for (int n = 0; n < 27; ++n) {
      const std::int64_t at[3] = {first[0] + n % 3, first[1] + (n / 3) % 3, first[2] + n / 9};
      for (int a = 0; a < 3; ++a)
        if (at[a] < gs_[a] || at[a] >= gs_[a] + gm_[a])
          throw Error("a coarse grid's operator: a node outside its weights' ghosts");
      const PetscScalar* nw = w_[at[2]][at[1]][at[0]];
      for (int a = 0; a < 3; ++a) {
        nodes[n].lo[a] = nw[a];
        nodes[n].hi[a] = nw[3 + a];
      }
    }
  }

private:
  void release() {
    if (w_) (void)DMDAVecRestoreArrayDOFRead(dm_, local_, &w_);
    if (local_) (void)VecDestroy(&local_);
    if (dm_) (void)DMDestroy(&dm_);
    w_ = nullptr;
  }
  DM dm_ = nullptr;
  Vec local_ = nullptr;
  const PetscScalar* const* const* const* w_ = nullptr;
  PetscInt gs_[3] = {0, 0, 0}, gm_[3] = {0, 0, 0};
};

} // namespace

Mat Elasticity::deep_operator(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g,
                              const std::vector<double>& p2, const std::vector<double>* p3) const {
  // P2~^T A_half P2~ element by element, as the grid halved's from the vertex grid: A_half
  // is the sum of its elements' K_E, and an element E of the grid halved lies in one
  // element Q of the grid quartered, whose 8 nodes alone its nodes interpolate from (P2's
  // weights). So
  // \f[ A_{quarter} = \sum_Q \sum_{E \subset Q} W_E^T K_E W_E, \f]
  // W_E those weights, the held DOFs' rows and columns removed and a unit diagonal on
  // them (a held DOF of the grid halved interpolates from held ones only, so K_E's zero
  // rows for them are P~'s). The grid eighthed's the same once more: an element Q lies in
  // one element O of it, and K_Q (the sum above, held DOFs removed) takes P3's weights.
  // PETSc's product needed A_half as AIJ, and kept its symbolic work with the result.
  const bool periodic = grid_.spec().periodic_lateral;
  const CoarseSpace& target = p3 ? eighth_ : quarter_;
  Mat result = nullptr;
  try {
    // The weights with ghosts two nodes wide: an element Q of an element E summed here
    // reaches one node below the rank's first node of the grid halved and two past its
    // last; an element O of a Q the same on the grid quartered.
    const GhostedWeights w2(coarse_.dm, p2, 2, grid_.comm());
    std::unique_ptr<GhostedWeights> w3;
    if (p3) w3 = std::make_unique<GhostedWeights>(quarter_.dm, *p3, 2, grid_.comm());
    NAVOX_CALL(DMSetMatType(target.dm, MATAIJ));
    NAVOX_CALL(DMSetMatrixPreallocateOnly(target.dm, PETSC_TRUE));
    NAVOX_CALL(DMCreateMatrix(target.dm, &result));
    NAVOX_CALL(MatSetOption(result, MAT_SORTED_FULL, PETSC_FALSE));
    const DmdaNumbering numbering(target.dm);
    OffRankRows others(result);
    const Box b = grid_.owned();
    // The elements E summed here (first child an even voxel owned here), the elements Q
    // they lie in and the elements O those lie in: index ranges along each axis.
    std::int64_t e_lo[3], e_hi[3], q_lo[3], q_hi[3], o_lo[3], o_hi[3];
    for (int a = 0; a < 3; ++a) {
      e_lo[a] = first_even(b.lo[std::size_t(a)]) / 2;
      e_hi[a] = (b.hi(a) + 1) / 2; // E < e_hi: 2E < hi
      q_lo[a] = e_lo[a] / 2;
      q_hi[a] = e_hi[a] > e_lo[a] ? (e_hi[a] - 1) / 2 + 1 : q_lo[a];
      o_lo[a] = q_lo[a] / 2;
      o_hi[a] = q_hi[a] > q_lo[a] ? (q_hi[a] - 1) / 2 + 1 : o_lo[a];
    }
    // K_Q from this rank's elements E in Q, held DOFs removed; false where it has none.
    Hex::Stiffness ke;
    bool held[24];
    auto quarter_element = [&](const std::int64_t (&q)[3], Hex::Stiffness& kq) {
      for (int a = 0; a < 3; ++a)
        if (q[a] < q_lo[a] || q[a] >= q_hi[a]) return false;
      NodeWeights nodes[27];
      w2.element({2 * q[0], 2 * q[1], 2 * q[2]}, nodes);
      kq.fill(0.0);
      bool any = false;
      for (int c = 0; c < 8; ++c) {
        const std::int64_t e[3] = {2 * q[0] + (c & 1), 2 * q[1] + ((c >> 1) & 1), 2 * q[2] + ((c >> 2) & 1)};
        bool mine = true;
        for (int a = 0; a < 3; ++a) mine = mine && e[a] >= e_lo[a] && e[a] < e_hi[a];
        if (!mine) continue;
        any = true;
        half_element(wide, g, 2 * e[0], 2 * e[1], 2 * e[2], ke, held);
        double wc[8][8];
        child_weights(c, nodes, wc);
        const Hex::Stiffness gc = child_galerkin(ke, wc);
        for (std::size_t n = 0; n < kq.size(); ++n) kq[n] += gc[n];
      }
      if (!any) return false;
      held_dofs(4, q[0], q[1], q[2], held);
      for (int r = 0; r < 24; ++r)
        for (int col = 0; col < 24; ++col)
          if (held[r] || held[col]) kq[std::size_t(r * 24 + col)] = 0.0;
      return true;
    };
    auto add = [&](const std::int64_t (&first)[3], PetscInt factor, Hex::Stiffness& k) {
      held_dofs(factor, first[0], first[1], first[2], held);
      for (int r = 0; r < 24; ++r)
        for (int col = 0; col < 24; ++col)
          if (held[r] || held[col]) k[std::size_t(r * 24 + col)] = 0.0;
      PetscInt rows[24];
      element_rows(numbering, periodic, PetscInt(first[0]), PetscInt(first[1]), PetscInt(first[2]), rows);
      others.add(rows, k.data());
    };
    collectively(grid_.comm(), [&] {
      Hex::Stiffness kq, ko;
      if (!p3) {
        for (auto k = q_lo[2]; k < q_hi[2]; ++k)
          for (auto j = q_lo[1]; j < q_hi[1]; ++j)
            for (auto i = q_lo[0]; i < q_hi[0]; ++i)
              if (quarter_element({i, j, k}, kq)) add({i, j, k}, 4, kq);
        return;
      }
      for (auto k = o_lo[2]; k < o_hi[2]; ++k)
        for (auto j = o_lo[1]; j < o_hi[1]; ++j)
          for (auto i = o_lo[0]; i < o_hi[0]; ++i) {
            NodeWeights nodes[27];
            w3->element({2 * i, 2 * j, 2 * k}, nodes);
            ko.fill(0.0);
            bool any = false;
            for (int c = 0; c < 8; ++c) {
              if (!quarter_element({2 * i + (c & 1), 2 * j + ((c >> 1) & 1), 2 * k + ((c >> 2) & 1)}, kq)) continue;
              any = true;
              double wc[8][8];
              child_weights(c, nodes, wc);
              const Hex::Stiffness gc = child_galerkin(kq, wc);
              for (std::size_t n = 0; n < ko.size(); ++n) ko[n] += gc[n];
            }
            if (any) add({i, j, k}, 8, ko);
          }
    });
    others.exchange();
    for (const PetscInt r : held_rows(target.free)) NAVOX_CALL(MatSetValue(result, r, r, 1.0, ADD_VALUES));
    NAVOX_CALL(MatAssemblyBegin(result, MAT_FINAL_ASSEMBLY));
    NAVOX_CALL(MatAssemblyEnd(result, MAT_FINAL_ASSEMBLY));
    NAVOX_CALL(MatSetBlockSize(result, 3));
    NAVOX_CALL(MatSetOption(result, MAT_SYMMETRIC, PETSC_TRUE));
    NAVOX_CALL(MatSetOption(result, MAT_SPD, PETSC_TRUE));
  } catch (...) {
    if (result) (void)MatDestroy(&result);
    throw;
  }
  return result;
}

namespace {

/// `-displacement_half_precision single|double` (three levels): the grid halved's operator
/// kept in single precision (the default) or assembled in double.
bool half_in_single_precision() {
  char value[16] = "";
  PetscBool given = PETSC_FALSE;
  NAVOX_CALL(PetscOptionsGetString(nullptr, "displacement_", "-half_precision", value, sizeof value, &given));
  const std::string v = value;
  if (given && v != "single" && v != "double")
    throw CollectiveError("-displacement_half_precision " + v + ": single or double");
  return !given || v == "single";
}

} // namespace

void Elasticity::set_up_two_levels(Vec labels) {
  PC pc = multigrid_pc();
  if (!coarse_.dm) {
    build_coarse_space();
    // The grid quartered too (docs/performance.md, "The grid quartered"): where it
    // quarters on these ranks and the grid halved is big enough for GAMG's set-up on it
    // to cost more than the level it adds; and then the grid eighthed wherever it halves
    // a third time ("The grid eighthed": less memory and fewer iterations from 64³ on).
    // Or as the user says.
    PetscInt asked = 0;
    PetscBool given = PETSC_FALSE;
    NAVOX_CALL(PetscOptionsGetInt(nullptr, "displacement_", "-geometric_levels", &asked, &given));
    if (given && (asked < 2 || asked > 4))
      throw CollectiveError("-displacement_geometric_levels " + std::to_string(asked) + ": 2, 3 or 4");
    const VertexHierarchy h = vertex_mg_hierarchy(grid_, vdm_, 3, 0);
    if (given && h.levels < asked)
      throw CollectiveError("-displacement_geometric_levels " + std::to_string(asked) + ": the grid does not halve " +
                            std::to_string(asked - 1) + " times on these ranks (voxel counts divisible by " +
                            std::to_string(1 << (asked - 1)) + ", at least 2 nodes per rank along each axis on the " +
                            "coarsest grid)");
    PetscInt half_nodes = 0;
    NAVOX_CALL(VecGetSize(coarse_.free, &half_nodes));
    three_levels_ = given ? asked >= 3 : h.levels >= 3 && half_nodes / 3 >= kThirdLevelNodes;
    if (three_levels_) build_deeper_space(quarter_, coarse_.dm, 4);
    four_levels_ = three_levels_ && (given ? asked >= 4 : h.levels >= 4);
    if (four_levels_) build_deeper_space(eighth_, quarter_.dm, 8);
  }
  const PetscInt levels = four_levels_ ? 4 : three_levels_ ? 3 : 2;
  // The finest level has no matrix: its smoother may ask for products, the diagonal and
  // the point blocks only. Said up front, on every rank, rather than as PETSc's error at
  // the first solve.
  // Under three or four levels in single precision the grid halved (and quartered) has
  // none either.
  auto level_option = [](PetscInt l) { return "-mg_levels_" + std::to_string(l) + "_pc_type"; };
  std::vector<std::string> shell_levels = {"-mg_levels_pc_type", level_option(levels - 1)};
  const bool single_half = three_levels_ && half_in_single_precision();
  if (single_half)
    for (PetscInt l = 1; l < levels - 1; ++l) shell_levels.push_back(level_option(l));
  for (const std::string& option : shell_levels) {
    char type[64] = "";
    PetscBool given = PETSC_FALSE;
    NAVOX_CALL(PetscOptionsGetString(nullptr, "displacement_", option.c_str(), type, sizeof type, &given));
    const std::string t = type;
    if (given && t != PCPBJACOBI && t != PCJACOBI && t != PCNONE)
      throw CollectiveError("-displacement_" + option.substr(1) + " " + t +
                            ": the default levels smooth the vertex grid (and, under three or four, the grids "
                            "halved and quartered) without an assembled matrix (pbjacobi, jacobi or none); "
                            "-displacement_half_precision double assembles theirs, -displacement_pc_type gamg or mg "
                            "the whole grid's");
  }
  Mat coarse = nullptr, quarter = nullptr, eighth = nullptr;
  {
    Vec wide_global = nullptr, wide_local = nullptr;
    const PetscScalar*** wide = nullptr;
    DM wide_dm = nullptr;
    try {
      wide_dm = wide_labels_dm(single_half ? half_stencil_label_width() : 2);
      NAVOX_CALL(DMGetGlobalVector(wide_dm, &wide_global));
      NAVOX_CALL(VecCopy(labels, wide_global)); // the same layout as grid.scalar_dm()'s
      NAVOX_CALL(DMGetLocalVector(wide_dm, &wide_local));
      NAVOX_CALL(DMGlobalToLocalBegin(wide_dm, wide_global, INSERT_VALUES, wide_local));
      NAVOX_CALL(DMGlobalToLocalEnd(wide_dm, wide_global, INSERT_VALUES, wide_local));
      NAVOX_CALL(DMDAVecGetArrayRead(wide_dm, wide_local, &wide));
      build_interpolation(wide, nullptr, vdm_, coarse_, 1);
      const std::vector<Hex::Stiffness> g = trilinear_children(); // for both levels' elements
      // Under three levels the grid halved's operator is only smoothed: in single
      // precision without an assembled matrix unless asked (single_block_stencil.hpp).
      std::vector<double> sides; // its couplings for P2's weights, from half_stencil
      coarse = single_half ? half_stencil(wide, g, sides) : coarse_operator(wide, g);
      if (three_levels_) {
        std::vector<double> p2; // P2's weights, for the element-by-element products
        build_interpolation(nullptr, single_half ? nullptr : coarse, coarse_.dm, quarter_, 2, &p2, &sides);
        quarter = deep_operator(wide, g, p2);
        if (four_levels_) {
          // P3's weights from the grid quartered's couplings, the grid eighthed's operator
          // from the same elements, and then the grid quartered, only smoothed from here
          // on, in single precision unless asked (its AIJ freed before GAMG's set-up).
          std::vector<double> p3;
          build_interpolation(nullptr, quarter, quarter_.dm, eighth_, 4, &p3);
          eighth = deep_operator(wide, g, p2, &p3);
          if (single_half) {
            Mat stencil = single_block_stencil_of(quarter, quarter_.dm);
            NAVOX_CALL(MatDestroy(&quarter));
            quarter = stencil;
          }
        }
      }
    } catch (...) {
      if (eighth) (void)MatDestroy(&eighth);
      if (quarter) (void)MatDestroy(&quarter);
      if (coarse) (void)MatDestroy(&coarse);
      if (wide) (void)DMDAVecRestoreArrayRead(wide_dm, wide_local, &wide);
      if (wide_local) (void)DMRestoreLocalVector(wide_dm, &wide_local);
      if (wide_global) (void)DMRestoreGlobalVector(wide_dm, &wide_global);
      if (wide_dm) (void)DMDestroy(&wide_dm);
      throw;
    }
    NAVOX_CALL(DMDAVecRestoreArrayRead(wide_dm, wide_local, &wide));
    NAVOX_CALL(DMRestoreLocalVector(wide_dm, &wide_local));
    NAVOX_CALL(DMRestoreGlobalVector(wide_dm, &wide_global));
    NAVOX_CALL(DMDestroy(&wide_dm)); // with the two vectors it kept
  }
  try {
    // By level, coarsest first: the operator GAMG takes, then the smoothed ones (the
    // vertex grid's, the outer operator, last and not named here).
    const std::vector<Mat> operators = four_levels_    ? std::vector<Mat>{eighth, quarter, coarse}
                                       : three_levels_ ? std::vector<Mat>{quarter, coarse}
                                                       : std::vector<Mat>{coarse};
    const std::vector<CoarseSpace*> spaces = four_levels_    ? std::vector<CoarseSpace*>{&eighth_, &quarter_, &coarse_}
                                             : three_levels_ ? std::vector<CoarseSpace*>{&quarter_, &coarse_}
                                                             : std::vector<CoarseSpace*>{&coarse_};
    Mat gamg_on = operators[0];
    NAVOX_CALL(MatSetNearNullSpace(gamg_on, rigid_body_modes(*spaces[0])));
    NAVOX_CALL(PCSetType(pc, PCMG));
    NAVOX_CALL(PCMGSetLevels(pc, levels, nullptr));
    NAVOX_CALL(PCMGSetGalerkin(pc, PC_MG_GALERKIN_NONE));
    // W-cycles: each level's correction from two cycles of the levels below it instead
    // of one. Under V-cycles the CG's iterations grew as the same solid was refined (the
    // bench pellet with each voxel split into 1, 8, 64: 24, 27, 32 iterations; W: 24, 17,
    // 19) for ~20 % more time a cycle, spent on the grid halved; the coarser levels' and
    // the coarse GAMG's extra visits (4 and 8 a cycle under four levels) cost little here
    // (docs/performance.md, "W-cycles"). With two levels a second coarse solve would
    // repeat the first. `-displacement_pc_mg_cycle_type v` takes V-cycles back.
    if (levels >= 3) NAVOX_CALL(PCMGSetCycleType(pc, PC_MG_CYCLE_W));
    // Level l's interpolation from level l - 1: the shell P~ of level l - 1's space.
    for (PetscInt l = 1; l < levels; ++l) NAVOX_CALL(PCMGSetInterpolation(pc, l, spaces[std::size_t(l - 1)]->interpolation));
    // Chebyshev on point-block Jacobi: on the vertex grid and the grids halved and
    // quartered in single precision by the shells' packed blocks
    // (symmetric_block_jacobi.hpp), on those assembled (-displacement_half_precision
    // double) by PETSc's.
    for (PetscInt l = 1; l < levels; ++l) {
      KSP smoother = nullptr;
      PC smoother_pc = nullptr;
      NAVOX_CALL(PCMGGetSmoother(pc, l, &smoother));
      if (l < levels - 1) NAVOX_CALL(KSPSetOperators(smoother, operators[std::size_t(l)], operators[std::size_t(l)]));
      NAVOX_CALL(KSPSetType(smoother, KSPCHEBYSHEV));
      NAVOX_CALL(KSPGetPC(smoother, &smoother_pc));
      if (l == levels - 1)
        NAVOX_CALL(set_symmetric_block_jacobi(smoother_pc, &block_inverse_));
      else if (single_half)
        NAVOX_CALL(set_symmetric_block_jacobi(smoother_pc, &single_block_stencil_inverse(operators[std::size_t(l)])));
      else
        NAVOX_CALL(PCSetType(smoother_pc, PCPBJACOBI));
    }
    KSP coarse_solve = nullptr;
    PC coarse_pc = nullptr;
    NAVOX_CALL(PCMGGetCoarseSolve(pc, &coarse_solve));
    NAVOX_CALL(KSPSetOperators(coarse_solve, gamg_on, gamg_on));
    NAVOX_CALL(KSPSetType(coarse_solve, KSPPREONLY));
    NAVOX_CALL(KSPGetPC(coarse_solve, &coarse_pc));
    NAVOX_CALL(PCSetType(coarse_pc, PCGAMG));
    // The coarse GAMG's own defaults, as for GAMG on the whole grid.
    set_option_default("displacement_", "mg_coarse_pc_gamg_threshold", "0.02");
    set_option_default("displacement_", "mg_coarse_mg_levels_ksp_chebyshev_esteig", "0,0.1,0,1.2");
    // The smoothers of the grids halved and quartered estimate by CG, as on an operator
    // marked SPD (coarse_operator).
    for (PetscInt l = 1; l < levels - 1; ++l)
      set_option_default("displacement_", "mg_levels_" + std::to_string(l) + "_esteig_ksp_type", "cg");
    mg_levels_ = 0;
  } catch (...) {
    if (eighth) (void)MatDestroy(&eighth);
    if (quarter) (void)MatDestroy(&quarter);
    (void)MatDestroy(&coarse);
    throw;
  }
  if (eighth) NAVOX_CALL(MatDestroy(&eighth)); // the KSPs hold them
  if (quarter) NAVOX_CALL(MatDestroy(&quarter));
  NAVOX_CALL(MatDestroy(&coarse));
  release_free_heap(); // the set-up's temporaries (P's rows, the weights' ghosted copy)
}

} // namespace navox
