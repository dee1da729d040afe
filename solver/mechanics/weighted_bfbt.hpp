#pragma once
/// The weighted BFBᵀ approximation of a Stokes system's Schur complement, as the
/// preconditioner (a PCSHELL) of the pressure split of the creep flow's block solve
/// (solver/mechanics/creep_block_solve.hpp; docs/performance.md "Creep flow").
///
/// For the system [A G; D C] (A the viscous operator on the velocities, G the pressure
/// gradient, D the divergence), the Schur complement S = C − D A⁻¹ G is approximated by
///
///   Ŝ⁻¹ = −L⁻¹ (D W⁻¹ A W⁻¹ G) L⁻¹,   L = D W⁻¹ G,
///
/// W a diagonal weight on the velocities. With W = diag(A)^{1/2}, the square root of the
/// face's viscosity where A is a viscous Laplacian, this is w-BFBT (Rudi, Stadler and
/// Ghattas, "Weighted BFBT preconditioner for Stokes flow problems with highly heterogeneous
/// viscosity", SIAM J. Sci. Comput. 39(5), S272–S297, 2017: the weight √η, robust to large
/// viscosity contrasts, where diag(A) itself, the scaled least-squares commutator of PCLSC,
/// is not). Unlike a pressure mass it keeps A: in a bulk of Na it acts as the mass
/// η⁻¹ (D A Gᵀ ≈ η L²), in a film between walls, where A's wall terms dominate, as the
/// inverse of the film's Darcy operator, so it follows the flow from one to the other.
///
/// Na enclosed by walls (no free surface, no reservoir) has a constant pressure that only
/// the system's compressibility C = −εI fixes: S 1_b = C 1_b for such a body b, while L and
/// D W⁻¹ A W⁻¹ G vanish on it. So on each enclosed body the mean is taken out of the
/// residual and of the BFBᵀ's result, and the mean is given back divided by C's diagonal:
///
///   Ŝ⁻¹ r = (I − Π) BFBT (I − Π) r + C⁻¹ Π r,   Π the mean over each enclosed body.
///
/// L is a pressure Laplacian (7-point), solved by `creep_block_bfbt_` (default: one
/// BoomerAMG V-cycle). Options: `-creep_block_bfbt_weight_power q` (W = |diag A|^q,
/// default 0.5; q = 1 is the scaled LSC). Collective.
#include <petscksp.h>

#include <vector>

namespace navox {

class WeightedBfbt {
public:
  explicit WeightedBfbt(MPI_Comm comm);
  ~WeightedBfbt();
  WeightedBfbt(const WeightedBfbt&) = delete;
  WeightedBfbt& operator=(const WeightedBfbt&) = delete;

  /// Makes `pc` (the Schur split's preconditioner, whose operator is PCFIELDSPLIT's
  /// MatSchurComplement) this approximation. Collective.
  void install(PC pc);
  /// The enclosed body of each local pressure row (−1: none), `count` on all ranks; with
  /// each new pattern. Collective.
  void set_bodies(const std::vector<int>& body, int count);

  struct Callbacks; ///< the PCSHELL's (public for them; not an interface)

private:
  MPI_Comm comm_;
  double power_ = 0.5;
  Mat a_ = nullptr, g_ = nullptr, d_ = nullptr; ///< the blocks of the last set-up (referenced)
  Mat laplacian_ = nullptr;                      ///< L = D W⁻¹ G, its sign made positive
  Vec w_inverse_ = nullptr;                      ///< W⁻¹ on the velocities
  /// Work vectors, kept while the rows on every rank stay as many as these.
  Vec u1_ = nullptr, u2_ = nullptr, p1_ = nullptr, p2_ = nullptr;
  PetscInt velocities_ = -1, pressures_ = -1;
  Vec c_diagonal_ = nullptr;                     ///< C's, for the enclosed bodies' means
  std::vector<int> body_;                        ///< per local pressure row
  std::vector<double> size_;                     ///< each enclosed body's rows, all ranks
  /// The mean of v over each enclosed body (all ranks), then v less it.
  PetscErrorCode take_means(Vec v, std::vector<double>& mean) const;
  KSP solve_ = nullptr; ///< L⁻¹
  void release_matrices();
  void release_vectors();
};

} // namespace navox
