#pragma once
/**
 * Na metal as a power-law creeping solid (MODEL.md §3.4, §4).
 *
 * Steady-state (dislocation) creep, written about its calibration point:
 * \f[ \dot\varepsilon = A\,\sigma^n e^{-Q/RT}
 *     = \dot\varepsilon_{ref}\Big(\frac{\sigma}{\sigma_{ref}}\Big)^{n}
 *       \exp\Big[-\frac{Q}{R}\Big(\frac1T-\frac1{T_{ref}}\Big)\Big] \f]
 * so the flow stress at a strain rate is
 * \f[ \sigma_f(\dot\varepsilon, T) = \sigma_{ref}\Big(\frac{\dot\varepsilon}{\dot\varepsilon_{ref}}\Big)^{1/n}
 *       \exp\Big[\frac{Q}{nR}\Big(\frac1T-\frac1{T_{ref}}\Big)\Big]. \f]
 *
 * Closure of a void held open by nothing, in Na under a pressure p (a spherical
 * void in an incompressible power-law matrix under remote hydrostatic compression;
 * exact for one void in an infinite matrix, Budiansky, Hutchinson & Slutsky 1982,
 * "Void growth and collapse in viscous solids", in Mechanics of Solids, the Rodney
 * Hill 60th anniversary volume, pp. 13-45):
 * \f[ \frac{\dot V}{V} = -\frac32\,\dot\varepsilon\Big(\frac{3p}{2n}, T\Big) \equiv -k(p, T), \f]
 * the creep rate at an equivalent stress 3p/(2n); at constant p the void volume
 * decays as \f$V(t) = V_0 e^{-k t}\f$.
 *
 * Symbols: ε̇ uniaxial (von Mises equivalent) strain rate [1/s]; σ uniaxial
 * (equivalent) stress [Pa]; n stress exponent [-]; Q activation energy [J/mol];
 * R gas constant [J/(mol K)]; T temperature [K]; p pressure in the Na [Pa].
 * Calibration (defaults): σ_ref = 0.2 MPa at ε̇_ref = 1e-3 1/s and T_ref = 298.15 K,
 * n = 5 (MODEL.md §3.4, §4: Wang, Chang, Wolfenstine & Sakamoto 2020); Q = the
 * apparent activation energy of Na self-diffusion at T_ref from MODEL.md §4's D(T)
 * (40.7 kJ/mol for Na): at T/T_m ≈ 0.8 power-law creep is controlled by lattice
 * diffusion (Frost & Ashby, Deformation-Mechanism Maps, 1982, §2.3).
 */
#include "physics/materials/constants.hpp"

#include <cmath>

namespace navox::physics {

struct PowerLawCreep {
  double reference_stress = 0.2e6;  ///< σ_ref [Pa]
  double reference_rate = 1e-3;     ///< ε̇_ref [1/s]
  double reference_temperature = 298.15; ///< T_ref [K]
  double exponent = 5.0;            ///< n [-]
  double activation_energy = 40.7e3; ///< Q [J/mol]

  /// exp[−Q/R (1/T − 1/T_ref)] [-]: how much faster than at T_ref.
  double thermal_factor(double temperature) const {
    return std::exp(-activation_energy / kGasConstant * (1.0 / temperature - 1.0 / reference_temperature));
  }
  /// ε̇(σ, T) [1/s] for an equivalent stress σ ≥ 0 [Pa].
  double strain_rate(double stress, double temperature) const {
    return reference_rate * std::pow(stress / reference_stress, exponent) * thermal_factor(temperature);
  }
  /// σ_f(ε̇, T) [Pa]: the stress at which Na flows at ε̇ ≥ 0 [1/s].
  double flow_stress(double rate, double temperature) const {
    return reference_stress * std::pow(rate / (reference_rate * thermal_factor(temperature)), 1.0 / exponent);
  }
  /// k(p, T) [1/s]: the relative closure rate −V̇/V of a void in Na under pressure p ≥ 0 [Pa].
  double void_closure_rate(double pressure, double temperature) const {
    return 1.5 * strain_rate(1.5 * pressure / exponent, temperature);
  }
  /// The share of a void's volume that closes in dt at constant p and T [-].
  double closed_share(double pressure, double temperature, double dt) const {
    return -std::expm1(-void_closure_rate(pressure, temperature) * dt);
  }
};

} // namespace navox::physics
