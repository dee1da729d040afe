#pragma once
/// Physical quantities in inputs: "1.3 um", "0.9 mS/cm", "25 degC" -> SI doubles.
///
/// Conversion happens once, here, at parsing. Everything after this works in SI
/// (m, s, K, Pa, A/m^2, C/m^2, S/m, V, J/m^2, ohm m^2, rad). A bare number is accepted
/// only for dimensionless quantities: a dimensional value without a unit is an
/// error, because "1.3" could mean m or um.
#include <string>
#include <string_view>
#include <vector>

namespace navox::units {

enum class Dim {
  dimensionless,
  length,           ///< m      (m, mm, um, µm, nm)
  time,             ///< s      (s, ms, min, h)
  temperature,      ///< K      (K, degC)
  pressure,         ///< Pa     (Pa, kPa, MPa, GPa, bar)
  current_density,  ///< A/m^2  (A/m^2, mA/cm^2, A/cm^2, uA/cm^2)
  areal_capacity,   ///< C/m^2  (mAh/cm^2, C/m^2, Ah/m^2)
  conductivity,     ///< S/m    (S/m, S/cm, mS/cm)
  voltage,          ///< V      (V, mV)
  surface_energy,   ///< J/m^2  (J/m^2, N/m, mJ/m^2)
  area_resistance,  ///< ohm m^2 (ohm m^2, ohm cm^2)
  diffusivity,      ///< m^2/s  (m^2/s, cm^2/s)
  molar_volume,     ///< m^3/mol (m^3/mol, cm^3/mol)
  energy_per_mole,  ///< J/mol  (J/mol, kJ/mol, eV)
  rate,             ///< 1/s    (1/s, 1/h)
  areal_capacitance, ///< F/m^2 (F/m^2, uF/cm^2)
  angle,            ///< rad    (rad, deg)
  areal_rate,       ///< 1/(m^2 s) (1/(m^2 s), 1/(cm^2 s)): events per area and time
};

/// Name of the SI unit used to print resolved values, e.g. "m", "A/m^2".
std::string_view si_unit(Dim dim);
/// Human name of the dimension, e.g. "length", for error messages.
std::string_view dim_name(Dim dim);
/// Units accepted for `dim`, for error messages ("um, nm, mm, m").
std::vector<std::string> accepted_units(Dim dim);

/// Parses "<number> <unit>" (space optional) into SI. Throws std::invalid_argument
/// with a message naming the accepted units on a bad number or unknown unit.
double parse(std::string_view text, Dim dim);

} // namespace navox::units
