#pragma once
/// Quasi-static small-strain linear elasticity of the SE and CC (MODEL.md §3.4;
/// docs/model.md, "Mechanics: elasticity of the SE and CC").
///
/// Trilinear hexahedra, one per voxel (physics/mechanics/hex_elasticity.hpp), on the
/// vertex grid: a DMDA of (nx+1)×(ny+1)×(nz+1) nodes (nx×ny×(nz+1), periodic in x
/// and y, when `periodic_lateral`), 3 DOF per node (field names `displacement_x/_y/_z`),
/// box stencil of width 1. Node i along an axis belongs to the rank owning voxel i
/// (the extra last node to the last rank), so every element of an owned node is an
/// owned or ghost voxel: each rank assembles its nodes' rows whole, with no
/// contributions sent to other ranks.
///
/// Materials from the labels: SE and CC voxels take their material's E and ν.
/// PORE and NA voxels (empty or holding Na) take the *ersatz material* of voxel FE
/// (E = kErsatz × the smallest E of the SE/CC materials present, ν = 0.3), so that
/// nodes touching only pores stay determined; it carries ~1e-6 of the load a solid
/// would. Na is not an elastic solid here: its pressure enters as a load on the
/// faces it shares with SE and CC (ElasticLoad::na_pressure); a Na surface facing an
/// empty pore is free. Loose SE and CC voxels (solver/mechanics/load_bearing.hpp: joined to
/// the support by no chain of face-sharing solid voxels, only by an edge, a corner, pores,
/// Na or the plate) take the ersatz material too, under the label ersatz_label().
///
/// Boundary conditions: u_z = 0 on z = 0 (the SE rests on the counter electrode);
/// rollers on the lateral faces (u_x = 0 on x-faces, u_y = 0 on y-faces), or, when
/// periodic laterally, u_x = u_y = 0 at node (0, 0, 0), which removes the two
/// lateral rigid translations (the only rigid motions a periodic cell on a z-support
/// has) and carries no force when the lateral loads sum to zero, as stack pressure
/// and Na pressure do. Top face: the pressure plate rests on the solid (SE or CC)
/// voxels of the top layer, so the load P A_xy is spread evenly over their top faces
/// (traction −P A_xy / A_solid e_z, consistent nodal forces of a quarter of each
/// face's share per face node; exact for a uniform traction on Q1 faces); an open
/// pore at the top takes none.
/// Dirichlet rows hold a unit diagonal and their columns zeros (explicit, the pattern
/// of a free node), keeping the matrix symmetric; the system is scaled by 1/(E_max h) so that unit
/// diagonal and element entries are of one order.
///
/// Solver: CG (options prefix `displacement_`) preconditioned, where the grid halves, by
/// two levels: the vertex grid (Chebyshev on point-block Jacobi) over GAMG on the
/// Galerkin operator of the grid halved. There the operator is not assembled: a MatShell
/// applies K node by node from the per-material K_e (elasticity_matrix_free.cpp: MatMult,
/// MatGetDiagonal and the nodes' 3×3 diagonal blocks for the smoother), and the grid
/// halved gets its Galerkin operator element by element (elasticity_two_levels.cpp); an
/// assembled matrix held 81 entries per row, ~2.9 KB per node. On grids that quarter,
/// from ~60³ voxels, three levels: the grid halved smoothed in turn, GAMG on the grid
/// quartered; from ~120³ voxels four: the grid quartered smoothed too, GAMG on the grid
/// halved three times (geometric_levels()); around them, the rigid motions of the bodies
/// only the plate holds (a lifted collector) deflated (rigid_deflation.hpp). Elsewhere GAMG on the
/// whole grid (aggregation threshold 0.02, the six rigid-body modes of the nodes as near
/// null space, block size 3); relative tolerance 1e-10 on the unpreconditioned residual: the nodal forces
/// balance to 1e-10 of the applied load, well below the 1e-6 that the ersatz
/// material contributes, so force checks measure the model, not the solve.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"
#include "physics/mechanics/hex_elasticity.hpp"
#include "solver/mechanics/distinct_sets.hpp"
#include "solver/mechanics/rigid_deflation.hpp"

#include <petscdmda.h>
#include <petscksp.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace navox {

struct ElasticLoad {
  double stack_pressure = 0; ///< [Pa] compressive normal traction on the top face (z = max), −P e_z
  /// Optional global vector of grid.scalar_dm(): pressure [Pa] in voxels holding Na (0 elsewhere),
  /// applied as the traction p n on every face the voxel shares with SE or CC (n the Na
  /// voxel's outward normal; consistent nodal forces p A / 4): the eigenstress −p I of
  /// the voxel (physics::HexElasticity::eigenstress_forces) without its faces to Na,
  /// which cancel, and to empty pores, which are free surfaces.
  Vec na_pressure = nullptr;
  /// Optional body force b(x, y, z) [N/m^3] (verification by manufactured solutions),
  /// integrated against the shape functions by 2×2×2 Gauss quadrature.
  std::function<std::array<double, 3>(double x, double y, double z)> body_force;
};

struct ElasticResult {
  PetscInt iterations = 0;  ///< CG iterations
  double residual_norm = 0; ///< final unpreconditioned residual (scaled system)
  bool converged = false;
};

class Elasticity {
public:
  /// labels: global Vec of grid.scalar_dm() with material indices. Collective; throws a
  /// CollectiveError if an SE or CC material in the labels has no Young's modulus.
  Elasticity(const Grid& grid, Vec labels, const MaterialTable& materials);
  ~Elasticity();
  Elasticity(const Elasticity&) = delete;
  Elasticity& operator=(const Elasticity&) = delete;

  /// New labels (a collector move): the material tables and the matrix's values anew in
  /// its nonzero pattern, the preconditioner set up again at the next solve, which starts
  /// from zero. Collective; throws as the constructor does.
  void relabel(Vec labels);

  /// Assembles the load and solves, from the last solution as the first guess (zero at
  /// first). Collective; throws CollectiveError (the same on all ranks) if the KSP diverges.
  ElasticResult solve(const ElasticLoad& load);
  /// The next solve starts from zero (a restart point; benchmarks: the same work again).
  void forget_solution() { NAVOX_CALL(VecSet(u_, 0.0)); }

  // Cell-centred results of the last solve, each into a global Vec of grid.scalar_dm().
  /// Mean of the element's 8 nodal displacements [m].
  void displacement(Vec ux, Vec uy, Vec uz) const;
  /// The same as this rank's owned block, x fastest, the three components of a voxel
  /// side by side (an io::OutputField of 3 components): no scalar Vecs on the way.
  std::vector<double> displacement_block() const;
  /// At the element centre [Pa]: tr(σ)/3 (negative in compression) and von Mises; 0
  /// in voxels that are neither SE nor CC; NaN in loose ones (not solved).
  void stress_invariants(Vec hydrostatic, Vec von_mises) const;
  /// In SE voxels with a face to a CC voxel, an NA voxel or a voxel with Na pressure > 0:
  /// the mean of −σ_nn over those faces from the SE element's centre stress [Pa]; 0 elsewhere.
  void contact_pressure(Vec pressure) const;
  /// z-force [N] carried across the node plane z = k h_z (k = 0..nz), compression
  /// positive: minus the z internal nodal forces K_e u_e
  /// of the elements just below the plane at its nodes (at k = 0 the support's
  /// reaction on the elements above). Equals stack_pressure × x-y area in equilibrium
  /// without body force. Collective.
  double transmitted_force(std::int64_t k) const;

  /// The vertex DMDA and the nodal displacement of the last solve (for tests and output).
  DM vertex_dm() const { return vdm_; }
  Vec solution() const { return u_; }
  /// The last solve's load vector (the right-hand side, held DOFs zeroed).
  Vec load_vector() const { return b_; }
  /// The operator of the solve (the scaled K: an AIJ matrix, or under the default two
  /// levels a MatShell) and its solver, for tests.
  Mat operator_matrix() const { return a_; }
  KSP solver() const { return ksp_; }
  /// The preconditioner the multigrid (or GAMG) is built in: the KSP's own, or where
  /// the plate's bodies are deflated (rigid_deflation.hpp) the one the KSP's shell wraps.
  PC multigrid_pc() const;
  /// Whether displacement component c (0, 1, 2) of node (i, j, k) is held at zero (the
  /// boundary conditions above). Inline: the matrix-free product asks it of every node.
  bool fixed(PetscInt i, PetscInt j, PetscInt k, int c) const {
    const GridSpec& spec = grid_.spec();
    if (c == 2) return k == 0;
    if (spec.periodic_lateral) return i == 0 && j == 0 && k == 0;
    if (c == 0) return i == 0 || i == PetscInt(spec.dims[0]);
    return j == 0 || j == PetscInt(spec.dims[1]);
  }

  /// Loose SE and CC voxels (load_bearing.hpp) of the labels of the constructor or of the
  /// last relabel, over all ranks: solved as ersatz; their stresses are NaN.
  std::int64_t loose_voxels() const { return loose_; }

  /// E of the ersatz material relative to the softest SE or CC material present.
  static constexpr double kErsatz = 1e-6;
  static constexpr double kErsatzPoisson = 0.3;

  /// Levels of the geometric multigrid that preconditions the solve
  /// (`-displacement_pc_type mg`; the set-up throws a CollectiveError where the grid
  /// does not halve down to kMaxCoarseNodes nodes), 0 otherwise.
  int multigrid_levels() const { return mg_levels_; }
  /// Whether the solve is preconditioned by the default two levels (the vertex grid over
  /// GAMG on the grid halved); false where GAMG takes the whole grid (a grid that does
  /// not halve, or `-displacement_pc_type gamg`) or with `-displacement_pc_type mg`.
  bool two_levels() const { return two_levels_; }
  /// The geometric levels over the default preconditioner's GAMG: 2 (the vertex grid and
  /// the grid halved, GAMG on the grid halved), 3 (and the grid quartered: GAMG on the
  /// grid quartered, the grid halved smoothed by Chebyshev on its point blocks) or 4 (and
  /// the grid eighthed, the grid halved three times: GAMG on it, the grid quartered
  /// smoothed as well); 0 where the two levels are not used. By default 3 where the grid
  /// halved has at least kThirdLevelNodes nodes and the grid quarters on these ranks, and
  /// then 4 where it halves a third time; `-displacement_geometric_levels 2|3|4` chooses
  /// (a level the grid does not halve to is a CollectiveError). Known after the
  /// constructor.
  int geometric_levels() const { return two_levels_ ? (four_levels_ ? 4 : three_levels_ ? 3 : 2) : 0; }
  /// What the two levels need of the grid halved: the grid, the held DOFs and the rigid-body
  /// modes built at the first set-up and kept across relabel (none depends on the labels),
  /// P's weights rebuilt with the labels. Public for the interpolation's MatShell
  /// callbacks (elasticity_two_levels.cpp); not an interface.
  struct CoarseSpace {
    DM dm = nullptr;
    Mat p = nullptr;             ///< P (vertex_interpolation.hpp: its weights as floats), rebuilt with the labels
    Vec free = nullptr;          ///< 1 on the free coarse DOFs, 0 on the held ones
    Vec work = nullptr;          ///< a coarse vector for the products of P~
    Mat interpolation = nullptr; ///< P~ = P diag(free), a MatShell over P
    MatNullSpace near = nullptr; ///< the nodes' rigid-body modes, GAMG's near null space (its level only: rigid_body_modes)
  };
  /// The grid halved from this many nodes is quartered too, and eighthed where it can be
  /// (geometric_levels()): GAMG's set-up on the grid halved grows faster than its nodes
  /// (docs/performance.md, "The grid quartered"), and GAMG's operators on the grid
  /// quartered held more than a smoothed level's floats, for more iterations ("The grid
  /// eighthed").
  static constexpr PetscInt kThirdLevelNodes = 30000;
  static constexpr PetscInt kMaxCoarseNodes = 8192;
  static constexpr PetscInt kEnoughCoarseNodes = 1000; ///< the halving stops at this many nodes

private:
  /// put(i, j, k, mean) for each owned voxel, x fastest: the mean of its 8 nodal displacements.
  template <class Put> void mean_displacement(Put&& put) const;
  using Hex = physics::HexElasticity;
  /// The labels with loose solid as ersatz_label() (load_bearing.hpp) into `bearing` (a
  /// global Vec of grid.scalar_dm()), labels_local_ and lab_. Collective.
  void read_labels(Vec labels, Vec bearing);
  int ersatz_label() const { return int(materials_.size()); }
  /// The phase of label m: PORE for ersatz_label().
  Phase phase(int m) const;
  void set_up(Vec labels);
  void release();
  void material_tables();
  void create_vertex_dm();
  void fill();
  void create_solver(Vec labels);
  void set_up_two_levels(Vec labels);
  // The plate's bodies deflated (elasticity_deflation.cpp, rigid_deflation.hpp).
  /// Makes the KSP's preconditioner `outer` a shell that adds the deflation to a new
  /// preconditioner under the same options prefix, and returns that one.
  PC wrap_in_deflation(PC outer);
  /// The bodies' rigid motions on the owned DOFs from bodies_local_. Collective.
  void build_deflation();
  static PetscErrorCode deflated_set_up(PC pc);
  static PetscErrorCode deflated_apply(PC pc, Vec x, Vec y);
  static PetscErrorCode deflated_view(PC pc, PetscViewer viewer);
  /// Calls fn(ei, ej, ek, ex, ey, ez) for each element (voxel) that has node (i, j, k),
  /// in ascending (k, j, i) order; (ex, ey, ez): the element's offset from (i−1, j−1, k−1),
  /// so the node is the element's corner (1−ex) + 2(1−ey) + 4(1−ez).
  template <class Fn> void for_each_element_of_node(PetscInt i, PetscInt j, PetscInt k, Fn&& fn) const {
    const GridSpec& spec = grid_.spec();
    const bool wraps = spec.periodic_lateral;
    auto exists = [&](PetscInt e, std::size_t axis) { return e >= 0 && e < PetscInt(spec.dims[axis]); };
    for (int ez = 0; ez < 2; ++ez)
      for (int ey = 0; ey < 2; ++ey)
        for (int ex = 0; ex < 2; ++ex) {
          const PetscInt ei = i - 1 + ex, ej = j - 1 + ey, ek = k - 1 + ez;
          if ((wraps || (exists(ei, 0) && exists(ej, 1))) && exists(ek, 2)) fn(ei, ej, ek, ex, ey, ez);
        }
  }
  // Matrix-free operator (elasticity_matrix_free.cpp).
  void create_shell();
  void prepare_matrix_free();
  void node_block(PetscInt i, PetscInt j, PetscInt k, double block[9]) const;
  PetscErrorCode apply(Vec x, Vec y) const;
  PetscErrorCode diagonal(Vec d) const;
  static PetscErrorCode shell_mult(Mat a, Vec x, Vec y);
  static PetscErrorCode shell_get_diagonal(Mat a, Vec d);
  static PetscErrorCode shell_invert_block_diagonal(Mat a, const PetscScalar** values);
  // The grid halved (elasticity_two_levels.cpp).
  void build_coarse_space();
  /// The grid halved again (three levels: `space` quarter_, `finer` coarse_.dm, `factor`
  /// 4) or three times (four: eighth_, quarter_.dm, 8): build_space, everything released
  /// if it throws.
  void build_deeper_space(CoarseSpace& space, DM finer, PetscInt factor);
  /// The coarse DMDA of `finer` (a vertex DMDA), its held DOFs (those of fine node
  /// `factor` × its index), the shell P~ over `finer`'s vectors and the rigid-body modes.
  void build_space(CoarseSpace& space, DM finer, PetscInt factor);
  void release_coarse_space();
  /// The interpolation into space.p (vertex_interpolation.hpp), rows the nodes of `rows`,
  /// the vertex grid coarsened `s` times along each axis: the vertex grid's (s = 1),
  /// weights from the labels (`wide`: their local array with ghosts two wide); or the grid
  /// halved's or quartered's (s = 2, 4), weights from its operator `half` or from `sides`.
  /// `weights`, where given: each owned node's (lo[3], hi[3]) (s > 1, for deep_operator).
  /// `sides` (s = 2 without `half`): half_stencil's couplings, for the same weights.
  void build_interpolation(const PetscScalar* const* const* wide, Mat half, DM rows, CoarseSpace& space, int s,
                           std::vector<double>* weights = nullptr, const std::vector<double>* sides = nullptr);
  Mat coarse_operator(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g) const;
  /// The grid halved's operator (three levels) in single precision, summed node by node
  /// (elasticity_half_stencil.cpp): a MatShell (single_block_stencil.hpp). `sides`: per owned
  /// node its couplings to its two neighbours along each axis, [axis][lower, upper], for
  /// P2's weights. `wide`: the labels with ghosts half_stencil_label_width() wide. Collective.
  Mat half_stencil(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g,
                   std::vector<double>& sides) const;
  /// The elements of the grid halved, by first node along `axis`, that have a node owned
  /// here (each once along a periodic axis held by one rank).
  void half_element_range(int axis, PetscInt& first, PetscInt& last) const;
  /// The labels' ghost width half_stencil reads (at least 2). Collective.
  PetscInt half_stencil_label_width() const;
  /// Q_c^T K_m Q_c per child position c and material m with the trilinear weights, scaled
  /// ([c × materials + m]): the grid halved's elements in one material.
  std::vector<Hex::Stiffness> trilinear_children() const;
  /// K_E, scaled, of the grid halved's element whose first child is voxel (i, j, k) (even
  /// indices, owned here), its held DOFs' rows and columns zero (`held`: which).
  void half_element(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g, std::int64_t i,
                    std::int64_t j, std::int64_t k, Hex::Stiffness& ke, bool (&held)[24]) const;
  /// Which of the 24 DOFs of the element with first node (i, j, k) of the grid coarsened
  /// `factor` times along each axis (2: halved, 4: quartered) are held.
  void held_dofs(PetscInt factor, std::int64_t i, std::int64_t j, std::int64_t k, bool (&held)[24]) const;
  /// A DMDA of the labels with ghosts `width` voxels wide, for one set-up of the levels. Collective.
  DM wide_labels_dm(PetscInt width) const;
  /// KSPSetUp, the preconditioner first under the two levels, its smoothers' eigenvalue
  /// estimators freed before the outer CG's vectors are made. Collective.
  PetscErrorCode set_up_preconditioner_first();
  /// The rigid-body modes of `space`'s nodes (GAMG's near null space), made at the first
  /// call with the DM's coordinates. Collective.
  MatNullSpace rigid_body_modes(CoarseSpace& space);
  /// The grid quartered's operator P2~^T A_half P2~ (`p3` null) or the grid eighthed's
  /// P3~^T A_quarter P3~, element by element from the grid halved's K_E (`g`:
  /// trilinear_children), P2's weights `p2` and P3's `p3` (build_interpolation); its held
  /// DOFs' rows and columns zero, a unit diagonal. Collective.
  Mat deep_operator(const PetscScalar* const* const* wide, const std::vector<Hex::Stiffness>& g,
                    const std::vector<double>& p2, const std::vector<double>* p3 = nullptr) const;
  Hex::Nodal element_displacement(const PetscScalar* const* const* const* u, std::int64_t i, std::int64_t j,
                                  std::int64_t k) const;
  int material(std::int64_t i, std::int64_t j, std::int64_t k) const;
  /// Gives `dm` (the vertex grid or a coarsening of it) the nodes' coordinates over the grid. Collective.
  void set_node_coordinates(DM dm) const;
  bool solid(int m) const;

  const Grid& grid_;
  const MaterialTable& materials_;
  std::array<double, 3> h_{};
  double scale_ = 1;                      ///< 1/(E_max h): the assembled system is K·scale_
  std::vector<Hex::Stiffness> stiffness_; ///< per material, physical [N/m]
  std::vector<Hex::Constitutive> c_;      ///< per material [Pa]
  std::vector<double> modulus_;           ///< per material its E [Pa] (the ersatz's for pores and Na)
  DM vdm_ = nullptr;
  Mat a_ = nullptr;
  KSP ksp_ = nullptr;
  Vec u_ = nullptr, b_ = nullptr;
  Vec labels_local_ = nullptr, na_local_ = nullptr;
  /// The bodies only the plate holds (load_bearing.hpp), ghosted, from read_labels to
  /// create_solver; none where there are none.
  Vec bodies_local_ = nullptr;
  int plate_bodies_ = 0;
  std::unique_ptr<RigidDeflation> deflation_; ///< with plate bodies: their rigid motions
  PC inner_ = nullptr;                        ///< the multigrid under the deflation's shell
  const PetscScalar*** lab_ = nullptr;
  std::int64_t loose_ = 0;
  int mg_levels_ = 0; ///< geometric multigrid levels (`-displacement_pc_type mg`); 0: another
  bool two_levels_ = false; ///< the default two levels (geometric over GAMG), with the MatShell operator
  /// Per owned node its 3×3 diagonal block inverted, 6 floats, each distinct one once
  /// (symmetric_block_jacobi.hpp, distinct_sets.hpp; two levels); as 9 doubles a node only
  /// where PETSc's PCPBJACOBI is asked for.
  DistinctSets block_inverse_;
  std::vector<double> block_inverse_unpacked_;
  /// Per owned node the material whose stencil its row is (its eight elements of one
  /// material, no held DOF near), or −1: its elements' rows are summed (two levels).
  std::vector<std::int16_t> node_material_;
  /// Per material the scaled 27-point stencil of a node whose eight elements are all of it,
  /// [(dy+1) + 3 (dz+1)][3 (dx+1) + column component][row component, padded to 4] (two
  /// levels): the three rows of a column side by side, so the product runs over 4 lanes.
  std::vector<std::array<double, 9 * 9 * 4>> stencil_;
  /// Per material and element corner a the scaled rows 3a..3a+2 of K_e, [column][row
  /// component, padded to 4] (two levels).
  std::vector<std::array<double, 8 * 24 * 4>> corner_rows_;
  CoarseSpace coarse_;  ///< two levels only
  CoarseSpace quarter_; ///< three or four levels (the grid quartered)
  CoarseSpace eighth_;  ///< four levels only (the grid halved three times)
  bool three_levels_ = false; ///< the grid quartered is a level (three or four levels)
  bool four_levels_ = false;
};

} // namespace navox
