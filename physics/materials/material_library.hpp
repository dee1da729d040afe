#pragma once
/**
 * The material library: sourced default properties of the solid electrolytes,
 * current collectors and alkali metals navox models (MODEL.md §0, §4). Plain
 * data, SI units; an input deck names an entry (`{library: NBH}`) and may
 * override any value. Every value carries its unit and source; values that are
 * assumptions say so (docs/model.md, "Material library").
 *
 * Solid electrolytes: σ(T) = σ_ref exp[−E_a/R (1/T − 1/T_ref)]
 * (physics/electrochemistry/ionic_conduction.hpp); R_ct against Na gives i0 = RT/(F R_ct)
 * (physics/electrochemistry/interface_kinetics.hpp).
 *
 * Metals: self-diffusion as a sum of Arrhenius terms
 * \f[ D(T) = \sum_k D_{0,k}\,\exp(-Q_k/RT). \f]
 */
#include <string>
#include <vector>

namespace navox::physics::library {

/// A solid electrolyte and its interface against Na metal.
struct Electrolyte {
  const char* name;
  const char* composition;
  double conductivity;               ///< σ_ref [S/m] at reference_temperature
  double reference_temperature;      ///< T_ref [K]
  double activation_energy;          ///< E_a [J/mol] (0: no temperature dependence)
  double charge_transfer_resistance; ///< R_ct against Na [ohm m^2]
  double double_layer_capacitance;   ///< C_dl against a metal [F/m^2]
  double transfer_coefficient;       ///< α_a [-]
  double youngs_modulus;             ///< E [Pa] of the dense pellet, room temperature (mechanics)
  double poisson_ratio;              ///< ν [-]
};

/// A current-collector surface: Na wetting angle for nucleation, elastic constants for mechanics.
struct Collector {
  const char* name;
  const char* description;
  double wetting_angle;  ///< θ_w of Na on the bare surface [rad]
  double youngs_modulus; ///< E [Pa], polycrystalline, room temperature
  double poisson_ratio;  ///< ν [-]
};

struct ArrheniusTerm {
  double prefactor;         ///< D_0 [m^2/s]
  double activation_energy; ///< Q [J/mol]
};

/// An alkali metal plated at the collector (the `sodium.metal` of a deck).
struct Metal {
  const char* name;
  double molar_volume;   ///< Ω [m^3/mol]
  double surface_energy; ///< γ [J/m^2]
  std::vector<ArrheniusTerm> self_diffusion; ///< D(T) = Σ D_0 exp(−Q/RT)
  double youngs_modulus; ///< E [Pa]
  double yield_stress;   ///< σ_y [Pa] at ~1e-3 1/s, 298 K
  double creep_exponent; ///< n of ε̇ = A σ^n exp(−Q/RT) [-]
  double melting_point;  ///< T_m [K]: the model's metal is a solid below it

  /// D(T) [m^2/s].
  double self_diffusivity(double temperature) const;
  /// Apparent activation energy of D at T, −R d ln D / d(1/T) = Σ D_k Q_k / Σ D_k [J/mol]:
  /// the default activation energy of creep (physics/mechanics/power_law_creep.hpp).
  double diffusion_activation_energy(double temperature) const;
  /// Lattice-site density c_m = 1/Ω [mol/m^3].
  double site_density() const { return 1.0 / molar_volume; }
};

const std::vector<Electrolyte>& electrolytes();
const std::vector<Collector>& collectors();
const std::vector<Metal>& metals();

/// Names a deck's `library:` key accepts (electrolytes, then collectors).
std::vector<std::string> material_names();
/// Names `sodium.metal` accepts.
std::vector<std::string> metal_names();

/// The entry called `name`, or nullptr.
const Electrolyte* find_electrolyte(const std::string& name);
const Collector* find_collector(const std::string& name);
const Metal* find_metal(const std::string& name);

} // namespace navox::physics::library
