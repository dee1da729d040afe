#pragma once
/// Na creep as a flow (MODEL.md §3.4, §7; docs/model.md "Na creep flow"): the
/// incompressible Stokes flow of a power-law fluid (physics/mechanics/power_law_viscosity.hpp)
/// through the voxels that hold Na, on a staggered (MAC) grid.
///
///   ∇·(2η(ε̇_eq) ε̇(u)) − ∇p + f = 0,   ∇·u = s   in metal voxels,
///
/// u the Na velocity [m/s], p its pressure [Pa], f a body force [N/m³] (verification),
/// s a volume source [1/s] (plated Na). Unknowns (a DMDA of 4 DOF per node, field
/// names `creep_velocity_x/_y/_z` and `creep_pressure`, options prefix `creep_`):
/// u_a at node (i, j, k) is the velocity normal to the a-face at x_a = i_a h_a between
/// voxels (i, j, k) − e_a and (i, j, k); p at node (i, j, k) belongs to voxel (i, j, k).
/// The node grid is the vertex grid of the elasticity (node i with the owner of
/// voxel i; the extra last node, on non-periodic axes, with the last rank), so every
/// stencil is within a box of width 1.
///
/// Voxel kinds (`cells`, a global Vec of grid.scalar_dm()): metal (2) is Na; empty (1)
/// is free space at p = 0 (a free surface: the Na|empty face carries no shear and the
/// normal stress of the Na balances p = 0); wall (0) is SE or CC, rigid: velocity
/// 0 on its faces, no slip along it (the velocity beyond the wall mirrored, so the
/// wall sits on the face, to second order). Outside the grid each side is a wall
/// (no slip or free slip, moving along its normal at a set velocity: a platen) or a
/// pressure reservoir (like empty space at a set pressure). Faces between two
/// non-metal voxels carry no unknown.
///
/// Viscosity: in a voxel from its ε̇_eq (normal stresses); on an edge from ε̇_eq there,
/// the edge's own shear rate with the rest of the rate tensor from its metal voxels
/// (shear stresses; exact in a shear flow), 0 when a voxel around it is empty and none
/// is a wall (a free surface carries no shear; where Na, a wall and free space meet, a
/// contact line, the wall's no-slip shear acts as along the rest of the wall). Two tiny
/// regularisations keep the system regular where the physics leaves it singular, each
/// 1e-10 relative: a drag 1e-10 η/h² on each velocity (a Na island touching nothing but
/// empty space has no rest position otherwise) and a compressibility 1e-10 in the scaled
/// continuity equation (the pressure of Na enclosed by walls has no reference otherwise).
///
/// Nonlinear solve: Picard iterations (the first at the viscosity of ε̇_ref when
/// starting from rest), then either Anderson-accelerated Picard to a set tolerance
/// (CreepFlowSetup::picard_tolerance) or Newton–Krylov: the Jacobian by differences of the residual
/// (MatCreateSNESMF), GMRES preconditioned by the Picard matrix's LU (MUMPS; in the
/// Picard steps over the rows that carry unknowns only, by PCREDISTRIBUTE, gathered on one
/// rank by PCTELESCOPE: the same result run after run); if Newton's
/// line search fails, more Picard iterations and Newton once more. Unknowns scaled by
/// U₀ = ε̇_ref h and P₀ = σ_ref, momentum rows by h/P₀ and continuity rows by 1/ε̇_ref
/// (h the cube root of the voxel volume): the Picard matrix is then symmetric,
///   [ A  Bᵀ ]
///   [ B  −εI],
/// A the viscous operator (each voxel's and edge's stress acts on the faces it is made
/// of with the same coefficients; a mirrored wall velocity lands on the diagonal), B the
/// divergence, its transpose the pressure gradient since U₀/(h ε̇_ref) = 1. So the Picard
/// steps factor it as LDLᵀ (MUMPS, symmetric indefinite: half the LU's factors).
/// Collective; a failed solve throws the same CollectiveError on every rank.
#include "mesh/grid.hpp"
#include "physics/mechanics/power_law_viscosity.hpp"

#include <petscdmda.h>
#include <petscsnes.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace navox {

class CreepBlockSolve;

struct CreepFlowSide {
  enum Kind { no_slip, free_slip, reservoir };
  Kind kind = no_slip;
  double velocity = 0; ///< [m/s] along the outward normal (walls)
  double pressure = 0; ///< [Pa] (a reservoir)
};

struct CreepFlowSetup {
  physics::PowerLawViscosity rheology;
  /// Sides −x, +x, −y, +y, −z, +z (the lateral ones ignored when the grid is periodic laterally).
  std::array<CreepFlowSide, 6> sides{};
  std::array<double, 3> body_force{0, 0, 0}; ///< f [N/m³] in metal
  /// > 0: converged at |F| ≤ picard_tolerance × |loads| by Picard iterations accelerated
  /// with Anderson mixing (cheap where only a few digits are wanted): from rest the
  /// Newtonian step, then PETSc's SNESANDERSON (options prefix `creep_anderson_`, 5
  /// directions) over one Picard step as its nonlinear preconditioner (`creep_anderson_npc_`:
  /// the Picard matrix as Newton's Jacobian, a full step, the LDLᵀ of its rows that carry
  /// unknowns by MUMPS on one rank, `creep_anderson_npc_redistribute_telescope_`), at most 40
  /// iterations; should the mixing fail, plain Picard iterations from the Newtonian step.
  /// 0: Picard to a first reduction, then Newton–Krylov to 1e-8 of the loads.
  double picard_tolerance = 0;
  /// How each Picard step's linear system is solved (the Newton–Krylov mode's Newton
  /// steps keep the whole grid's LU):
  /// - block (the default): FGMRES over the rows that carry unknowns on a Schur block
  ///   preconditioner, two BoomerAMG V-cycles on the velocities, the weighted BFBᵀ for
  ///   the Schur complement (solver/mechanics/creep_block_solve.hpp); the LDLᵀ below
  ///   where it fails. Its memory grows as the Na's unknowns, its work somewhat faster
  ///   (12 to 20 FGMRES iterations a system from 32^3 to 64^3 of the bench), and both
  ///   spread over the ranks: at 64^3 15 s on 2 ranks against 54 s for the LDLᵀ, at a
  ///   quarter of its memory (docs/performance.md, "Creep flow: the block solve by
  ///   default");
  /// - lu: GMRES on the direct factorisation of those rows (MUMPS's LDLᵀ, gathered on one
  ///   rank; `-creep_picard_redistribute_telescope_pc_type lu` and
  ///   `-creep_anderson_npc_redistribute_telescope_pc_type lu` for its LU).
  /// `-creep_linear_solver lu|block` overrides it.
  enum class Linear { lu, block };
  Linear linear = Linear::block;
};

struct CreepFlowResult {
  int picard_iterations = 0;
  int newton_iterations = 0;
  int linear_iterations = 0; ///< lu: GMRES of the Picard steps outside the mixing; block: every FGMRES iteration
  double residual = 0; ///< final scaled residual norm
};

class CreepFlow {
public:
  enum Cell { wall = 0, empty = 1, metal = 2 };

  CreepFlow(const Grid& grid, const CreepFlowSetup& setup);
  ~CreepFlow();
  CreepFlow(const CreepFlow&) = delete;
  CreepFlow& operator=(const CreepFlow&) = delete;

  /// Solves for the flow in the metal voxels of `cells` (global Vec of grid.scalar_dm()
  /// holding Cell values) with the volume source `source` [1/s] (nullptr: none), from
  /// the last solution. Collective.
  CreepFlowResult solve(Vec cells, Vec source = nullptr);
  /// The next solve starts from rest (a restart point: the same iterations again).
  void forget_solution();

  // Results of the last solve. Collective.
  /// p [Pa] in metal voxels, 0 elsewhere.
  void pressure(Vec p) const;
  /// The voxel-centred velocity [m/s] (mean of the two faces along each axis).
  void cell_velocity(Vec ux, Vec uy, Vec uz) const;
  /// The Na volume the flow brings into each voxel per second and voxel volume [1/s],
  /// for moving Na by it. A metal voxel stays full: it gives up its source s, and where a
  /// free surface (metal beside empty space) recedes into it, what recedes. An empty
  /// voxel receives what crosses its faces from the metal (0 where a surface recedes);
  /// these are scaled to add up to exactly what the metal gives up and the reservoirs
  /// and platens bring (they differ by the 1e-10 compressibility regularisation alone).
  /// A wall gets nothing. So the amounts sum to what enters through the grid's sides,
  /// and in each empty voxel they are the flow's face fluxes. Where the metal reaches no
  /// empty voxel at all (sealed in by walls), 0 everywhere. Collective.
  void inflow(Vec rate) const;
  /// The force [N] the metal presses on side s (0..5) with, along its inward normal:
  /// the sum of (p − 2η ∂u_n/∂n) A over the metal voxels beside it.
  double side_force(int side) const;
  /// The volume flux [m³/s] through the node plane x_axis = plane h_axis, along +axis.
  double flux(int axis, std::int64_t plane) const;

  DM dm() const { return dm_; }
  Vec solution() const { return x_; }
  /// The Picard matrix of the last solve's last iterate (the whole grid's, scaled as
  /// above; the LDLᵀ that factors it relies on its symmetry, which tests check).
  Mat picard_matrix() const { return p_; }
  const CreepFlowSetup& setup() const { return setup_; }

  /// What the callbacks need (public for them; not an interface).
  struct Callbacks;

private:
  // x: the ghosted solution as DMDA arrays index it with 4 DOF, [k][j][4 i + c].
  PetscErrorCode residual(const PetscScalar* const* const* x, PetscScalar*** f);
  /// The Picard matrix at x; the viscosity of x first unless `viscosity_current`.
  PetscErrorCode assemble(const PetscScalar* const* const* x, Mat p, bool viscosity_current = false);
  PetscErrorCode update_viscosity(const PetscScalar* const* const* x);
  /// F (f_) at x_, the viscosity of x_ and x_local_; with `matrix` the Picard matrix too.
  PetscErrorCode evaluate(bool matrix);
  /// Ghosts and holds the arrays of the voxel kinds, the source and the viscosity.
  void hold(Vec cells, Vec source);
  void let_go();
  /// A new Picard matrix for the held kinds' pattern (live_rows_ first), preallocated row by row.
  void make_picard_matrix();
  /// η(ε̇_ref) and no rest in every voxel; lists the metal voxels (the kinds held).
  void reset_viscosity();
  template <class Fn> void per_voxel(Vec out, Fn&& value) const;
  /// Each owned Na voxel's enclosed body, 0, 1, … in label order (its Na reaches no empty
  /// voxel or reservoir: its pressure's constant has no reference but the compressibility),
  /// −1 for Na that reaches one; by the held kinds, keyed by the voxel as metal_voxels_
  /// lists them. `count`: the bodies on all ranks. Collective.
  std::vector<int> enclosed_bodies(Vec cells, int& count) const;
  void release();

  const Grid& grid_;
  CreepFlowSetup setup_;
  struct Stencil;
  Stencil* st_ = nullptr;
  DM dm_ = nullptr, rdm_ = nullptr; ///< the nodes; 3 values per voxel (the edges' viscosity)
  std::unique_ptr<CreepBlockSolve> block_; ///< the Picard steps' solve when setup.linear is block
  SNES snes_ = nullptr;
  SNES anderson_ = nullptr; ///< Anderson mixing over Picard steps (picard_tolerance > 0)
  KSP picard_ = nullptr;
  Mat p_ = nullptr, j_ = nullptr; ///< Picard matrix; the Jacobian by differences
  Vec x_ = nullptr, x_local_ = nullptr, faces_local_ = nullptr, f_ = nullptr, dx_ = nullptr;
  Vec rest_ = nullptr, rest_local_ = nullptr;
  Vec cells_local_ = nullptr, source_local_ = nullptr, eta_ = nullptr, eta_local_ = nullptr;
  // The pattern of the held kinds (hold()): most of the grid carries no unknown, and its
  // rows (identities) need no stencil, no viscosity and, once in p_, no reassembly.
  using Node3 = std::array<PetscInt, 3>;
  std::vector<Node3> live_nodes_;   ///< owned nodes with a DOF that carries an unknown, x fastest
  std::vector<PetscInt> live_rows_; ///< the global rows of live_nodes_' DOFs
  std::vector<Node3> metal_voxels_; ///< owned metal voxels, x fastest
  bool matrix_fresh_ = true;        ///< p_ is new: its first assembly sets every row
  bool started_ = false;  ///< the solution is not the state of rest
  bool newtonian_ = false; ///< viscosity of ε̇_ref everywhere (the first Picard step from rest)
};

} // namespace navox
