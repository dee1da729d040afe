#pragma once
/**
 * A diffuse SE|Na electrode: the SE|Na face current of MODEL.md §3.1 spread over
 * the diffuse Na interface of the phase field ξ (width δ of physics/sodium/allen_cahn.hpp),
 * and the ionic conductivity of a voxel shared by Na and electrolyte.
 *
 * Faradaic current per unit volume, positive anodic (Na → Na⁺ + e⁻, Na⁺ entering
 * the electrolyte), with the Butler–Volmer law of physics/electrochemistry/interface_kinetics.hpp:
 * \f[ j = a(\xi)\,i_{BV}(\eta),\qquad \eta = V - \phi - U_{ref},\qquad
 *     a(\xi) = \frac{2}{\delta}\,\xi(1-\xi). \f]
 * a is the interface area per unit volume: across the equilibrium profile
 * \f$\xi = \tfrac12[1-\tanh(x/\delta)]\f$ one has \f$|\nabla\xi| = (2/\delta)\,\xi(1-\xi)\f$,
 * so \f$\int a\,dx = 1\f$ through the interface: the area of the sharp face it
 * replaces. No exchange happens in pure electrolyte (ξ = 0) or pure Na (ξ = 1).
 *
 * The current enters the charge balance of the electrolyte and the Na balance of
 * the phase field with opposite signs, so the Na made equals Ω_Na/F times the
 * charge taken from the electrolyte, voxel by voxel:
 * \f[ \nabla\cdot(\sigma(\xi)\nabla\phi) + j = 0,\qquad
 *     \frac{\partial\xi}{\partial t} = \dots - \frac{\Omega_{Na}}{F}\,j . \f]
 *
 * Conductivity: ions move only through the electrolyte fraction 1 − ξ; a
 * residual fraction ε keeps the operator elliptic where ξ → 1:
 * \f[ \sigma(\xi) = \sigma_{SE}\,[\,1 - (1-\varepsilon)\,\xi\,]. \f]
 *
 * Symbols: ξ Na volume fraction [-]; δ interface width parameter [m]; a [1/m];
 * i_BV [A/m²]; j [A/m³]; V electrode (Na) potential [V]; φ ionic potential [V];
 * U_ref [V]; σ_SE electrolyte conductivity [S/m]; ε [-]; Ω_Na [m³/mol]; F [C/mol].
 * Source: MODEL.md §3.1–3.2 (face current, Faradaic volume); the area density
 * is |∇ξ| of the equilibrium profile of physics/sodium/allen_cahn.hpp, written in ξ so
 * that it stays a pointwise term.
 */
#include "physics/electrochemistry/interface_kinetics.hpp"

namespace navox::physics {

struct DiffuseElectrode {
  double width = 1;                  ///< δ [m], the Allen–Cahn width
  double residual_fraction = 0.05;   ///< ε [-]
  double reference_potential = 0;   ///< U_ref [V]

  /// a(ξ) [1/m].
  double area_density(double xi) const { return 2.0 / width * xi * (1.0 - xi); }

  /// j [A/m³]: the faradaic current into the electrolyte per unit volume.
  double current(const InterfaceKinetics& k, double electrode_potential, double phi, double xi) const {
    return area_density(xi) * k.butler_volmer(electrode_potential - phi - reference_potential);
  }

  /// σ(ξ) [S/m] from the electrolyte's own σ_SE.
  double conductivity(double sigma_se, double xi) const {
    return sigma_se * (1.0 - (1.0 - residual_fraction) * xi);
  }
};

} // namespace navox::physics
