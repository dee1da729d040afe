#pragma once
/**
 * Na creep as an incompressible power-law flow (MODEL.md §3.4, §7 "a Stokes-like
 * flow of a power-law fluid"): the creep law of power_law_creep.hpp written as a
 * strain-rate-dependent viscosity for the Levy–Mises flow rule.
 *
 * \f[ \boldsymbol\sigma' = 2\eta\,\dot{\boldsymbol\varepsilon}, \qquad
 *     \dot\varepsilon_{eq} = \sqrt{\tfrac23\,\dot{\boldsymbol\varepsilon}:\dot{\boldsymbol\varepsilon}}, \qquad
 *     \sigma_{eq} = \sqrt{\tfrac32\,\boldsymbol\sigma':\boldsymbol\sigma'} = 3\eta\,\dot\varepsilon_{eq}, \f]
 * and the uniaxial creep law \f$\dot\varepsilon_{eq} = \dot\varepsilon(\sigma_{eq}, T)\f$ give
 * \f[ \eta(\dot\varepsilon_{eq}, T) = \frac{\sigma_f(\max(\dot\varepsilon_{eq}, \dot\varepsilon_{min}), T)}
 *                                        {3\,\max(\dot\varepsilon_{eq}, \dot\varepsilon_{min})}. \f]
 * In uniaxial compression at a rate ε̇ the flow is homogeneous, ε̇_eq = ε̇ and the
 * axial stress is σ_f(ε̇, T); in simple shear at a shear rate γ̇ the shear stress τ
 * obeys γ̇ = K τ^n with K = ε̇_ref 3^{(n+1)/2} σ_ref^{-n} e^{-Q/R(1/T - 1/T_ref)}.
 *
 * Symbols: σ' deviatoric stress [Pa]; ε̇ strain-rate tensor [1/s]; η viscosity [Pa s];
 * σ_f the flow stress of power_law_creep.hpp [Pa]; ε̇_min [1/s] a floor below which
 * the Na is treated as flowing at ε̇_min: it caps η where the Na does not move
 * (η ∝ ε̇^{1/n−1} diverges there), and is far below the rates of plating and
 * extrusion (1e-9 1/s by default; a zone that slow does not move by a voxel in a
 * run). Source: the Levy–Mises rule and its power-law (Norton) viscosity, e.g.
 * Hutchinson 1976, Proc. R. Soc. A 348, 101.
 */
#include "physics/mechanics/power_law_creep.hpp"

#include <algorithm>
#include <cmath>

namespace navox::physics {

struct PowerLawViscosity {
  PowerLawCreep law;
  double temperature = 298.15; ///< T [K]
  double min_rate = 1e-9;      ///< ε̇_min [1/s]

  /// ε̇_eq [1/s] of a strain-rate tensor given by its components xx, yy, zz, xy, xz, yz.
  static double equivalent_rate(double xx, double yy, double zz, double xy, double xz, double yz) {
    return std::sqrt(2.0 / 3.0 * (xx * xx + yy * yy + zz * zz + 2 * (xy * xy + xz * xz + yz * yz)));
  }
  /// η [Pa s] at an equivalent strain rate [1/s].
  double viscosity(double rate) const {
    const double r = std::max(rate, min_rate);
    return law.flow_stress(r, temperature) / (3.0 * r);
  }
  /// K [1/(s Pa^n)]: the shear rate per (shear stress)^n in simple shear.
  double shear_coefficient() const {
    const double n = law.exponent;
    return law.reference_rate * std::pow(3.0, (n + 1) / 2) * std::pow(law.reference_stress, -n) *
           law.thermal_factor(temperature);
  }
};

} // namespace navox::physics
