#include "solver/mechanics/creep_flow.hpp"

#include "solver/mechanics/creep_block_solve.hpp"

#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/error.hpp"
#include "mesh/option_default.hpp"
#include "mesh/reductions.hpp"
#include "mesh/vertex_dm.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace navox {

namespace {

using Node = std::array<PetscInt, 3>;
using Array = const PetscScalar* const* const*;
constexpr int kDof = 4;
constexpr int kPressure = 3;
constexpr double kRegularisation = 1e-10; // drag and compressibility, relative (header)
constexpr int kRowTerms = 48;              // the most terms a row adds up, repeats included

Node shifted(Node n, int axis, PetscInt by) {
  n[std::size_t(axis)] += by;
  return n;
}

/// One row of the scaled system as a linear form: F = Σ a x[node][dof] + c.
struct Row {
  struct Term {
    Node n;
    int dof;
    double a;
  };
  Term t[kRowTerms];
  int size = 0;
  double c = 0;
  void add(const Node& n, int dof, double a) { t[size++] = {n, dof, a}; }
  void scale(double s) {
    for (int q = 0; q < size; ++q) t[q].a *= s;
    c *= s;
  }
  double value(const PetscScalar* const* const* x) const {
    double v = c;
    for (int q = 0; q < size; ++q) v += t[q].a * x[t[q].n[2]][t[q].n[1]][kDof * t[q].n[0] + t[q].dof];
    return v;
  }
};

/// Gives `ksp` a fresh direct preconditioner over the rows that carry unknowns: PETSc's
/// PCREDISTRIBUTE solves the rows with only a diagonal entry (faces and voxels that carry
/// no unknown, most of the grid) by that entry; PCTELESCOPE gathers the rest onto one
/// rank, where MUMPS factors it as LDLᵀ (the system is symmetric: creep_flow.hpp;
/// options `<prefix>redistribute_telescope_`, set_gathered_factor_defaults). Factoring
/// the whole grid's matrix instead cost MUMPS ~10x as much per factorisation and solve
/// for the same factors (docs/performance.md, "Creep flow"). On one rank because MUMPS
/// spread over ranks schedules its work by the ranks' load as it goes, and so rounds
/// differently from run to run: the Na the flow carries would differ in its last bits
/// between a run and the same run again (or restarted), and MUMPS on 2 ranks was barely
/// faster than on one. Fresh, because PCREDISTRIBUTE finds those rows only in its first
/// set-up: a new pattern needs a new one. The user's options apply
/// (-<prefix>pc_type lu -<prefix>pc_factor_mat_solver_type mumps gives the whole grid's
/// LU back; -<prefix>redistribute_pc_type lu the reduced rows' LU spread over the ranks;
/// -<prefix>redistribute_telescope_pc_type lu the gathered rows' LU instead of LDLᵀ).
void fresh_reduced_factor(KSP ksp) {
  const char* prefix = nullptr;
  NAVOX_CALL(KSPGetOptionsPrefix(ksp, &prefix));
  int ranks = 1;
  MPI_Comm_size(PetscObjectComm(reinterpret_cast<PetscObject>(ksp)), &ranks);
  give_new_pc(ksp, prefix, [&](PC pc) {
    NAVOX_CALL(PCSetType(pc, PCREDISTRIBUTE)); // after the prefix: its inner KSP takes it
    KSP inner = nullptr;
    PC gather = nullptr;
    NAVOX_CALL(PCRedistributeGetKSP(pc, &inner));
    NAVOX_CALL(KSPSetType(inner, KSPPREONLY));
    NAVOX_CALL(KSPGetPC(inner, &gather));
    NAVOX_CALL(PCSetType(gather, PCTELESCOPE));
    NAVOX_CALL(PCTelescopeSetReductionFactor(gather, ranks));
  });
}

} // namespace

/// The discrete operator: voxel kinds, viscosities and boundary sides, read from
/// ghosted arrays (the DMDA's global indices; periodic axes wrap through the ghosts).
struct CreepFlow::Stencil {
  enum FaceKind { active, fixed, none, interior };
  struct CellState {
    int type; ///< Cell
    bool slip;
    double p; ///< [Pa] of a non-metal voxel (0; a reservoir's pressure)
  };
  struct Face {
    FaceKind kind;
    double value; ///< [m/s] of a fixed face
    bool slip;    ///< an interior face: mirror with + (free slip) instead of − (no slip)
  };

  const CreepFlowSetup* setup = nullptr;
  std::array<PetscInt, 3> n{};      ///< voxels along each axis
  std::array<bool, 3> periodic{};
  std::array<double, 3> h{};
  double h_ref = 1, u0 = 1, p0 = 1, rate_ref = 1;
  Array cells = nullptr, eta = nullptr, source = nullptr;
  Array faces = nullptr; ///< node DMDA, ghosted: code() of each node's three faces
  /// Per voxel (ghosted, [k][j][3 i + q]): 3/2 ε̇_eq² less the part of the shear in plane
  /// q (xy, xz, yz), for the viscosity on that plane's edges.
  Array rest = nullptr;
  bool newtonian = false; ///< every viscosity that of ε̇_ref
  static int plane(int a, int b) { return a + b - 1; }

  /// Beyond a non-periodic side of the grid (a side's wall or reservoir).
  bool outside(const Node& c, std::size_t d) const { return !periodic[d] && (c[d] < 0 || c[d] >= n[d]); }
  bool outside(const Node& c) const { return outside(c, 0) || outside(c, 1) || outside(c, 2); }

  CellState cell(const Node& c) const {
    for (int d = 0; d < 3; ++d) {
      if (!outside(c, std::size_t(d))) continue;
      const CreepFlowSide& s = setup->sides[std::size_t(2 * d + (c[std::size_t(d)] >= n[std::size_t(d)]))];
      if (s.kind == CreepFlowSide::reservoir) return {empty, false, s.pressure};
      return {wall, s.kind == CreepFlowSide::free_slip, 0};
    }
    return {int(cells[c[2]][c[1]][c[0]]), false, 0};
  }
  double viscosity(const Node& c) const { return eta[c[2]][c[1]][c[0]]; }
  bool metal_at(const Node& c) const { return cell(c).type == metal; }

  /// The velocity [m/s] of a wall face at node m along a: the side's platen on the grid's
  /// boundary (its outward velocity, signed along +a), 0 inside.
  double wall_velocity(int a, const Node& m) const {
    const auto ax = std::size_t(a);
    if (!periodic[ax] && m[ax] == 0) return -setup->sides[2 * ax].velocity;
    if (!periodic[ax] && m[ax] == n[ax]) return setup->sides[2 * ax + 1].velocity;
    return 0;
  }

  /// The a-face at node m, between voxels m − e_a and m, from the voxel kinds (which
  /// must be ghosted here: owned nodes, and nodes off the grid on a non-periodic axis).
  Face classify(int a, const Node& m) const {
    const Node l = shifted(m, a, -1);
    const CellState L = cell(l), R = cell(m);
    const bool wl = L.type == wall, wr = R.type == wall;
    if (wl && wr) return {interior, 0, L.slip && R.slip};
    if (wl || wr) return {fixed, wall_velocity(a, m), false};
    if (L.type != metal && R.type != metal) return {none, 0, false};
    return {active, 0, false};
  }
  static int code(const Face& f) { return f.kind == interior ? (f.slip ? 4 : 3) : int(f.kind); }

  /// The a-face at node m (owned, ghosted or off the grid): from `faces`, the codes
  /// classify() gave on the node's owner (the voxels two away are not ghosted here).
  Face face(int a, const Node& m) const {
    for (std::size_t d = 0; d < 3; ++d)
      if (!periodic[d] && (m[d] < 0 || m[d] > n[d])) return classify(a, m);
    const int c = int(faces[m[2]][m[1]][kDof * m[0] + a]);
    if (c >= 3) return {interior, 0, c == 4};
    if (c != fixed) return {FaceKind(c), 0, false};
    return {fixed, wall_velocity(a, m), false};
  }

  /// Adds coef × u_a(m) [m/s]; an interior face (inside a wall) mirrors `partner`.
  void velocity(Row& r, int a, const Node& m, double coef, const Node* partner) const {
    const Face f = face(a, m);
    if (f.kind == active) r.add(m, a, coef * u0);
    else if (f.kind == fixed) r.c += coef * f.value;
    else if (f.kind == interior && partner) {
      const Face g = face(a, *partner);
      const double s = f.slip ? 1.0 : -1.0;
      if (g.kind == active) r.add(*partner, a, s * coef * u0);
      else if (g.kind == fixed) r.c += s * coef * g.value;
    }
  }

  /// Adds coef × (∂u_a/∂x_b + ∂u_b/∂x_a) on the edge at node e (x_a = e_a h_a, x_b = e_b h_b).
  void shear_rate(Row& r, int a, int b, const Node& e, double coef) const {
    const Node eb = shifted(e, b, -1), ea = shifted(e, a, -1);
    velocity(r, a, e, coef / h[std::size_t(b)], &eb);
    velocity(r, a, eb, -coef / h[std::size_t(b)], &e);
    velocity(r, b, e, coef / h[std::size_t(a)], &ea);
    velocity(r, b, ea, -coef / h[std::size_t(a)], &e);
  }

  /// Voxel q (0..3) of the four around the a-b edge at node e: e − (q&1) e_a − (q>>1) e_b.
  static Node edge_voxel(int a, int b, const Node& e, int q) { return shifted(shifted(e, a, -(q & 1)), b, -(q >> 1)); }

  /// Whether the a-b edge at node e lies on a free surface, where it carries no shear: a
  /// voxel around it is empty (or a reservoir) and none is a wall. An edge with a wall
  /// around it is on a contact line (Na, wall and free space meet): the wall's no-slip
  /// traction acts on the Na there as along the rest of the wall. Without it a run of Na
  /// one voxel across in a pore, free at its ends, would slide along the walls held by
  /// nothing, and the velocity block would have such near-null modes after every
  /// collector lift (docs/performance.md, "Creep flow: the Na bodies' rigid motions
  /// deflated from the velocity split, tried and not kept").
  bool free_surface_edge(int a, int b, const Node& e) const {
    bool empty_around = false;
    for (int q = 0; q < 4; ++q) {
      const int t = cell(edge_voxel(a, b, e, q)).type;
      if (t == wall) return false;
      empty_around = empty_around || t == empty;
    }
    return empty_around;
  }

  /// η on an edge: from ε̇_eq there, its own shear rate with the rest of the rate
  /// tensor the mean of its metal voxels' (a shear flow's viscosity where its stress is);
  /// 0 at a free surface or with no metal around.
  double edge_viscosity(int a, int b, const Node& e, Array x) const {
    if (free_surface_edge(a, b, e)) return 0;
    double rest_sum = 0;
    int metals = 0;
    for (int q = 0; q < 4; ++q) {
      const Node c = edge_voxel(a, b, e, q);
      if (cell(c).type != metal) continue;
      rest_sum += rest[c[2]][c[1]][3 * c[0] + plane(a, b)];
      ++metals;
    }
    if (!metals) return 0;
    if (newtonian) return setup->rheology.viscosity(setup->rheology.law.reference_rate);
    Row r;
    shear_rate(r, a, b, e, 0.5);
    const double own = r.value(x);
    return setup->rheology.viscosity(std::sqrt(2.0 / 3.0 * (rest_sum / metals + 2 * own * own)));
  }

  /// Adds coef × ∂u_a/∂x_a [1/s] of voxel c (from its two a-faces).
  void normal_rate(Row& r, int a, const Node& c, double coef) const {
    velocity(r, a, shifted(c, a, 1), coef / h[std::size_t(a)], nullptr);
    velocity(r, a, c, -coef / h[std::size_t(a)], nullptr);
  }

  /// Adds coef × σ_aa [Pa] of voxel c.
  void normal_stress(Row& r, int a, const Node& c, double coef) const {
    const CellState s = cell(c);
    if (s.type != metal) {
      r.c -= coef * s.p;
      return;
    }
    r.add(c, kPressure, -coef * p0);
    normal_rate(r, a, c, coef * 2 * viscosity(c));
  }

  /// The residual row of DOF `dof` at node m (scaled).
  Row row(int dof, const Node& m, Array x) const {
    Row r;
    if (dof == kPressure) {
      if (!metal_at(m)) {
        r.add(m, dof, 1);
        return r;
      }
      for (int a = 0; a < 3; ++a) normal_rate(r, a, m, 1);
      if (source) r.c -= source[m[2]][m[1]][m[0]];
      r.add(m, dof, -kRegularisation * rate_ref);
      r.scale(1 / rate_ref);
      return r;
    }
    const int a = dof;
    const Face f = face(a, m);
    if (f.kind != active) {
      r.add(m, dof, 1);
      r.c = -f.value / u0;
      return r;
    }
    const Node l = shifted(m, a, -1);
    normal_stress(r, a, m, 1 / h[std::size_t(a)]);
    normal_stress(r, a, l, -1 / h[std::size_t(a)]);
    for (int b = 0; b < 3; ++b) {
      if (b == a) continue;
      for (int side = 0; side < 2; ++side) {
        const Node e = shifted(m, b, side);
        const double eta_e = edge_viscosity(a, b, e, x);
        if (eta_e > 0) shear_rate(r, a, b, e, (side ? 1 : -1) * eta_e / h[std::size_t(b)]);
      }
    }
    const int metals = int(metal_at(l)) + int(metal_at(m));
    double eta_f = 0;
    if (metal_at(l)) eta_f += viscosity(l) / metals;
    if (metal_at(m)) eta_f += viscosity(m) / metals;
    const double h_min = std::min({h[0], h[1], h[2]});
    r.add(m, dof, -kRegularisation * eta_f / (h_min * h_min) * u0);
    r.c += setup->body_force[std::size_t(a)] * metals / 2.0;
    r.scale(h_ref / p0);
    return r;
  }

  /// The strain rate of metal voxel c from the velocities x: normal[a] = ε̇_aa and
  /// shear[plane(a, b)] = ε̇_ab, the mean over the voxel's four a-b edges, leaving out
  /// those on a free surface (the velocity beyond a free surface is no Na's).
  void rates(Array x, const Node& c, double normal[3], double shear[3]) const {
    for (int a = 0; a < 3; ++a) {
      Row r;
      normal_rate(r, a, c, 1);
      normal[a] = r.value(x);
    }
    for (int a = 0; a < 3; ++a)
      for (int b = a + 1; b < 3; ++b) {
        Row r;
        int edges = 0;
        Node e[4];
        for (int corner = 0; corner < 4; ++corner) {
          const Node at = shifted(shifted(c, a, corner & 1), b, corner >> 1);
          if (!free_surface_edge(a, b, at)) e[edges++] = at;
        }
        for (int q = 0; q < edges; ++q) shear_rate(r, a, b, e[q], 0.5 / edges);
        shear[plane(a, b)] = edges ? r.value(x) : 0.0;
      }
  }
};

struct CreepFlow::Callbacks {
  // DMDA arrays with several DOF per node are indexed [k][j][dof i + c].
  static PetscErrorCode residual(DMDALocalInfo*, void* x, void* f, void* ctx) {
    return static_cast<CreepFlow*>(ctx)->residual(static_cast<Array>(x), static_cast<PetscScalar***>(f));
  }
  static PetscErrorCode jacobian(DMDALocalInfo*, void* x, Mat j, Mat p, void* ctx) {
    PetscFunctionBeginUser;
    PetscCall(static_cast<CreepFlow*>(ctx)->assemble(static_cast<Array>(x), p));
    if (j != p) {
      PetscCall(MatAssemblyBegin(j, MAT_FINAL_ASSEMBLY));
      PetscCall(MatAssemblyEnd(j, MAT_FINAL_ASSEMBLY));
    }
    PetscFunctionReturn(0);
  }
};

namespace {

/// Visits every owned node of the DMDA, x fastest.
template <class Fn> PetscErrorCode for_each_node(DM dm, Fn&& fn) {
  PetscFunctionBeginUser;
  PetscInt xs, ys, zs, xm, ym, zm;
  PetscCall(DMDAGetCorners(dm, &xs, &ys, &zs, &xm, &ym, &zm));
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) PetscCall(fn(Node{i, j, k}));
  PetscFunctionReturn(0);
}

/// Visits every owned voxel, x fastest.
template <class Fn> void for_each_voxel(const Box& b, Fn&& fn) {
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) fn(Node{PetscInt(i), PetscInt(j), PetscInt(k)});
}

} // namespace

CreepFlow::CreepFlow(const Grid& grid, const CreepFlowSetup& setup) : grid_(grid), setup_(setup) {
  try {
    st_ = new Stencil;
    const GridSpec& spec = grid.spec();
    st_->setup = &setup_;
    st_->periodic = {spec.periodic_lateral, spec.periodic_lateral, false};
    for (int d = 0; d < 3; ++d) {
      st_->n[std::size_t(d)] = PetscInt(spec.dims[std::size_t(d)]);
      st_->h[std::size_t(d)] = spec.spacing[std::size_t(d)];
    }
    st_->h_ref = std::cbrt(st_->h[0] * st_->h[1] * st_->h[2]);
    const auto& law = setup_.rheology.law;
    st_->rate_ref = law.reference_rate;
    st_->u0 = law.reference_rate * st_->h_ref;
    st_->p0 = law.reference_stress;

    // The vertex grid: u_a at node m is on the lower a-face of voxel m, p in voxel m.
    dm_ = create_vertex_dm(grid, kDof);
    NAVOX_CALL(DMDASetFieldName(dm_, 0, "creep_velocity_x"));
    NAVOX_CALL(DMDASetFieldName(dm_, 1, "creep_velocity_y"));
    NAVOX_CALL(DMDASetFieldName(dm_, 2, "creep_velocity_z"));
    NAVOX_CALL(DMDASetFieldName(dm_, 3, "creep_pressure"));
    NAVOX_CALL(DMCreateGlobalVector(dm_, &x_));
    NAVOX_CALL(VecDuplicate(x_, &f_));
    NAVOX_CALL(VecDuplicate(x_, &dx_));
    NAVOX_CALL(DMCreateLocalVector(dm_, &x_local_));
    NAVOX_CALL(VecDuplicate(x_local_, &faces_local_));
    NAVOX_CALL(DMSetMatType(dm_, MATAIJ));
    DM sdm = grid.scalar_dm();
    NAVOX_CALL(DMCreateLocalVector(sdm, &cells_local_));
    NAVOX_CALL(DMCreateLocalVector(sdm, &source_local_));
    NAVOX_CALL(DMCreateGlobalVector(sdm, &eta_));
    NAVOX_CALL(DMCreateLocalVector(sdm, &eta_local_));
    NAVOX_CALL(DMDACreateCompatibleDMDA(sdm, 3, &rdm_));
    NAVOX_CALL(DMCreateGlobalVector(rdm_, &rest_));
    NAVOX_CALL(DMCreateLocalVector(rdm_, &rest_local_));

    // MUMPS orders the factorisation by approximate minimum degree unless the user's
    // options say otherwise: its automatic choice (METIS here) spent 3 s analysing each
    // new pattern at 32 x 32 x 40 voxels on 2 ranks, AMD 0.02 s, for factors that cost
    // the same to apply (docs/performance.md, "Creep flow").
    // The LDLᵀ of the rows that carry unknowns (fresh_reduced_factor), gathered on one rank:
    // MUMPS with 100 % more than its estimate of its workspace, not 20 %: a pressure row
    // has no diagonal, and the delayed pivots of a system of a few thousand rows outgrew
    // 20 % (INFOG(1) = -9).
    set_option_default("creep_", "mat_mumps_icntl_7", "0");
    for (const char* outer : {"creep_picard_redistribute_", "creep_anderson_npc_redistribute_"})
      set_gathered_factor_defaults(std::string(outer) + "telescope_");
    {
      char given[16] = "";
      PetscBool set = PETSC_FALSE;
      NAVOX_CALL(PetscOptionsGetString(nullptr, "creep_", "-linear_solver", given, sizeof given, &set));
      if (set && std::string(given) == "block") setup_.linear = CreepFlowSetup::Linear::block;
      else if (set && std::string(given) == "lu") setup_.linear = CreepFlowSetup::Linear::lu;
      else if (set)
        throw CollectiveError(std::string("-creep_linear_solver ") + given + ": expected lu or block");
    }
    if (setup_.linear == CreepFlowSetup::Linear::block) block_ = std::make_unique<CreepBlockSolve>(grid.comm());
    NAVOX_CALL(SNESCreate(grid.comm(), &snes_));
    NAVOX_CALL(SNESSetDM(snes_, dm_));
    NAVOX_CALL(SNESSetOptionsPrefix(snes_, "creep_"));
    NAVOX_CALL(DMDASNESSetFunctionLocal(dm_, INSERT_VALUES, Callbacks::residual, this));
    NAVOX_CALL(DMDASNESSetJacobianLocal(dm_, Callbacks::jacobian, this));
    // Newton–Krylov: the Jacobian by differences of F (MFFD), the Picard matrix as preconditioner.
    NAVOX_CALL(MatCreateSNESMF(snes_, &j_));
    KSP ksp = nullptr;
    NAVOX_CALL(SNESGetKSP(snes_, &ksp));
    NAVOX_CALL(KSPSetType(ksp, KSPGMRES));
    // Inexact Newton: each step's linear solve to 1e-5 (differences of F resolve no more
    // near convergence); a step whose GMRES stalls there is still taken.
    NAVOX_CALL(KSPSetTolerances(ksp, 1e-5, 1e-30, PETSC_DEFAULT, 100));
    NAVOX_CALL(SNESSetMaxLinearSolveFailures(snes_, 50));
    // The whole grid's LU here: PCREDISTRIBUTE would read the rows of the MFFD operator.
    PC whole = nullptr;
    NAVOX_CALL(KSPGetPC(ksp, &whole));
    NAVOX_CALL(PCSetType(whole, PCLU));
    NAVOX_CALL(PCFactorSetMatSolverType(whole, MATSOLVERMUMPS));
    NAVOX_CALL(SNESSetFromOptions(snes_));
    NAVOX_CALL(KSPCreate(grid.comm(), &picard_));
    NAVOX_CALL(KSPSetOptionsPrefix(picard_, "creep_picard_"));
    NAVOX_CALL(KSPSetType(picard_, KSPGMRES));
    NAVOX_CALL(KSPSetTolerances(picard_, 1e-8, 1e-30, PETSC_DEFAULT, 200));
    NAVOX_CALL(KSPSetFromOptions(picard_));
    // Anderson mixing over one Picard step each iteration (SNESANDERSON with the Picard
    // step as right nonlinear preconditioner): Picard alone gains a factor ~2 an iteration
    // at n = 5, with the mixing ~3-4, for the same factorisation an iteration
    // (docs/performance.md, "Creep flow"). Five directions: its 2 × 5 stored vectors
    // are what a large grid can afford.
    set_option_default("creep_anderson_", "snes_anderson_m", "5");
    NAVOX_CALL(SNESCreate(grid.comm(), &anderson_));
    NAVOX_CALL(SNESSetDM(anderson_, dm_));
    NAVOX_CALL(SNESSetOptionsPrefix(anderson_, "creep_anderson_"));
    NAVOX_CALL(SNESSetType(anderson_, SNESANDERSON));
    NAVOX_CALL(SNESSetNPCSide(anderson_, PC_RIGHT));
    SNES step = nullptr;
    NAVOX_CALL(SNESGetNPC(anderson_, &step));
    NAVOX_CALL(SNESSetType(step, SNESNEWTONLS));
    NAVOX_CALL(SNESSetTolerances(step, 0.0, 0.0, 0.0, 1, -1));
    SNESLineSearch full = nullptr;
    NAVOX_CALL(SNESGetLineSearch(step, &full));
    NAVOX_CALL(SNESLineSearchSetType(full, SNESLINESEARCHBASIC));
    KSP lu = nullptr;
    NAVOX_CALL(SNESGetKSP(step, &lu));
    // GMRES on the LU to 1e-8, as the Picard steps above: MUMPS's factors of this
    // saddle-point system are accurate to ~1e-6 only; with steps solved on them alone
    // p_max differed by 1e-5 between partitions, and between runs of the same test
    // (docs/performance.md, "Creep flow").
    NAVOX_CALL(KSPSetType(lu, KSPGMRES));
    NAVOX_CALL(KSPSetTolerances(lu, 1e-8, 1e-30, PETSC_DEFAULT, 200));
    NAVOX_CALL(SNESSetFromOptions(anderson_)); // and its inner step's (PETSc passes it on)
    if (block_) { // the Picard steps' systems by the block solve over their unknowns
      block_->install(picard_);
      block_->install(lu);
    }
  } catch (...) {
    release();
    throw;
  }
}

CreepFlow::~CreepFlow() { release(); }

void CreepFlow::release() {
  if (st_) let_go();
  if (snes_) (void)SNESDestroy(&snes_);
  if (anderson_) (void)SNESDestroy(&anderson_);
  if (picard_) (void)KSPDestroy(&picard_);
  if (p_) (void)MatDestroy(&p_);
  if (j_) (void)MatDestroy(&j_);
  block_.reset();
  for (Vec* v : {&x_, &x_local_, &faces_local_, &f_, &dx_, &cells_local_, &source_local_, &eta_, &eta_local_, &rest_,
                 &rest_local_})
    if (*v) (void)VecDestroy(v);
  if (dm_) (void)DMDestroy(&dm_);
  if (rdm_) (void)DMDestroy(&rdm_);
  delete st_;
  st_ = nullptr;
}

PetscErrorCode CreepFlow::update_viscosity(const PetscScalar* const* const* x) {
  PetscFunctionBeginUser;
  DM sdm = grid_.scalar_dm();
  PetscScalar ***eta = nullptr, ***rest = nullptr;
  PetscCall(DMDAVecGetArray(sdm, eta_, &eta));
  PetscCall(DMDAVecGetArray(rdm_, rest_, &rest));
  st_->newtonian = newtonian_;
  const double eta_ref = setup_.rheology.viscosity(setup_.rheology.law.reference_rate);
  // The metal voxels alone: hold() gave every other voxel η(ε̇_ref) and no rest.
  for (const Node& c : metal_voxels_) {
    double e = eta_ref, normal[3] = {0, 0, 0}, shear[3] = {0, 0, 0};
    st_->rates(x, c, normal, shear);
    const double n2 = normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2];
    const double s2 = shear[0] * shear[0] + shear[1] * shear[1] + shear[2] * shear[2];
    if (!newtonian_)
      e = setup_.rheology.viscosity(physics::PowerLawViscosity::equivalent_rate(normal[0], normal[1], normal[2],
                                                                                shear[0], shear[1], shear[2]));
    eta[c[2]][c[1]][c[0]] = e;
    for (int q = 0; q < 3; ++q) rest[c[2]][c[1]][3 * c[0] + q] = n2 + 2 * (s2 - shear[q] * shear[q]);
  }
  PetscCall(DMDAVecRestoreArray(rdm_, rest_, &rest));
  PetscCall(DMDAVecRestoreArray(sdm, eta_, &eta));
  PetscCall(DMDAVecRestoreArrayRead(sdm, eta_local_, &st_->eta));
  PetscCall(DMDAVecRestoreArrayRead(rdm_, rest_local_, &st_->rest));
  PetscCall(DMGlobalToLocalBegin(sdm, eta_, INSERT_VALUES, eta_local_));
  PetscCall(DMGlobalToLocalEnd(sdm, eta_, INSERT_VALUES, eta_local_));
  PetscCall(DMGlobalToLocalBegin(rdm_, rest_, INSERT_VALUES, rest_local_));
  PetscCall(DMGlobalToLocalEnd(rdm_, rest_, INSERT_VALUES, rest_local_));
  PetscCall(DMDAVecGetArrayRead(sdm, eta_local_, &st_->eta));
  PetscCall(DMDAVecGetArrayRead(rdm_, rest_local_, &st_->rest));
  PetscFunctionReturn(0);
}

PetscErrorCode CreepFlow::residual(const PetscScalar* const* const* x, PetscScalar*** out) {
  PetscFunctionBeginUser;
  PetscCall(update_viscosity(x));
  std::size_t next = 0; // the next live node: live_nodes_ is in the node loop's order
  PetscCall(for_each_node(dm_, [&](const Node& m) -> PetscErrorCode {
    PetscFunctionBeginUser;
    if (next < live_nodes_.size() && live_nodes_[next] == m) {
      ++next;
      for (int d = 0; d < kDof; ++d) out[m[2]][m[1]][kDof * m[0] + d] = st_->row(d, m, x).value(x);
    } else { // no unknown here: row()'s identities, x − the fixed face's velocity, as row() sums them
      for (int a = 0; a < 3; ++a)
        out[m[2]][m[1]][kDof * m[0] + a] = -st_->face(a, m).value / st_->u0 + x[m[2]][m[1]][kDof * m[0] + a];
      out[m[2]][m[1]][kDof * m[0] + kPressure] = x[m[2]][m[1]][kDof * m[0] + kPressure];
    }
    PetscFunctionReturn(0);
  }));
  PetscFunctionReturn(0);
}

PetscErrorCode CreepFlow::assemble(const PetscScalar* const* const* x, Mat p, bool viscosity_current) {
  PetscFunctionBeginUser;
  if (!viscosity_current) PetscCall(update_viscosity(x));
  PetscCall(MatSetOption(p, MAT_IGNORE_ZERO_ENTRIES, PETSC_TRUE));
  PetscCall(MatSetOption(p, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  auto add_rows = [&](const Node& m) -> PetscErrorCode {
    PetscFunctionBeginUser;
    for (int d = 0; d < kDof; ++d) {
      const Row r = st_->row(d, m, x);
      MatStencil row = {m[2], m[1], m[0], d}, cols[kRowTerms];
      PetscScalar values[kRowTerms];
      for (int q = 0; q < r.size; ++q) {
        cols[q] = {r.t[q].n[2], r.t[q].n[1], r.t[q].n[0], r.t[q].dof};
        values[q] = r.t[q].a;
      }
      PetscCall(MatSetValuesStencil(p, 1, &row, r.size, cols, values, ADD_VALUES));
    }
    PetscFunctionReturn(0);
  };
  if (p != p_ || matrix_fresh_) { // every row, the identities of the nodes without unknowns too
    PetscCall(MatZeroEntries(p));
    PetscCall(for_each_node(dm_, add_rows));
  } else { // the identities stay: the live nodes' rows afresh, summed from zero as above
    PetscCall(MatZeroRows(p, PetscInt(live_rows_.size()), live_rows_.data(), 0.0, nullptr, nullptr));
    for (const Node& m : live_nodes_) PetscCall(add_rows(m));
  }
  PetscCall(MatAssemblyBegin(p, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(p, MAT_FINAL_ASSEMBLY));
  if (p == p_) matrix_fresh_ = false;
  if (block_ && block_->wants_schur_diagonal()) { // the mass Ŝ: −η(ε̇_ref)/η in each Na voxel (creep_block_solve.hpp)
    const double eta_unit = setup_.rheology.viscosity(setup_.rheology.law.reference_rate);
    std::vector<PetscScalar> schur;
    PetscCall(for_each_node(dm_, [&](const Node& m) -> PetscErrorCode {
      if (st_->metal_at(m)) schur.push_back(-eta_unit / st_->viscosity(m));
      return 0;
    }));
    PetscCall(block_->set_schur_diagonal(schur));
  }
  PetscFunctionReturn(0);
}

void CreepFlow::let_go() {
  DM sdm = grid_.scalar_dm();
  if (st_->cells) (void)DMDAVecRestoreArrayRead(sdm, cells_local_, &st_->cells);
  if (st_->source) (void)DMDAVecRestoreArrayRead(sdm, source_local_, &st_->source);
  if (st_->eta) (void)DMDAVecRestoreArrayRead(sdm, eta_local_, &st_->eta);
  if (st_->faces) (void)DMDAVecRestoreArrayRead(dm_, faces_local_, &st_->faces);
  if (st_->rest) (void)DMDAVecRestoreArrayRead(rdm_, rest_local_, &st_->rest);
  st_->cells = st_->source = st_->eta = st_->faces = st_->rest = nullptr;
}

void CreepFlow::hold(Vec cells, Vec source) {
  let_go();
  DM sdm = grid_.scalar_dm();
  NAVOX_CALL(DMGlobalToLocalBegin(sdm, cells, INSERT_VALUES, cells_local_));
  NAVOX_CALL(DMGlobalToLocalEnd(sdm, cells, INSERT_VALUES, cells_local_));
  NAVOX_CALL(DMDAVecGetArrayRead(sdm, cells_local_, &st_->cells));
  if (source) {
    NAVOX_CALL(DMGlobalToLocalBegin(sdm, source, INSERT_VALUES, source_local_));
    NAVOX_CALL(DMGlobalToLocalEnd(sdm, source, INSERT_VALUES, source_local_));
    NAVOX_CALL(DMDAVecGetArrayRead(sdm, source_local_, &st_->source));
  }
  NAVOX_CALL(DMDAVecGetArrayRead(sdm, eta_local_, &st_->eta));
  NAVOX_CALL(DMDAVecGetArrayRead(rdm_, rest_local_, &st_->rest));
  PetscScalar*** codes = nullptr;
  NAVOX_CALL(DMDAVecGetArray(dm_, f_, &codes));
  NAVOX_CALL(for_each_node(dm_, [&](const Node& m) -> PetscErrorCode {
    for (int a = 0; a < 3; ++a) codes[m[2]][m[1]][kDof * m[0] + a] = Stencil::code(st_->classify(a, m));
    return 0;
  }));
  NAVOX_CALL(DMDAVecRestoreArray(dm_, f_, &codes));
  NAVOX_CALL(DMGlobalToLocalBegin(dm_, f_, INSERT_VALUES, faces_local_));
  NAVOX_CALL(DMGlobalToLocalEnd(dm_, f_, INSERT_VALUES, faces_local_));
  NAVOX_CALL(DMDAVecGetArrayRead(dm_, faces_local_, &st_->faces));
  // The rows that carry unknowns: the active faces' velocities, the Na voxels' pressures.
  // Their nodes are the only ones whose rows residual() and assemble() work out.
  PetscInt row = 0;
  NAVOX_CALL(VecGetOwnershipRange(x_, &row, nullptr));
  auto carries = [&](const Node& m, int d) {
    return d == kPressure ? st_->metal_at(m) : st_->face(d, m).kind == Stencil::active;
  };
  live_nodes_.clear();
  live_rows_.clear();
  NAVOX_CALL(for_each_node(dm_, [&](const Node& m) -> PetscErrorCode {
    if (carries(m, 0) || carries(m, 1) || carries(m, 2) || carries(m, kPressure)) {
      live_nodes_.push_back(m);
      for (int d = 0; d < kDof; ++d) live_rows_.push_back(row + d);
    }
    row += kDof;
    return 0;
  }));
  make_picard_matrix();
  reset_viscosity();
  if (block_) { // the block solve's unknowns: each live node's rows that carry one
    int bodies = 0;
    const std::vector<int> body_of = enclosed_bodies(cells, bodies);
    std::vector<PetscInt> rows;
    std::vector<char> is_pressure;
    std::vector<int> body;
    // The live nodes with a pressure row are the metal voxels, met in the order
    // metal_voxels_ lists them (both x fastest over the rank's block).
    collectively(grid_.comm(), [&] {
      std::size_t metal = 0;
      for (std::size_t q = 0; q < live_nodes_.size(); ++q)
        for (int d = 0; d < kDof; ++d)
          if (carries(live_nodes_[q], d)) {
            rows.push_back(live_rows_[kDof * q + d]);
            is_pressure.push_back(d == kPressure);
            if (d != kPressure) continue;
            if (metal >= metal_voxels_.size() || metal_voxels_[metal] != live_nodes_[q])
              throw Error("creep flow: the pressure rows are not in the metal voxels' order");
            body.push_back(body_of[metal++]);
          }
    });
    block_->set_rows(rows, is_pressure, body, bodies);
    return;
  }
  KSP step_lu = nullptr;
  SNES step = nullptr;
  NAVOX_CALL(SNESGetNPC(anderson_, &step));
  NAVOX_CALL(SNESGetKSP(step, &step_lu));
  for (KSP ksp : {picard_, step_lu}) fresh_reduced_factor(ksp);
}

void CreepFlow::make_picard_matrix() {
  // The faces that carry unknowns follow the kinds: a fresh pattern for the Picard matrix,
  // preallocated row by row and holding only the entries assembled. (DMCreateMatrix would
  // work out and allocate the box stencil's 108 columns in every row, where most rows are
  // identities; and left in, the box's zeros would make the LU factors several times denser.)
  if (p_) NAVOX_CALL(MatDestroy(&p_));
  PetscInt owned = 0, all = 0;
  NAVOX_CALL(VecGetLocalSize(x_, &owned));
  NAVOX_CALL(VecGetSize(x_, &all));
  NAVOX_CALL(MatCreate(grid_.comm(), &p_));
  NAVOX_CALL(MatSetSizes(p_, owned, owned, all, all));
  // The DMDA matrix's block size of 4, which MUMPS reads: with block size 1 the whole
  // grid's LU of the Newton steps ran out of its workspace (INFOG(1) = -9) in
  // verification.creep_channel, where the DMDA's matrix did not.
  NAVOX_CALL(MatSetBlockSize(p_, kDof));
  NAVOX_CALL(MatSetType(p_, MATAIJ));
  // What DMCreateMatrix gives a DMDA's matrix for MatSetValuesStencil: the ghosted
  // block's local-to-global map and its corners (x first).
  ISLocalToGlobalMapping map = nullptr;
  NAVOX_CALL(DMGetLocalToGlobalMapping(dm_, &map));
  NAVOX_CALL(MatSetLocalToGlobalMapping(p_, map, map));
  PetscInt starts[3], dims[3];
  NAVOX_CALL(DMDAGetGhostCorners(dm_, &starts[0], &starts[1], &starts[2], &dims[0], &dims[1], &dims[2]));
  NAVOX_CALL(MatSetStencil(p_, 3, dims, starts, kDof));
  // An identity row holds its diagonal; a live row at most a row's terms.
  PetscInt first = 0;
  NAVOX_CALL(VecGetOwnershipRange(x_, &first, nullptr));
  std::vector<PetscInt> on(std::size_t(owned), 1), off(std::size_t(owned), 0);
  for (PetscInt r : live_rows_) {
    on[std::size_t(r - first)] = std::min(PetscInt(kRowTerms), owned);
    off[std::size_t(r - first)] = std::min(PetscInt(kRowTerms), all - owned);
  }
  NAVOX_CALL(MatSeqAIJSetPreallocation(p_, 0, on.data())); // the one that fits the type acts
  NAVOX_CALL(MatMPIAIJSetPreallocation(p_, 0, on.data(), 0, off.data()));
  // A DMDA's matrix takes each MatSetValues call as a whole sorted row and stores it by
  // position (MAT_SORTED_FULL); a row here comes in stencil order with repeated columns.
  // Stored by position, a row kept them unsorted and repeated (a voxel's diagonal in up
  // to seven entries): products and MUMPS, which sum them, were right, but the diagonal,
  // submatrices and any preconditioner built on them (Jacobi, ILU, AMG) were not.
  NAVOX_CALL(MatSetOption(p_, MAT_SORTED_FULL, PETSC_FALSE));
  // assemble() zeroes only the live rows after the first assembly, keeping their pattern.
  NAVOX_CALL(MatSetOption(p_, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE));
  matrix_fresh_ = true;
}

std::vector<int> CreepFlow::enclosed_bodies(Vec cells, int& count) const {
  DM sdm = grid_.scalar_dm();
  Vec mask = nullptr;
  NAVOX_CALL(VecDuplicate(cells, &mask));
  PetscScalar*** on = nullptr;
  NAVOX_CALL(DMDAVecGetArray(sdm, mask, &on));
  for_each_voxel(grid_.owned(), [&](const Node& c) { on[c[2]][c[1]][c[0]] = st_->metal_at(c) ? 1.0 : 0.0; });
  NAVOX_CALL(DMDAVecRestoreArray(sdm, mask, &on));
  ComponentLabels comp{};
  try {
    comp = connected_components(grid_, mask, 6);
  } catch (...) {
    (void)VecDestroy(&mask);
    throw;
  }
  (void)VecDestroy(&mask);
  std::vector<std::int64_t> label;
  std::map<std::int64_t, double> open; // this rank's: whether a voxel of it touches room
  const PetscScalar* const* const* lab = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(sdm, comp.labels, &lab));
  for (const Node3& c : metal_voxels_) {
    const auto l = std::int64_t(lab[c[2]][c[1]][c[0]]);
    bool room = false;
    for (int d = 0; d < 3; ++d)
      for (int side : {-1, 1}) {
        Node o = c;
        o[std::size_t(d)] += side;
        room = room || st_->cell(o).type == empty;
      }
    label.push_back(l);
    open[l] = std::max(open[l], room ? 1.0 : 0.0);
  }
  NAVOX_CALL(DMDAVecRestoreArrayRead(sdm, comp.labels, &lab));
  NAVOX_CALL(VecDestroy(&comp.labels));
  std::vector<double> mine;
  for (const auto& [l, o] : open) mine.insert(mine.end(), {double(l), o});
  const std::vector<double> all = gather_all(grid_, mine);
  std::map<std::int64_t, double> merged;
  for (std::size_t at = 0; at + 2 <= all.size(); at += 2) {
    double& o = merged[std::int64_t(all[at])];
    o = std::max(o, all[at + 1]);
  }
  std::map<std::int64_t, int> index;
  count = 0;
  for (const auto& [l, o] : merged)
    if (o == 0) index[l] = count++;
  std::vector<int> out;
  for (const std::int64_t l : label) {
    const auto it = index.find(l);
    out.push_back(it == index.end() ? -1 : it->second);
  }
  return out;
}

void CreepFlow::reset_viscosity() {
  metal_voxels_.clear();
  PetscScalar ***eta = nullptr, ***rest = nullptr;
  DM sdm = grid_.scalar_dm();
  NAVOX_CALL(DMDAVecGetArray(sdm, eta_, &eta));
  NAVOX_CALL(DMDAVecGetArray(rdm_, rest_, &rest));
  const double eta_ref = setup_.rheology.viscosity(setup_.rheology.law.reference_rate);
  for_each_voxel(grid_.owned(), [&](const Node& c) {
    if (st_->metal_at(c)) metal_voxels_.push_back(c);
    eta[c[2]][c[1]][c[0]] = eta_ref;
    for (int q = 0; q < 3; ++q) rest[c[2]][c[1]][3 * c[0] + q] = 0;
  });
  NAVOX_CALL(DMDAVecRestoreArray(rdm_, rest_, &rest));
  NAVOX_CALL(DMDAVecRestoreArray(sdm, eta_, &eta));
}

PetscErrorCode CreepFlow::evaluate(bool matrix) {
  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(dm_, x_, INSERT_VALUES, x_local_));
  PetscCall(DMGlobalToLocalEnd(dm_, x_, INSERT_VALUES, x_local_));
  const PetscScalar* const* const* xl = nullptr;
  PetscScalar*** fl = nullptr;
  PetscCall(DMDAVecGetArrayRead(dm_, x_local_, &xl));
  PetscCall(DMDAVecGetArray(dm_, f_, &fl));
  PetscCall(residual(xl, fl));
  PetscCall(DMDAVecRestoreArray(dm_, f_, &fl));
  if (matrix) PetscCall(assemble(xl, p_, true)); // residual() has just set the viscosity of x
  PetscCall(DMDAVecRestoreArrayRead(dm_, x_local_, &xl));
  PetscFunctionReturn(0);
}

void CreepFlow::forget_solution() {
  NAVOX_CALL(VecSet(x_, 0.0));
  started_ = false;
}

CreepFlowResult CreepFlow::solve(Vec cells, Vec source) {
  hold(cells, source);
  CreepFlowResult result;
  // Picard: x ← x − P(x)⁻¹ F(x), until F falls by 100; from rest the first at the
  // viscosity of ε̇_ref (a Newtonian flow: the kinematics of a driven flow, a scale for the rest).
  // The scale of the loads: |F| at rest with the viscosity of ε̇_ref.
  double loads = 0;
  NAVOX_CALL(VecCopy(x_, dx_));
  NAVOX_CALL(VecSet(x_, 0.0));
  newtonian_ = true;
  NAVOX_CALL(evaluate(false));
  NAVOX_CALL(VecNorm(f_, NORM_2, &loads));
  NAVOX_CALL(VecCopy(dx_, x_));
  // Picard iterations: at most `max_its`, until |F| ≤ tol × loads (or, with `first_drop`,
  // until F has fallen by 100 since the first), each with a new factorisation.
  auto picard = [&](int max_its, double tol, bool first_drop) {
    double f0 = 0;
    for (int it = 0; it < max_its; ++it) {
      newtonian_ = !started_ && it == 0;
      NAVOX_CALL(evaluate(true));
      double fn = 0;
      NAVOX_CALL(VecNorm(f_, NORM_2, &fn));
      if (fn <= tol * loads) return true;
      if (it == 0) f0 = fn;
      else if (first_drop && fn < 1e-2 * f0) return true;
      NAVOX_CALL(KSPSetOperators(picard_, p_, p_));
      NAVOX_CALL(KSPSolve(picard_, f_, dx_));
      KSPConvergedReason why;
      NAVOX_CALL(KSPGetConvergedReason(picard_, &why));
      if (why < 0)
        throw CollectiveError("creep flow: the Picard linear solve failed (" +
                              std::string(KSPConvergedReasons[why]) + ")");
      PetscInt lits = 0;
      NAVOX_CALL(KSPGetIterationNumber(picard_, &lits));
      result.linear_iterations += block_ ? block_->take_iterations() : int(lits);
      NAVOX_CALL(VecAXPY(x_, -1.0, dx_));
      ++result.picard_iterations;
      newtonian_ = false;
      started_ = true;
    }
    return false;
  };
  if (setup_.picard_tolerance > 0) {
    // From rest the Newtonian step; then Anderson's mixing of Picard steps. Each step
    // assembles and factors the Picard matrix of its iterate (hold() made p_ afresh).
    if (!started_) picard(1, setup_.picard_tolerance, false);
    newtonian_ = false;
    started_ = true;
    SNES step = nullptr;
    NAVOX_CALL(SNESGetNPC(anderson_, &step));
    NAVOX_CALL(SNESSetJacobian(step, p_, p_, nullptr, nullptr));
    NAVOX_CALL(SNESSetTolerances(anderson_, setup_.picard_tolerance * loads, 0.0, 0.0, 40, -1));
    NAVOX_CALL(SNESSolve(anderson_, nullptr, x_));
    SNESConvergedReason reason = SNES_CONVERGED_ITERATING, inner = SNES_CONVERGED_ITERATING;
    NAVOX_CALL(SNESGetConvergedReason(anderson_, &reason));
    NAVOX_CALL(SNESGetConvergedReason(step, &inner));
    PetscInt its = 0;
    NAVOX_CALL(SNESGetIterationNumber(anderson_, &its));
    result.picard_iterations += int(its);
    if (block_) result.linear_iterations += block_->take_iterations(); // the mixing's steps too
    if (reason < 0) {
      // The mixing failed (an inner Picard step's linear solve or a mixed iterate gone
      // bad): plain Picard iterations from the Newtonian step instead, which only
      // ever take the step their own factorisation gives.
      forget_solution();
      if (!picard(40, setup_.picard_tolerance, false))
        throw CollectiveError(std::string("creep flow: Picard did not converge in 40 iterations (after Anderson's "
                                          "mixing failed: ") +
                              SNESConvergedReasons[reason] + ", its inner step " + SNESConvergedReasons[inner] + ")");
    }
    NAVOX_CALL(evaluate(false));
    NAVOX_CALL(VecNorm(f_, NORM_2, &result.residual));
    return result;
  }
  // Newton–Krylov after a few Picard steps; if Newton fails from there (a line search
  // that finds no descent far from the solution), Picard brings it closer and Newton
  // starts again once.
  // Converged at 1e-8 of the loads or 1e-9 of Newton's first residual: the differences
  // of F that give Newton its Jacobian carry no more digits than that.
  NAVOX_CALL(SNESSetTolerances(snes_, 1e-8 * loads, 1e-9, 0.0, 50, -1));
  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
  PetscInt its = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 0) picard(started_ ? 2 : 4, 1e-8, true);
    else picard(40, 1e-6, false);
    newtonian_ = false;
    started_ = true;
    NAVOX_CALL(SNESSetJacobian(snes_, j_, p_, nullptr, nullptr));
    NAVOX_CALL(SNESSolve(snes_, nullptr, x_));
    NAVOX_CALL(SNESGetConvergedReason(snes_, &reason));
    PetscInt lits = 0, n = 0;
    NAVOX_CALL(SNESGetIterationNumber(snes_, &n));
    NAVOX_CALL(SNESGetLinearSolveIterations(snes_, &lits));
    its += n;
    result.linear_iterations += int(lits);
    if (reason > 0) break;
  }
  result.newton_iterations = int(its);
  NAVOX_CALL(evaluate(false)); // the viscosity of the solution, x_local_ for the results
  NAVOX_CALL(VecNorm(f_, NORM_2, &result.residual));
  if (reason < 0)
    throw CollectiveError("creep flow: Newton did not converge (" + std::string(SNESConvergedReasons[reason]) + ", " +
                          std::to_string(its) + " iterations, scaled residual " + std::to_string(result.residual) +
                          ")");
  return result; // the source's ghosted copy stays held for inflow(), until the next solve
}

template <class Fn> void CreepFlow::per_voxel(Vec out, Fn&& value) const {
  if (!st_->cells) throw Error("creep flow: results asked before a solve");
  const PetscScalar* const* const* x = nullptr;
  PetscScalar*** o = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(dm_, x_local_, &x));
  NAVOX_CALL(DMDAVecGetArray(grid_.scalar_dm(), out, &o));
  for_each_voxel(grid_.owned(), [&](const Node& c) { o[c[2]][c[1]][c[0]] = value(x, c); });
  NAVOX_CALL(DMDAVecRestoreArray(grid_.scalar_dm(), out, &o));
  NAVOX_CALL(DMDAVecRestoreArrayRead(dm_, x_local_, &x));
}

void CreepFlow::pressure(Vec p) const {
  per_voxel(p, [&](Array x, const Node& c) {
    return st_->metal_at(c) ? x[c[2]][c[1]][kDof * c[0] + kPressure] * st_->p0 : 0.0;
  });
}

void CreepFlow::cell_velocity(Vec ux, Vec uy, Vec uz) const {
  Vec u[3] = {ux, uy, uz};
  for (int a = 0; a < 3; ++a)
    per_voxel(u[a], [&](Array x, const Node& c) {
      Row r;
      st_->velocity(r, a, c, 0.5, nullptr);
      st_->velocity(r, a, shifted(c, a, 1), 0.5, nullptr);
      return r.value(x);
    });
}

void CreepFlow::inflow(Vec rate) const {
  // The metal gives up its sources and what recedes from its free surfaces, and passes on
  // what the reservoirs and platens bring; the empty voxels receive what crosses their
  // faces from the metal, scaled so that the two balance exactly (they differ by the
  // 1e-10 compressibility alone: without the scaling a full voxel deep in the metal
  // would end ~1e-11 short of full, and so count as one with room).
  double emitted = 0, received = 0; // [1/s × voxels]
  per_voxel(rate, [&](Array x, const Node& c) {
    const int type = st_->cell(c).type;
    if (type == wall) return 0.0;
    double q = type == metal && st_->source ? -st_->source[c[2]][c[1]][c[0]] : 0.0;
    if (type == metal) emitted -= q;
    for (int a = 0; a < 3; ++a)
      for (int side = 0; side < 2; ++side) {
        const Node m = shifted(c, a, side); // the face's node
        const Node o = shifted(c, a, side ? 1 : -1);
        Row r;
        st_->velocity(r, a, m, (side ? -1.0 : 1.0) / st_->h[std::size_t(a)], nullptr);
        const double in = r.value(x); // [1/s]: into c, per voxel volume
        const int other = st_->cell(o).type;
        if (type == metal) {
          if (st_->outside(o)) emitted += in;                           // a reservoir or platen
          else if (other == empty && in > 0) q -= in, emitted += in;    // a receding free surface
        } else if (other == metal && in > 0) {
          q += in;
        }
      }
    if (type != metal) received += q;
    return q;
  });
  double local[2] = {emitted, received}, all[2] = {0, 0};
  MPI_Allreduce(local, all, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  if (!(all[1] > 0)) { // no free space reached: nothing moves (Na sealed in by walls)
    NAVOX_CALL(VecSet(rate, 0.0));
    return;
  }
  const double scale = all[0] / all[1];
  PetscScalar*** o = nullptr;
  NAVOX_CALL(DMDAVecGetArray(grid_.scalar_dm(), rate, &o));
  for_each_voxel(grid_.owned(), [&](const Node& c) {
    if (st_->cell(c).type == empty) o[c[2]][c[1]][c[0]] *= scale;
  });
  NAVOX_CALL(DMDAVecRestoreArray(grid_.scalar_dm(), rate, &o));
}

double CreepFlow::side_force(int side) const {
  if (!st_->cells) throw Error("creep flow: results asked before a solve");
  const int d = side / 2;
  const auto ax = std::size_t(d);
  const PetscInt plane = side % 2 ? st_->n[ax] - 1 : 0;
  const double area = grid_.cell_volume() / st_->h[ax];
  const PetscScalar* const* const* x = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(dm_, x_local_, &x));
  double force = 0;
  for_each_voxel(grid_.owned(), [&](const Node& c) {
    if (c[ax] != plane || !st_->metal_at(c)) return;
    Row r;
    st_->normal_stress(r, d, c, -area);
    force += r.value(x);
  });
  NAVOX_CALL(DMDAVecRestoreArrayRead(dm_, x_local_, &x));
  double all = 0;
  MPI_Allreduce(&force, &all, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return all;
}

double CreepFlow::flux(int axis, std::int64_t plane) const {
  if (!st_->cells) throw Error("creep flow: results asked before a solve");
  const auto ax = std::size_t(axis);
  const double area = grid_.cell_volume() / st_->h[ax];
  const PetscScalar* const* const* x = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(dm_, x_local_, &x));
  double q = 0;
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(dm_, &xs, &ys, &zs, &xm, &ym, &zm));
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) {
        const Node m{i, j, k};
        bool inside = m[ax] == PetscInt(plane);
        for (std::size_t b = 0; b < 3; ++b)
          if (b != ax && m[b] >= st_->n[b]) inside = false;
        if (!inside) continue;
        Row r;
        st_->velocity(r, axis, m, area, nullptr);
        q += r.value(x);
      }
  NAVOX_CALL(DMDAVecRestoreArrayRead(dm_, x_local_, &x));
  double all = 0;
  MPI_Allreduce(&q, &all, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return all;
}

} // namespace navox
