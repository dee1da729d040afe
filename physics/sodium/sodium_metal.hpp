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
 * When a voxel holds Na: \f$\xi > \xi_{tol}\f$ with one tolerance for every
 * decision (activity, connectivity, contact, settling, nucleation sites). Amounts
 * below it are rounding leftovers of the conservative moves (a voxel emptied by a
 * sum of fractions is 1e-17, not 0): the Na model removes them and books their
 * volume, so the decisions do not depend on the order of floating-point sums
 * (the partition) and Ω/F × charge still holds exactly. 1e-12 of a voxel is far
 * below one atomic layer for any voxel size up to metres.
 *
 * Active fraction of an SE|Na face (the w of MODEL.md §3.1), the same for plating
 * and stripping, from the Na thickness the voxel on the metal side holds against
 * the face (the stack pressure presses its Na onto the SE):
 * \f[ w = \min\big(1,\ \xi\,h_n / t_c\big) \f]
 * A film thinner than t_c (1 nm, a few atomic layers: an assumption) no longer
 * covers the face; t_c is a length, so a stripped interface loses contact over
 * the last t_c of Na whatever the voxel size h_n (the voxel size normal to the
 * face), and the current leaves a vanishing film smoothly (over t_c F/(Ω i)
 * seconds) instead of at one instant the time step would have to hit.
 *
 * Symbols: Ω_Na molar volume [m³/mol]; F Faraday constant [C/mol]; ξ_c the Na
 * fraction at which a voxel counts as bulk metal for connectivity [-]; t_c
 * coverage thickness [m]; h_n voxel size normal to the face [m].
 * Source: MODEL.md §3.1, §3.2 and §4 (Ω_Na).
 */
#include "physics/electrochemistry/ionic_conduction.hpp"

#include <algorithm>

namespace navox::physics {

struct SodiumMetal {
  /// ξ_tol: Na fractions at or below this are rounding leftovers, not Na [-].
  static constexpr double kTolerance = 1e-12;
  static bool holds(double xi) { return xi > kTolerance; }

  double molar_volume = 23.78e-6;  ///< Ω_Na [m³/mol]
  double connect_threshold = 0.5;  ///< ξ_c [-]
  double coverage_thickness = 1e-9; ///< t_c [m]: a few atomic layers

  /// Na volume made by a faradaic current over dt [m³] (negative when stripping).
  double plated_volume(double faradaic_current, double dt) const {
    return -molar_volume * faradaic_current * dt / kFaraday;
  }
  /// Dense Na thickness per areal charge [m per C/m²].
  double thickness_per_charge() const { return molar_volume / kFaraday; }

  /// w of a face whose metal-side voxel holds ξ, h_n [m] deep normal to the face.
  double activity(double xi, double depth) const {
    return holds(xi) ? std::min(1.0, xi * depth / coverage_thickness) : 0.0;
  }
};

} // namespace navox::physics
