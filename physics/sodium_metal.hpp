#pragma once
/**
 * Na metal as the phase field sees it (MODEL.md §3.2, §4).
 *
 * Faradaic volume: a face current \f$I_F\f$ (positive = anodic, stripping) changes
 * the Na volume on the metal side of the face at the rate
 * \f[ \dot V_{Na} = -\frac{\Omega_{Na}}{F}\,I_F , \f]
 * so 1 mAh/cm² plated is \f$\Omega_{Na}\cdot 36\ \mathrm{C/m^2}/F\f$ = 8.87 µm of dense Na
 * with \f$\Omega_{Na}\f$ = 23.78 cm³/mol.
 *
 * Active fraction of an SE|Na face (the w of MODEL.md §3.1), from the Na fraction
 * ξ of the voxel on the metal side:
 * \f[ w = \min(1, \xi/\xi_c) \f]
 * for stripping, and the same for plating except on a Na film lying on the
 * current collector (ξ > 0 in a voxel sharing a face with CC), where the stack
 * pressure holds the film against the SE: w = 1.
 *
 * Symbols: Ω_Na molar volume [m³/mol]; F Faraday constant [C/mol]; ξ_c the Na
 * fraction at which a voxel counts as metal (electronically connected, fully
 * active) [-]. Source: MODEL.md §3.2 and §4 (Ω_Na).
 */
#include "physics/ionic_conduction.hpp"

#include <algorithm>

namespace navox::physics {

struct SodiumMetal {
  double molar_volume = 23.78e-6;  ///< Ω_Na [m³/mol]
  double connect_threshold = 0.5;  ///< ξ_c [-]

  /// Na volume made by a faradaic current over dt [m³] (negative when stripping).
  double plated_volume(double faradaic_current, double dt) const {
    return -molar_volume * faradaic_current * dt / kFaraday;
  }
  /// Dense Na thickness per areal charge [m per C/m²].
  double thickness_per_charge() const { return molar_volume / kFaraday; }

  double activity(double xi) const { return std::clamp(xi / connect_threshold, 0.0, 1.0); }
  double plating_activity(double xi, bool film_on_collector) const {
    return film_on_collector && xi > 0 ? 1.0 : activity(xi);
  }
};

} // namespace navox::physics
