#include "solver/analysis/effective_conductivity.hpp"

#include "solver/analysis/conduction_stencil.hpp"

#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/stencil.hpp"
#include "physics/electrochemistry/ionic_conduction.hpp"
#include "solver/multigrid/aggregation_mg.hpp"

#include <petscksp.h>
#include <petsctime.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace navox {

using physics::IonicConduction;

namespace {

/// The preconditioner unless `-analyze_pc_type` names another (see docs/performance.md).
constexpr const char* kDefaultPC = PCMG;

/// Conductance [S] of a face between two voxels of the phase (unit conductivity).
double face_conductance(const std::array<double, 3>& h, int face) {
  return -IonicConduction::between(0, 0, 1.0, 1.0, face_area(h, face), h[face_axis(face)]).d_self;
}

/// Conductance [S] from a voxel on the inlet or outlet face to the electrode half a voxel away.
double electrode_conductance(const std::array<double, 3>& h, int axis) {
  return -IonicConduction::to_electrode(0, 0, 1.0, face_area(h, 2 * axis), h[axis]).d_self;
}

/// The preconditioner `-analyze_pc_type` names, else the default.
std::string requested_pc() {
  char pc_type[64] = "";
  PetscBool pc_set = PETSC_FALSE;
  NAVOX_CALL(PetscOptionsGetString(nullptr, "analyze_", "-pc_type", pc_type, sizeof pc_type, &pc_set));
  return pc_set ? pc_type : kDefaultPC;
}

} // namespace

/// Everything that depends on which components span the direction, but not on the direction.
struct ConductivitySolver::System {
  std::vector<std::int64_t> spanning;
  std::vector<PetscInt> index; ///< global row of each owned voxel (block order), -1 without unknown
  PetscInt first = 0;          ///< this rank's first row
  PetscInt total = 0;          ///< rows on all ranks
  std::string pc_type;         ///< the preconditioner: -analyze_pc_type, else the default
  /// The operator without an assembled matrix; a direction's electrode terms are set on it.
  std::unique_ptr<ConductionStencil> stencil;
  /// The default preconditioner's operator is the stencil itself; any other gets the
  /// matrix of its rows, whose diagonal each direction takes from the stencil's.
  Mat A = nullptr;
  Vec b = nullptr, x = nullptr;
  KSP ksp = nullptr;
  std::unique_ptr<AggregationMG> mg;

  System() = default;
  System(const System&) = delete;
  System& operator=(const System&) = delete;
  ~System();

  /// Numbers the voxels of the spanning components rank by rank (block order).
  void number_unknowns(const Grid& grid, const std::vector<double>& components);
  /// The operator with insulating domain faces (ConductionStencil): two-point fluxes
  /// between face neighbours that both carry an unknown, rows scaled by `scale`; A is the
  /// stencil for the default preconditioner, else the matrix of its rows.
  void create_operator(const Grid& grid, double scale);
  /// CG with the default or requested preconditioner; aggregation multigrid gets its hierarchy here.
  void create_solver(const Grid& grid);
};

ConductivitySolver::System::~System() {
    mg.reset();
    (void)KSPDestroy(&ksp);
    (void)VecDestroy(&x);
    (void)VecDestroy(&b);
    (void)MatDestroy(&A);
}

void ConductivitySolver::System::create_operator(const Grid& grid, double scale) {
  const auto& h = grid.spec().spacing;
  stencil = std::make_unique<ConductionStencil>(
      grid, index,
      std::array<double, 3>{face_conductance(h, 0) * scale, face_conductance(h, 2) * scale, face_conductance(h, 4) * scale});
  const Mat S = stencil->mat();
  if (pc_type == kDefaultPC) {
    A = S;
    NAVOX_CALL(PetscObjectReference(reinterpret_cast<PetscObject>(A)));
  } else {
    A = assembled_rows(S);
  }
  NAVOX_CALL(MatCreateVecs(A, &x, &b));
}

void ConductivitySolver::System::number_unknowns(const Grid& grid, const std::vector<double>& lab) {
  index.assign(static_cast<std::size_t>(grid.owned().size()), -1);
  PetscInt rows = 0;
  for (std::size_t v = 0; v < index.size(); ++v)
    if (lab[v] >= 0 && std::binary_search(spanning.begin(), spanning.end(), std::int64_t(lab[v])))
      index[v] = rows++;
  first = static_cast<PetscInt>(lower_ranks_sum(grid.comm(), rows));
  for (PetscInt& r : index)
    if (r >= 0) r += first;
  MPI_Allreduce(&rows, &total, 1, MPIU_INT, MPI_SUM, grid.comm());
}

void ConductivitySolver::System::create_solver(const Grid& grid) {
  NAVOX_CALL(KSPCreate(grid.comm(), &ksp));
  NAVOX_CALL(KSPSetOptionsPrefix(ksp, "analyze_"));
  NAVOX_CALL(KSPSetType(ksp, KSPCG));
  NAVOX_CALL(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 2000));
  NAVOX_CALL(KSPSetOperators(ksp, A, A));
  PC pc = nullptr;
  NAVOX_CALL(KSPGetPC(ksp, &pc));
  // PCMG needs its level count before the options are read, so that
  // -analyze_pc_mg_levels and the level smoothers' options still apply.
  if (pc_type == PCMG) {
    // The multigrid preconditioner is itself iterative on coarse levels: flexible outer CG.
    // The stencil's diagonal changes by the electrode terms, which solve() knows: no copy of it kept.
    mg = std::make_unique<AggregationMG>(grid, index, A, /*keep_diagonal=*/false);
    mg->configure(pc);
    NAVOX_CALL(KSPSetType(ksp, KSPFCG));
    NAVOX_CALL(KSPFCGSetMmax(ksp, 1)); // Notay's FCG(1): one stored direction, as CG
  } else {
    NAVOX_CALL(PCSetType(pc, pc_type.c_str()));
  }
  NAVOX_CALL(KSPSetFromOptions(ksp));
}

ConductivitySolver::ConductivitySolver(const Grid& grid, Vec components) : grid_(grid) {
  if (grid.spec().periodic_lateral)
    throw Error("effective conductivity: needs a non-periodic grid (zero flux on the side faces)");
  const PetscScalar* lab = nullptr;
  PetscInt n = 0;
  NAVOX_CALL(VecGetLocalSize(components, &n));
  NAVOX_CALL(VecGetArrayRead(components, &lab));
  const double mine = static_cast<double>(std::count_if(lab, lab + n, [](PetscScalar l) { return l >= 0; }));
  NAVOX_CALL(VecRestoreArrayRead(components, &lab));
  MPI_Allreduce(&mine, &phase_voxels_, 1, MPI_DOUBLE, MPI_SUM, grid.comm());
  for (int axis = 0; axis < 3; ++axis) {
    const std::vector<std::int64_t> in = labels_on_face(grid, components, axis, 0);
    const std::vector<std::int64_t> out = labels_on_face(grid, components, axis, 1);
    std::set_intersection(in.begin(), in.end(), out.begin(), out.end(), std::back_inserter(spanning_[axis]));
  }
  components_.pack(components);
}

ConductivitySolver::~ConductivitySolver() = default;

ConductivityResult ConductivitySolver::solve(int axis) {
  if (axis < 0 || axis > 2) throw Error("effective conductivity: axis must be 0, 1 or 2");
  PetscLogDouble t0 = 0, t1 = 0;
  NAVOX_CALL(PetscTime(&t0));
  const std::vector<std::int64_t>& spanning = spanning_[axis];

  ConductivityResult r;
  r.axis = axis;
  const double voxels = double(grid_.voxel_count());
  r.volume_fraction = phase_voxels_ / voxels;
  if (spanning.empty())
    throw NotPercolating(std::string("the analysed phase does not percolate along ") + axis_name(axis) +
                         ": no connected cluster touches both the " + axis_name(axis) + " = 0 and " +
                         axis_name(axis) + " = L faces (volume fraction " + std::to_string(r.volume_fraction) +
                         ")");
  const auto& h = grid_.spec().spacing;
  // Row scaling: makes the diagonal O(1) on isotropic grids.
  const double scale = std::pow(std::min({h[0], h[1], h[2]}), 2) / grid_.cell_volume();
  if (!system_ || system_->spanning != spanning) {
    system_.reset(); // before the labels are unpacked: the old system's memory is free again
    auto s = std::make_unique<System>();
    s->spanning = spanning;
    s->pc_type = requested_pc();
    s->number_unknowns(grid_, components_.unpacked());
    s->create_operator(grid_, scale);
    s->create_solver(grid_);
    system_ = std::move(s);
  }
  System& s = *system_;
  r.active_fraction = s.total / voxels;

  // The direction enters only through the electrode terms of the inlet and outlet voxels.
  const Box b = grid_.owned();
  const std::int64_t last = grid_.spec().dims[axis] - 1;
  const double g_electrode = electrode_conductance(h, axis) * scale;
  // The stencil adds this direction's electrode terms itself. The multigrid gets their
  // change of the diagonal since it was built (in x, idle until the solve); an assembled
  // A gets the stencil's whole diagonal.
  s.stencil->set_electrodes(axis, g_electrode);
  if (s.mg) NAVOX_CALL(VecSet(s.x, 0.0));
  NAVOX_CALL(VecSet(s.b, 0.0));
  PetscScalar *diag = nullptr, *rhs = nullptr;
  NAVOX_CALL(VecGetArray(s.x, &diag));
  NAVOX_CALL(VecGetArray(s.b, &rhs));
  for (std::int64_t plane : {std::int64_t(0), last})
    for_each_on_plane(b, axis, plane, [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      const PetscInt row = s.index[static_cast<std::size_t>(b.offset(i, j, k))];
      if (row < 0) return;
      if (s.mg) diag[row - s.first] += g_electrode;
      if (plane == 0) rhs[row - s.first] += g_electrode * 1.0; // inlet potential 1, outlet 0
    });
  NAVOX_CALL(VecRestoreArray(s.b, &rhs));
  NAVOX_CALL(VecRestoreArray(s.x, &diag));
  PC pc = nullptr;
  NAVOX_CALL(KSPGetPC(s.ksp, &pc));
  if (s.mg) {
    s.mg->update_by(pc, s.x);
  } else {
    NAVOX_CALL(MatGetDiagonal(s.stencil->mat(), s.x));
    NAVOX_CALL(MatDiagonalSet(s.A, s.x, INSERT_VALUES));
  }
  NAVOX_CALL(KSPSetOperators(s.ksp, s.A, s.A));
  NAVOX_CALL(VecSet(s.x, 0.0));
  NAVOX_CALL(KSPSolve(s.ksp, s.b, s.x));
  KSPConvergedReason reason;
  NAVOX_CALL(KSPGetConvergedReason(s.ksp, &reason));
  NAVOX_CALL(KSPGetIterationNumber(s.ksp, &r.iterations));
  if (reason < 0)
    throw CollectiveError(std::string("effective conductivity solve along ") + axis_name(axis) +
                          " failed: " + KSPConvergedReasons[reason] + " (try -analyze_ksp_monitor, -analyze_pc_type)");

  // Currents through the inlet and outlet faces: each needs only the voxel's own potential.
  const PetscScalar* x = nullptr;
  NAVOX_CALL(VecGetArrayRead(s.x, &x));
  const double area = face_area(h, 2 * axis);
  double sums[2] = {0, 0}, total[2];
  for (int side = 0; side < 2; ++side)
    for_each_on_plane(b, axis, side == 0 ? 0 : last, [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      const PetscInt row = s.index[static_cast<std::size_t>(b.offset(i, j, k))];
      if (row < 0) return;
      const double phi = x[row - s.first];
      if (side == 0) sums[0] += IonicConduction::to_electrode(phi, 1.0, 1.0, area, h[axis]).value;
      else sums[1] -= IonicConduction::to_electrode(phi, 0.0, 1.0, area, h[axis]).value;
    });
  NAVOX_CALL(VecRestoreArrayRead(s.x, &x));
  MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  r.inlet_current = total[0];
  r.outlet_current = total[1];

  const auto& n = grid_.spec().dims;
  const int a = (axis + 1) % 3, c = (axis + 2) % 3;
  r.ratio = r.inlet_current * (n[axis] * h[axis]) / (n[a] * h[a] * n[c] * h[c]);
  r.tortuosity = r.volume_fraction / r.ratio;
  NAVOX_CALL(PetscTime(&t1));
  r.seconds = double(t1 - t0);
  return r;
}

const char* axis_name(int axis) {
  static const char* names[3] = {"x", "y", "z"};
  return axis >= 0 && axis < 3 ? names[axis] : "?";
}

ConductivityResult effective_conductivity(const Grid& grid, Vec components, int axis) {
  ConductivitySolver solver(grid, components);
  return solver.solve(axis);
}

} // namespace navox
