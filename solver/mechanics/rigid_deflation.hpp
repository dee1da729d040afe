#pragma once
/// The rigid motions of the bodies that only the pressure plate holds, deflated from the
/// elastic solve's preconditioner (docs/model.md, "Elasticity"; docs/performance.md,
/// "After a collector lift: the plate's bodies deflated", "… and their rotations").
///
/// A collector lifted off the SE rests on Na, which is a load and not a stiffness here,
/// and on the gap's ersatz material (1e-6 of E): its translations and rotations are
/// near-null modes of the operator A. The multigrid does not resolve them (the
/// preconditioned operator of the 64³ bench pellet had four eigenvalues of 2.6e-5 to
/// 1.3e-4 beside a spectrum from 0.08 to 1), and CG spent 37 more iterations on them.
/// With Z those motions (per body three translations, 1 on one component of the body's
/// nodes, and three rotations e_r × (x − c) about the body's centroid c of its nodes),
/// E = Zᵀ A Z, Q = Z E⁻¹ Zᵀ and P = I − Q A, the balancing preconditioner
/// \f[ B = P\,M\,P^T + Q \f]
/// solves span Z exactly and leaves the multigrid M the rest: symmetric and positive
/// definite as M is, so CG keeps it, and the spectrum of B A is that of M A without the
/// modes in span Z (Mandel 1993, "Balancing domain decomposition", Commun. Numer. Meth.
/// Eng. 9; Tang, Nabben, Vuik, Erlangga 2009, "Comparison of two-level preconditioners
/// derived from deflation, domain decomposition and multigrid methods", J. Sci. Comput.
/// 39). The additive B = M + Q (tried first) lifted the four eigenvalues but put others
/// at 0.055 and 1.88: 39 iterations.
///
/// A body with nodes on both sides of a periodic seam (node 0 and node n − 1 along a
/// periodic axis) turns in coordinates unwrapped across the seam: its node indices past
/// the last index along that axis it leaves free are taken n lower, so that it lies in
/// one piece. A body that leaves no index free (a lifted collector that wraps around the
/// cell) has no rotation columns: it cannot turn in the cell. The centroid is the mean of
/// the body's (unwrapped) node indices summed as integers, the same on any partition.
/// A column that moves no free DOF (a rotation of a body held at its walls along that
/// axis still moves some) is left out by set_up.
///
/// Z is held as one small integer per owned DOF (the body, or −1: none, or a held DOF)
/// and the bodies' centroids (a rotation column is computed from the node's index), E as
/// its Cholesky factor. Setting up takes one operator product per column; applying
/// B, one application of M, two operator products (A Q x and A M Pᵀ x: A Z itself is
/// not kept, it has entries on every pore wall of a porous collector, +45 MB at 64³)
/// and two sums of k values over the ranks; one scratch vector.
#include <petscmat.h>

#include <array>
#include <cstdint>
#include <vector>

namespace navox {

class RigidDeflation {
public:
  /// The owned nodes of the operator's vertex grid: the first (i, j, k) and the counts
  /// along each axis, x fastest; the grid's node counts and spacing [m]; whether x and y
  /// are periodic.
  struct Nodes {
    std::array<PetscInt, 3> first{}, count{}, grid{};
    std::array<double, 3> spacing{1, 1, 1};
    bool periodic_lateral = false;
  };
  /// dof_body: per owned DOF of the operator's vectors (node-major over `nodes`, 3
  /// components) the body whose motions move it (0 … bodies − 1), −1 for none.
  /// Collective (the centroids and the seams are summed over the ranks).
  RigidDeflation(MPI_Comm comm, std::vector<std::int8_t> dof_body, int bodies, const Nodes& nodes);
  ~RigidDeflation();
  RigidDeflation(const RigidDeflation&) = delete;
  RigidDeflation& operator=(const RigidDeflation&) = delete;

  /// E = Zᵀ A Z by one product with `a` per column, factored; a column whose body
  /// moves no free DOF (E_jj = 0) is left out, and E not positive definite leaves
  /// nothing to deflate. Keeps `a` for apply(). Collective. Throws only std::bad_alloc
  /// (its callers in PETSc's callbacks catch it).
  PetscErrorCode set_up(Mat a);
  bool ready() const { return ready_; }
  /// y = B x with M applied by `m` (m(t, y): y = M t). Collective.
  template <class Apply> PetscErrorCode apply(Vec x, Vec y, Apply&& m) const {
    PetscFunctionBeginUser;
    std::vector<double> zx;
    PetscCall(project(x, y, zx)); // t = Pᵀ x, zx = Zᵀ x
    PetscCall(m(t_, y));
    PetscCall(correct(y, zx)); // y = P y + Q x
    PetscFunctionReturn(0);
  }
  /// The columns deflated (after set_up).
  int columns() const { return int(kept_.size()); }
  /// The bodies that turn (rotation columns: all but those that wrap around a periodic axis).
  int turning_bodies() const;

private:
  /// E⁻¹ c over the kept columns (c and the result of length k; 0 where not kept).
  std::vector<double> solve(const std::vector<double>& c) const;
  PetscErrorCode project(Vec x, Vec y, std::vector<double>& zx) const;
  PetscErrorCode sum_z(Vec x, std::vector<double>& zx) const; ///< Zᵀ x
  PetscErrorCode add_z(const std::vector<double>& s, Vec y) const; ///< y += Z s
  PetscErrorCode correct(Vec y, const std::vector<double>& zx) const;
  /// fn(d, arm) for each owned DOF d of a body, arm[r] = (e_r × (x − c))_{d mod 3} [in
  /// units of the cube root of a voxel's volume] for that body's rotation about axis r (0
  /// where the body does not turn).
  template <class Fn> void for_each_body_dof(Fn&& fn) const;
  /// fn(i, j, k, d) for each owned node, x fastest, d its first DOF.
  template <class Fn> void for_each_node(Fn&& fn) const;
  /// The body of the node whose first DOF is d, −1 for none.
  int node_body(std::size_t d) const;
  Mat a_ = nullptr;       ///< A (not owned)
  Vec t_ = nullptr;       ///< Pᵀ x, M's argument
  MPI_Comm comm_;
  std::vector<std::int8_t> dof_body_;
  Nodes nodes_;
  std::vector<std::array<double, 3>> centroid_; ///< per body, node indices
  std::vector<char> turns_;                     ///< per body: rotation columns
  /// Per body, along x and y: node indices above it are beyond a periodic seam (taken
  /// n lower); the node count n where none are.
  std::vector<std::array<PetscInt, 2>> cut_;
  /// A body's node (i, j) in its coordinates unwrapped across the seams.
  std::array<PetscInt, 2> unwrapped(int b, PetscInt i, PetscInt j) const;
  double h_ref_ = 1;                            ///< cube root of the voxel's volume [m]
  int k_ = 0;                    ///< 6 × bodies columns: translations x, y, z, rotations about x, y, z
  std::vector<int> kept_;        ///< the columns kept, in order
  std::vector<double> cholesky_; ///< L of E over the kept columns, row-major
  bool ready_ = false;
};

} // namespace navox
