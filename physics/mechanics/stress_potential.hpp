#pragma once
/**
 * The shift of the overpotential by the pressure in the Na at a face
 * (MODEL.md §3.1, §3.4): plating against a pressure p costs the work p Ω_Na per
 * mole, so the equilibrium potential of the Na electrode rises by Ω_Na p / F,
 * \f[ \eta = V - \phi_{face} - U_{ref} + \frac{\Omega_{Na}\,p}{F}, \f]
 * 0.2465 mV per MPa for Na (Ω_Na = 23.78 cm³/mol). At a held current the cell
 * voltage V therefore drops by Ω_Na p / F (1.232 mV at 5 MPa) when plating and
 * stripping alike.
 *
 * Symbols: Ω_Na molar volume [m³/mol]; p pressure in the Na at the face [Pa];
 * F Faraday constant [C/mol]. Source: Monroe & Newman, J. Electrochem. Soc. 152,
 * A396 (2005) (the hydrostatic part of their stress term); MODEL.md §3.1.
 */
#include "physics/materials/constants.hpp"

namespace navox::physics {

struct StressPotential {
  double molar_volume = 23.78e-6; ///< Ω_Na [m³/mol]
  /// Ω p / F [V] for a pressure p [Pa].
  double shift(double pressure) const { return molar_volume * pressure / kFaraday; }
};

} // namespace navox::physics
