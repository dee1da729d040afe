#pragma once
/// The backward-Euler system of the lattice occupancy θ (physics/sodium/vacancy_diffusion.hpp)
/// without an assembled matrix. Per unit voxel volume, on the voxels that hold metal,
/// \f[ (A\theta)_P = c_P\,\theta_P + \sum_{N} g_{PN}\,(\theta_P - \theta_N), \qquad
///     g_{PN} = \frac{D\,\min(\xi_P, \xi_N)}{h_a^2}, \f]
/// the sum over the face neighbours N of P that hold metal too, h_a the voxel size normal
/// to the face [m], D the metal's self-diffusivity [m²/s], ξ the metal fractions [-] and
/// c_P = ξ_P/Δt + k ξ_P [1/s] the voxel's capacity over the step and its creep sink
/// (solver/sodium/vacancies.hpp). Voxels without metal are identity rows.
///
/// What it keeps: each voxel's ξ where it is part of the solve (0 elsewhere) with its
/// ghost layer, the diagonal, and the product's ghosted input: 25 B a voxel, where the
/// DMDA's AIJ matrix of the same rows held ~106 (docs/performance.md, "Vacancies: the
/// θ system without a matrix"). A MatShell on grid.scalar_dm()'s layout with MatMult,
/// MatGetDiagonal (Jacobi, the default preconditioner) and MatGetRow, from which
/// `assembled_rows` builds the AIJ matrix for a preconditioner that needs the entries
/// (`-theta_pc_type sor`, `gamg`, ...).
#include "mesh/grid.hpp"
#include "physics/sodium/vacancy_diffusion.hpp"

#include <petscmat.h>

#include <array>

namespace navox {

/// g_PN per unit voxel volume [1/s], from the metal fractions of the two voxels and
/// 1/h_a² [1/m²]: VacancyDiffusion::conductance per voxel volume, the same in the rows and
/// in the fluxes of their solution.
inline double occupancy_coupling(const physics::VacancyDiffusion& law, double xi_p, double xi_n, double inv_h2) {
  return law.conductance(xi_p, xi_n, inv_h2, 1.0);
}

class OccupancyOperator {
public:
  explicit OccupancyOperator(const Grid& grid);
  ~OccupancyOperator();
  OccupancyOperator(const OccupancyOperator&) = delete;
  OccupancyOperator& operator=(const OccupancyOperator&) = delete;

  /// The diagonal, to be filled with each metal voxel's capacity c_P [1/s] before set()
  /// (a global vector of grid.scalar_dm(); its other entries are not read).
  Vec capacity() const;
  /// Sets the rows for `metal` (a global vector of grid.scalar_dm(): ξ where the voxel is
  /// part of the solve, 0 elsewhere), the capacities in capacity() and the couplings of
  /// `law`: the couplings are added to the diagonal, voxels without metal become identity
  /// rows. Collective.
  void set(Vec metal, const physics::VacancyDiffusion& law);
  /// Σ_N g_PN (θ_N − θ_P) [1/s] into each owned voxel from θ (a global vector), with the
  /// couplings of the last set(): the atoms the solved θ carries into the voxel, per voxel
  /// volume, 0 where the voxel holds no metal. Each coupling enters its two voxels with
  /// opposite signs, so the sum over the grid is 0 to rounding. Collective.
  void inflow(Vec theta, Vec out) const;
  /// The operator (owned here).
  Mat mat() const { return mat_; }

  struct Context; ///< what the shell's callbacks see

private:
  Mat mat_ = nullptr;
  Context* ctx_ = nullptr;
};

} // namespace navox
