#pragma once
/**
 * PFHub benchmark 8, part (a): a single seed near the critical radius.
 *
 * Nondimensional problem (lengths in ℓ = √(ε²/w), time in 1/(M w)):
 * \f[ \partial_t\phi = \nabla^2\phi - g'(\phi) + \Delta f\,p'(\phi),\qquad
 *     \Delta f = \sqrt2/30, \f]
 * which is physics::AllenCahn (k = 1, δ = √2, so δ²/2 = 1) plus
 * physics::PhaseDrivingForce (d = Δf), on a periodic 100 × 100 square with a
 * seed at its centre,
 * \f[ \phi(r) = \tfrac12\big[1 - \tanh\big((r - r_0)/\sqrt2\big)\big],\qquad
 *     r_0 \in \{0.99, 1, 1.01\}\,r^*,\qquad r^* = \frac{\gamma}{\Delta f}
 *     = \frac{1}{3\sqrt2\,\Delta f} = 5, \f]
 * followed to t = 200; reported: the solid fraction ∫φ dV / ∫dV and the free
 * energy ∫[½|∇φ|² + g − Δf p] dV against time.
 *
 * Source: PFHub benchmark 8 (https://pages.nist.gov/pfhub/benchmarks/benchmark8.ipynb,
 * revision 1, part (a)) and W. Wu et al., Comput. Mater. Sci. 193 (2021) 110371.
 * Parts (b) and (c) use Δf = 1/(3√2), r* = 1.
 */
#include "physics/sodium/allen_cahn.hpp"
#include "physics/sodium/phase_driving_force.hpp"

#include <cmath>

namespace navox::verification {

struct Pfhub8a {
  physics::AllenCahn ac{1.0, std::sqrt(2.0)};
  physics::PhaseDrivingForce drive{1.0, std::sqrt(2.0) / 30};
  double domain = 100; ///< side of the periodic square
  double t_end = 200;

  double critical_radius() const { return drive.critical_radius(ac.width, 2); }

  /// Initial φ at distance r from the seed centre, for a seed of radius r0.
  double seed(double r, double r0) const { return 0.5 * (1 - std::tanh((r - r0) / ac.width)); }
};

} // namespace navox::verification
