#pragma once
/**
 * Driving force of the phase transformation (MODEL.md §3.3), per voxel: the tilt
 * that makes one minimum of the Allen–Cahn double well deeper than the other.
 *
 * With the bulk free energy \f$f(\xi) = W g(\xi) - \Delta f\,p(\xi)\f$ the
 * Allen–Cahn equation \f$\partial_t\xi = -L(f'(\xi) - \kappa\nabla^2\xi)\f$ is
 * physics::AllenCahn plus this term:
 * \f[ \Big(\frac{\partial\xi}{\partial t}\Big)_{\Delta f} = k\,d\,p'(\xi),\qquad
 *     d = \frac{\Delta f}{W},\qquad p(\xi) = \xi^3(10 - 15\xi + 6\xi^2),\qquad
 *     p'(\xi) = 30\,g(\xi), \f]
 * with g = ξ²(1−ξ)² the double well of AllenCahn and k = LW its rate. p(0) = 0,
 * p(1) = 1 and p'(0) = p'(1) = 0: the bulk phases stay at ξ = 0 and 1, and the
 * phase ξ = 1 (Na, "solid") is lower by Δf; Δf > 0 makes it grow.
 *
 * Critical nucleus (sharp interface): the planar interface energy of the double
 * well with κ/W = δ²/2 is \f$\gamma = \sqrt{\kappa W}/(3\sqrt2) = W\delta/6\f$, so
 * a disc (2D) is critical at \f$r^* = \gamma/\Delta f = \delta/(6d)\f$ and a
 * sphere (3D) at \f$r^* = 2\gamma/\Delta f = \delta/(3d)\f$. For Na plated at an
 * overpotential η, Δf = F|η|/Ω_Na, which gives MODEL.md's r* = 2γΩ_Na/(F|η|).
 *
 * Symbols: ξ Na volume fraction [-]; k = LW relaxation rate [1/s]; W well height
 * and Δf driving force [J/m³]; d their ratio [-]; δ interface width parameter
 * [m]; γ interface energy [J/m²]; r* critical radius [m].
 *
 * Source: W. Wu et al., "Phase field benchmark problems for nucleation",
 * Comput. Mater. Sci. 193 (2021) 110371, and PFHub benchmark 8
 * (https://pages.nist.gov/pfhub/benchmarks/benchmark8.ipynb, revision 1),
 * whose nondimensional form is this term with k = 1, δ = √2, d = Δf.
 */
#include "physics/sodium/allen_cahn.hpp"

namespace navox::physics {

struct PhaseDrivingForce {
  double rate = 1;  ///< k = L W [1/s], the same k as AllenCahn::rate
  double drive = 0; ///< d = Δf/W [-]

  /// The interpolation p(ξ) and its derivatives, p' = 30 g and p'' = 30 g'.
  static double p(double xi) { return xi * xi * xi * (10.0 - 15.0 * xi + 6.0 * xi * xi); }
  static double dp(double xi) { return 30.0 * AllenCahn::g(xi); }
  static double d2p(double xi) { return 30.0 * AllenCahn::dg(xi); }

  /// Contribution to dξ/dt in one voxel [1/s], and its derivative in ξ.
  double bulk(double xi) const { return rate * drive * dp(xi); }
  double d_bulk(double xi) const { return rate * drive * d2p(xi); }

  /// Bulk free energy f(ξ)/W = g(ξ) − d p(ξ) [-].
  double energy(double xi) const { return AllenCahn::g(xi) - drive * p(xi); }

  /// Sharp-interface critical radius [m] for the width δ of AllenCahn: a disc
  /// (dim = 2) or a sphere (dim = 3), (dim − 1) γ/Δf with γ/W = δ/6.
  double critical_radius(double width, int dim) const { return (dim - 1) * width / (6.0 * drive); }
};

} // namespace navox::physics
