#pragma once
/// The creep flow's Picard systems solved by a block preconditioner over the rows that
/// carry unknowns (solver/mechanics/creep_flow.hpp; docs/model.md "Na creep as a flow",
/// docs/performance.md "Creep flow").
///
/// A Picard system of the MAC Stokes flow, restricted to its unknowns (the velocities of
/// the active faces u, the pressures of the Na voxels p; every other row of the grid is
/// an identity row, decoupled), reads
///
///   [ A   G ] [u]   [f]
///   [ D  −εI] [p] = [g],    A = −∇·(2η ε̇(·)) scaled, G = ∇, D = ∇·, ε = 1e-10.
///
/// FGMRES on it, preconditioned by the upper block factorisation
///
///   P⁻¹ = [ A⁻¹  0 ] [ I  −G Ŝ⁻¹ ]
///         [ 0    I ] [ 0    Ŝ⁻¹  ]
///
/// (PCFIELDSPLIT, Schur, upper: splits `velocity` and `pressure`), A⁻¹ by two BoomerAMG
/// V-cycles (Richardson, no norm), Ŝ⁻¹ by default the weighted BFBᵀ
/// (solver/mechanics/weighted_bfbt.hpp: a mass in bulk Na, the inverse of a Darcy operator
/// in films between walls, the compressibility on Na sealed in by walls), or with
/// `-creep_block_schur mass` the viscosity-weighted pressure mass Ŝ = diag(−η(ε̇_ref)/η)
/// in the scaled unknowns, which the Schur complement D A⁻¹ G of a Stokes flow is
/// spectrally equivalent to in bulk (Elman, Silvester and Wathen, "Finite Elements and
/// Fast Iterative Solvers", 2nd ed., OUP 2014, ch. 9; for variable viscosity, Grinevich
/// and Olshanskii, SIAM J. Sci. Comput. 31, 2009), not in films (docs/performance.md,
/// "Creep flow: what the block preconditioner lacks").
/// Options prefix `creep_block_` (the FGMRES), `creep_block_fieldsplit_velocity_`,
/// `creep_block_fieldsplit_pressure_`, `creep_block_bfbt_`.
///
/// Used as the preconditioner (a PCSHELL) of a KSPPREONLY over the whole grid's matrix:
/// the identity rows are copied (their diagonal is 1), the rest solved as above to
/// rtol 1e-8; where that fails (400 iterations), GMRES on the reduced system's direct
/// factorisation (MUMPS's LDLᵀ on one rank, options `creep_block_fallback_`). The default
/// linear solver of the flow's Picard steps (creep_flow.hpp). Collective.
#include "solver/mechanics/weighted_bfbt.hpp"

#include <petscksp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace navox {

/// Defaults for the factorisation of the creep flow's reduced rows gathered on one rank
/// (PCTELESCOPE, options `<prefix>` its inner KSP's): MUMPS's LDLᵀ for symmetric
/// indefinite matrices (PCCHOLESKY, the system is symmetric: creep_flow.hpp), AMD
/// ordering, 100 % more workspace than its estimate (creep_flow.cpp says why).
void set_gathered_factor_defaults(const std::string& prefix);

/// Gives `ksp` a new preconditioner with options prefix `prefix`: `configure` sets its
/// type and parts, then the options apply; the KSP holds it (a new pattern needs a new
/// one: PCREDISTRIBUTE and PCFIELDSPLIT take their rows once). Collective on the KSP.
void give_new_pc(KSP ksp, const char* prefix, const std::function<void(PC)>& configure);

class CreepBlockSolve {
public:
  explicit CreepBlockSolve(MPI_Comm comm);
  ~CreepBlockSolve();
  CreepBlockSolve(const CreepBlockSolve&) = delete;
  CreepBlockSolve& operator=(const CreepBlockSolve&) = delete;

  /// A new pattern: the owned rows of the whole grid's matrix that carry unknowns, each
  /// flagged velocity or pressure, in increasing order; each pressure row's enclosed body
  /// (WeightedBfbt::set_bodies), `bodies` of them on all ranks.
  void set_rows(const std::vector<PetscInt>& rows, const std::vector<char>& is_pressure,
                const std::vector<int>& body, int bodies);
  /// Whether Ŝ is the mass (`-creep_block_schur mass`), whose diagonal set_schur_diagonal() takes.
  bool wants_schur_diagonal() const { return !bfbt_; }
  /// The mass Ŝ's diagonal, one value per pressure row of set_rows() in its order; with
  /// each new Picard matrix, before the solve. Only where wants_schur_diagonal().
  PetscErrorCode set_schur_diagonal(const std::vector<PetscScalar>& values);
  /// Makes `ksp` (whose operators are the whole grid's matrix) a KSPPREONLY on this
  /// solve; once, it stays through new patterns and matrices.
  void install(KSP ksp);
  /// FGMRES iterations since the last call.
  int take_iterations();

  /// What the PCSHELL's callbacks need (public for them; not an interface).
  struct Callbacks;

private:
  MPI_Comm comm_;
  IS live_ = nullptr;          ///< rows of the whole matrix with unknowns
  IS velocity_ = nullptr, pressure_ = nullptr; ///< their positions in the reduced system
  Mat reduced_ = nullptr, schur_ = nullptr;
  KSP ksp_ = nullptr;          ///< FGMRES over the reduced system
  KSP fallback_ = nullptr;     ///< GMRES on its LDLᵀ, where FGMRES fails
  std::unique_ptr<WeightedBfbt> bfbt_; ///< Ŝ by weighted BFBᵀ (`-creep_block_schur wbfbt`), else the mass
  int iterations_ = 0;
  void release_pattern();
};

} // namespace navox
