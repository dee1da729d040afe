#pragma once
/**
 * Heterogeneous nucleation of Na on a bare current-collector surface: classical
 * nucleation theory (MODEL.md §3.3).
 *
 * A Na cap on the collector, wetting angle θ_w, under the cathodic overpotential
 * η < 0 (the driving force per mole is F|η|):
 * \f[ r^* = \frac{2\gamma\Omega}{F|\eta|},\qquad
 *     \Delta G^*_{het} = \frac{16\pi\gamma^3\Omega^2}{3(F\eta)^2}\,f(\theta_w),\qquad
 *     f(\theta_w) = \frac{(2+\cos\theta_w)(1-\cos\theta_w)^2}{4} \f]
 * \f[ J(\eta) = J_0\,\exp\!\Big(-\frac{\Delta G^*_{het}}{k_B T}\Big)\ \ (\eta<0),\qquad J = 0\ \ (\eta \ge 0) \f]
 * A face of area A, held at η for Δt, receives at least one nucleus with probability
 * \f[ p = 1 - e^{-J A \Delta t} \f]
 * (a Poisson process). So \f$\ln J\f$ is linear in \f$1/\eta^2\f$ with slope
 * \f$-16\pi\gamma^3\Omega^2 f(\theta_w)/(3F^2k_BT)\f$; a smaller wetting angle
 * (a sodiophilic surface) lowers the barrier by f(θ_w) and so the overpotential
 * at which nuclei appear.
 *
 * The critical cap holds \f$V^* = \tfrac{4}{3}\pi r^{*3} f(\theta_w)\f$ of Na: the
 * charge F V* / Ω that forms it.
 *
 * Symbols: γ Na surface energy [J/m²] (0.2, MODEL.md §4); Ω Na molar volume [m³/mol];
 * F Faraday constant [C/mol]; η overpotential [V]; θ_w wetting angle [rad];
 * J0 rate prefactor [1/(m² s)]; k_B Boltzmann constant [J/K]; T temperature [K].
 * Source: MODEL.md §3.3; Kashchiev, Nucleation (2000), ch. 6 (heterogeneous cap).
 */
#include "physics/materials/constants.hpp"

#include <cmath>

namespace navox::physics {

struct ClassicalNucleation {
  double rate_prefactor = 1e30;  ///< J0 [1/(m² s)]
  double surface_energy = 0.2;   ///< γ [J/m²]
  double wetting_angle = 0.7;    ///< θ_w [rad]
  double molar_volume = 23.78e-6; ///< Ω [m³/mol]
  /// ρ_n [m]: radius of the SE|CC contact one nucleus makes active (see solver/sodium/nucleation.hpp).
  double footprint_radius = 0.3e-6;

  /// f(θ_w): the cap's share of the homogeneous barrier [-].
  static double shape_factor(double theta) {
    const double c = std::cos(theta);
    return (2.0 + c) * (1.0 - c) * (1.0 - c) / 4.0;
  }
  /// r* [m] (infinite at η = 0).
  double critical_radius(double eta) const {
    return 2.0 * surface_energy * molar_volume / (kFaraday * std::abs(eta));
  }
  /// ΔG*_het [J].
  double barrier(double eta) const {
    const double g = surface_energy, fe = kFaraday * eta;
    return 16.0 * kPi * g * g * g * molar_volume * molar_volume / (3.0 * fe * fe) * shape_factor(wetting_angle);
  }
  /// ln J with J in 1/(m² s); -inf where no nuclei form (η ≥ 0).
  double log_rate(double eta, double temperature) const {
    if (!(eta < 0)) return -INFINITY;
    return std::log(rate_prefactor) - barrier(eta) / (kBoltzmann * temperature);
  }
  /// J [1/(m² s)].
  double rate(double eta, double temperature) const { return std::exp(log_rate(eta, temperature)); }
  /// Probability that a face of `area` [m²] held at η nucleates within dt [s].
  double probability(double eta, double temperature, double area, double dt) const {
    return -std::expm1(-rate(eta, temperature) * area * dt);
  }
  /// V* [m³], the Na in one critical cap.
  double nucleus_volume(double eta) const {
    const double r = critical_radius(eta);
    return 4.0 / 3.0 * kPi * r * r * r * shape_factor(wetting_angle);
  }
};

} // namespace navox::physics
