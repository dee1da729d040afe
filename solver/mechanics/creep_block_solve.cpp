#include "solver/mechanics/creep_block_solve.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/option_default.hpp"

#include <mpi.h>

#include <exception>
#include <string>

namespace navox {

namespace {
constexpr const char* kPrefix = "creep_block_";
} // namespace

void set_gathered_factor_defaults(const std::string& prefix) {
  set_option_default(prefix, "ksp_type", "preonly");
  set_option_default(prefix, "pc_type", "cholesky");
  set_option_default(prefix, "pc_factor_mat_solver_type", "mumps");
  set_option_default(prefix, "mat_mumps_icntl_7", "0");
  set_option_default(prefix, "mat_mumps_icntl_14", "100");
}

void give_new_pc(KSP ksp, const char* prefix, const std::function<void(PC)>& configure) {
  PC pc = nullptr;
  NAVOX_CALL(PCCreate(PetscObjectComm(reinterpret_cast<PetscObject>(ksp)), &pc));
  try {
    NAVOX_CALL(PCSetOptionsPrefix(pc, prefix));
    configure(pc);
    NAVOX_CALL(PCSetFromOptions(pc));
    NAVOX_CALL(KSPSetPC(ksp, pc));
  } catch (...) {
    (void)PCDestroy(&pc);
    throw;
  }
  NAVOX_CALL(PCDestroy(&pc)); // the KSP holds it
}

struct CreepBlockSolve::Callbacks {
  /// The reduced matrix from the whole grid's, whenever the outer KSP's matrix changed.
  static PetscErrorCode set_up(PC pc) {
    PetscFunctionBeginUser;
    CreepBlockSolve* s = nullptr;
    PetscCall(PCShellGetContext(pc, &s));
    Mat whole = nullptr;
    PetscCall(PCGetOperators(pc, nullptr, &whole));
    // Afresh, not reused: a Picard matrix may gain or lose entries (ignored zeros).
    PetscCall(MatDestroy(&s->reduced_));
    PetscCall(MatCreateSubMatrix(whole, s->live_, s->live_, MAT_INITIAL_MATRIX, &s->reduced_));
    PetscCall(KSPSetOperators(s->ksp_, s->reduced_, s->reduced_));
    if (s->bfbt_) PetscCall(hook_schur(s));
    PetscFunctionReturn(0);
  }
  /// The Schur split's preconditioner made the weighted BFBᵀ, once per PCFIELDSPLIT (its
  /// sub-KSPs exist once it is set up).
  static PetscErrorCode hook_schur(CreepBlockSolve* s) {
    PetscFunctionBeginUser;
    PetscCall(KSPSetUp(s->ksp_));
    PC split = nullptr, schur = nullptr;
    PetscCall(KSPGetPC(s->ksp_, &split));
    KSP* sub = nullptr;
    PetscInt n = 0;
    PetscCall(PCFieldSplitSchurGetSubKSP(split, &n, &sub));
    PetscCall(KSPGetPC(sub[1], &schur));
    PetscCall(PetscFree(sub));
    PetscBool shell = PETSC_FALSE;
    PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(schur), PCSHELL, &shell));
    if (!shell) {
      try {
        s->bfbt_->install(schur);
      } catch (const std::exception&) {
        SETERRQ(s->comm_, PETSC_ERR_LIB, "the weighted BFBT could not be installed");
      }
    }
    PetscFunctionReturn(0);
  }
  /// `ksp` on the rows of b and x that carry unknowns.
  static PetscErrorCode solve_live(const CreepBlockSolve* s, KSP ksp, Vec b, Vec x) {
    PetscFunctionBeginUser;
    Vec bl = nullptr, xl = nullptr;
    PetscCall(VecGetSubVector(b, s->live_, &bl));
    PetscCall(VecGetSubVector(x, s->live_, &xl));
    PetscCall(KSPSolve(ksp, bl, xl));
    PetscCall(VecRestoreSubVector(x, s->live_, &xl));
    PetscCall(VecRestoreSubVector(b, s->live_, &bl));
    PetscFunctionReturn(0);
  }
  /// x = b on the identity rows, the reduced solve on the rest.
  static PetscErrorCode apply(PC pc, Vec b, Vec x) {
    PetscFunctionBeginUser;
    CreepBlockSolve* s = nullptr;
    PetscCall(PCShellGetContext(pc, &s));
    PetscCall(VecCopy(b, x));
    PetscCall(solve_live(s, s->ksp_, b, x));
    KSPConvergedReason why = KSP_CONVERGED_ITERATING;
    PetscInt its = 0;
    PetscCall(KSPGetConvergedReason(s->ksp_, &why));
    PetscCall(KSPGetIterationNumber(s->ksp_, &its));
    s->iterations_ += int(its);
    if (why < 0) PetscCall(fall_back(pc, s, b, x));
    PetscFunctionReturn(0);
  }
  /// Where FGMRES did not converge (a power-law Picard matrix whose velocity block the
  /// AMG does not resolve: a quarter of inputs/cycling_pellet.yaml's with one V-cycle
  /// before contact lines held; none in the runs measured since), GMRES on the direct
  /// factorisation of the reduced system (MUMPS's LDLᵀ on one rank: the same result run
  /// after run), as `-creep_linear_solver lu` solves every Picard system. The
  /// reason is the same on every rank (a KSP's is collective), so every rank falls back
  /// together.
  static PetscErrorCode fall_back(PC pc, CreepBlockSolve* s, Vec b, Vec x) {
    PetscFunctionBeginUser;
    if (!s->fallback_) {
      int ranks = 1;
      MPI_Comm_size(s->comm_, &ranks);
      PetscCall(KSPCreate(s->comm_, &s->fallback_));
      PetscCall(KSPSetOptionsPrefix(s->fallback_, "creep_block_fallback_"));
      PetscCall(KSPSetType(s->fallback_, KSPGMRES));
      PetscCall(KSPSetTolerances(s->fallback_, 1e-8, 1e-30, PETSC_DEFAULT, 200));
      PC gather = nullptr;
      PetscCall(KSPGetPC(s->fallback_, &gather));
      PetscCall(PCSetType(gather, PCTELESCOPE));
      PetscCall(PCTelescopeSetReductionFactor(gather, ranks));
      PetscCall(KSPSetFromOptions(s->fallback_));
    }
    PetscCall(KSPSetOperators(s->fallback_, s->reduced_, s->reduced_));
    PetscCall(solve_live(s, s->fallback_, b, x));
    KSPConvergedReason why = KSP_CONVERGED_ITERATING;
    PetscCall(KSPGetConvergedReason(s->fallback_, &why));
    // The outer KSPPREONLY then stops with DIVERGED_PC_FAILED, on every rank.
    if (why < 0) PetscCall(PCSetFailedReason(pc, PC_SUBPC_ERROR));
    PetscFunctionReturn(0);
  }
};

CreepBlockSolve::CreepBlockSolve(MPI_Comm comm) : comm_(comm) {
  const std::string velocity = std::string(kPrefix) + "fieldsplit_velocity_";
  const std::string pressure = std::string(kPrefix) + "fieldsplit_pressure_";
  // The velocity block by two BoomerAMG V-cycles, a fixed linear operator (Richardson
  // without norms: no reductions). GMRES to 1e-3 on them (at most 10 iterations) needs
  // the fewest outer iterations, but its 4-8 orthogonalisations per application after a
  // collector lift cost more than they save: on inputs/cycling_pellet.yaml to 1500 s,
  // 244 s against 146 s on 2 ranks; one V-cycle left systems at 270 outer iterations
  // (181 s) (docs/performance.md, "Creep flow: the block solve by default"). BoomerAMG's
  // settings for 3D problems (HMIS coarsening, extended+i interpolation of at most 4
  // entries a row): V-cycles 3x cheaper than its classical defaults for as many
  // iterations on the 32^3 bench.
  set_option_default(velocity, "ksp_type", "richardson");
  set_option_default(velocity, "ksp_max_it", "2");
  set_option_default(velocity, "ksp_norm_type", "none");
  set_option_default(velocity, "pc_type", "hypre");
  set_option_default(velocity, "pc_hypre_boomeramg_coarsen_type", "HMIS");
  set_option_default(velocity, "pc_hypre_boomeramg_interp_type", "ext+i");
  set_option_default(velocity, "pc_hypre_boomeramg_P_max", "4");
  set_option_default(pressure, "ksp_type", "preonly");
  {
    char given[16] = "";
    PetscBool set = PETSC_FALSE;
    NAVOX_CALL(PetscOptionsGetString(nullptr, kPrefix, "-schur", given, sizeof given, &set));
    if (set && std::string(given) != "mass" && std::string(given) != "wbfbt")
      throw CollectiveError(std::string("-creep_block_schur ") + given + ": expected wbfbt or mass");
    if (!set || std::string(given) == "wbfbt") bfbt_ = std::make_unique<WeightedBfbt>(comm);
  }
  if (!bfbt_) set_option_default(pressure, "pc_type", "jacobi");
  set_gathered_factor_defaults("creep_block_fallback_telescope_");
  NAVOX_CALL(KSPCreate(comm, &ksp_));
  try {
    NAVOX_CALL(KSPSetOptionsPrefix(ksp_, kPrefix));
    NAVOX_CALL(KSPSetType(ksp_, KSPFGMRES));
    NAVOX_CALL(KSPGMRESSetRestart(ksp_, 200)); // holds every iteration: no restart
    NAVOX_CALL(KSPSetTolerances(ksp_, 1e-8, 1e-30, PETSC_DEFAULT, 400));
    NAVOX_CALL(KSPSetFromOptions(ksp_));
  } catch (...) {
    (void)KSPDestroy(&ksp_);
    throw;
  }
}

CreepBlockSolve::~CreepBlockSolve() {
  release_pattern();
  if (ksp_) (void)KSPDestroy(&ksp_);
  if (fallback_) (void)KSPDestroy(&fallback_);
}

void CreepBlockSolve::release_pattern() {
  for (IS* is : {&live_, &velocity_, &pressure_})
    if (*is) (void)ISDestroy(is);
  if (reduced_) (void)MatDestroy(&reduced_);
  if (schur_) (void)MatDestroy(&schur_);
}

void CreepBlockSolve::set_rows(const std::vector<PetscInt>& rows, const std::vector<char>& is_pressure,
                               const std::vector<int>& body, int bodies) {
  release_pattern();
  if (bfbt_) bfbt_->set_bodies(body, bodies);
  NAVOX_CALL(KSPReset(ksp_)); // its work vectors have the old pattern's length
  if (fallback_) NAVOX_CALL(KSPReset(fallback_));
  // Positions in the reduced system: the rank's live rows in order, after those of the
  // ranks before it (MatCreateSubMatrix's layout).
  PetscInt local = PetscInt(rows.size()), offset = 0;
  MPI_Exscan(&local, &offset, 1, MPIU_INT, MPI_SUM, comm_);
  std::vector<PetscInt> velocity, pressure;
  for (std::size_t q = 0; q < rows.size(); ++q) (is_pressure[q] ? pressure : velocity).push_back(offset + PetscInt(q));
  NAVOX_CALL(ISCreateGeneral(comm_, local, rows.data(), PETSC_COPY_VALUES, &live_));
  NAVOX_CALL(ISCreateGeneral(comm_, PetscInt(velocity.size()), velocity.data(), PETSC_COPY_VALUES, &velocity_));
  NAVOX_CALL(ISCreateGeneral(comm_, PetscInt(pressure.size()), pressure.data(), PETSC_COPY_VALUES, &pressure_));
  if (!bfbt_) { // the mass Ŝ, filled by set_schur_diagonal()
    const auto np = PetscInt(pressure.size());
    NAVOX_CALL(MatCreateAIJ(comm_, np, np, PETSC_DETERMINE, PETSC_DETERMINE, 1, nullptr, 0, nullptr, &schur_));
    NAVOX_CALL(MatSetOption(schur_, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  }
  // A fresh preconditioner for the new splits (PCFIELDSPLIT takes its index sets once).
  give_new_pc(ksp_, kPrefix, [&](PC pc) {
    NAVOX_CALL(PCSetType(pc, PCFIELDSPLIT));
    NAVOX_CALL(PCFieldSplitSetIS(pc, "velocity", velocity_));
    NAVOX_CALL(PCFieldSplitSetIS(pc, "pressure", pressure_));
    NAVOX_CALL(PCFieldSplitSetType(pc, PC_COMPOSITE_SCHUR));
    NAVOX_CALL(PCFieldSplitSetSchurFactType(pc, PC_FIELDSPLIT_SCHUR_FACT_UPPER));
    // The weighted BFBᵀ reads the Schur complement's blocks, not a preconditioning
    // matrix: the pressure block C (assembled already) stands in as one.
    if (bfbt_) NAVOX_CALL(PCFieldSplitSetSchurPre(pc, PC_FIELDSPLIT_SCHUR_PRE_A11, nullptr));
    else NAVOX_CALL(PCFieldSplitSetSchurPre(pc, PC_FIELDSPLIT_SCHUR_PRE_USER, schur_));
  });
}

PetscErrorCode CreepBlockSolve::set_schur_diagonal(const std::vector<PetscScalar>& values) {
  PetscFunctionBeginUser;
  PetscInt row = 0;
  PetscCall(MatGetOwnershipRange(schur_, &row, nullptr));
  for (PetscScalar v : values) {
    PetscCall(MatSetValue(schur_, row, row, v, INSERT_VALUES));
    ++row;
  }
  PetscCall(MatAssemblyBegin(schur_, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(schur_, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

void CreepBlockSolve::install(KSP ksp) {
  NAVOX_CALL(KSPSetType(ksp, KSPPREONLY));
  PC pc = nullptr;
  NAVOX_CALL(KSPGetPC(ksp, &pc));
  NAVOX_CALL(PCSetType(pc, PCSHELL));
  NAVOX_CALL(PCShellSetContext(pc, this));
  NAVOX_CALL(PCShellSetSetUp(pc, Callbacks::set_up));
  NAVOX_CALL(PCShellSetApply(pc, Callbacks::apply));
  NAVOX_CALL(PCShellSetName(pc, "navox creep block solve (FGMRES, Schur fieldsplit; options -creep_block_)"));
}

int CreepBlockSolve::take_iterations() {
  const int its = iterations_;
  iterations_ = 0;
  return its;
}

} // namespace navox
