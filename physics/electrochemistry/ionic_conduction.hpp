#pragma once
/**
 * Ionic charge conservation in the solid electrolyte (MODEL.md §3.1).
 *
 * \f[ \nabla\cdot(\sigma_{SE}(T)\,\nabla\phi) = 0 \quad\text{in SE voxels} \f]
 *
 * Finite volumes on the voxel grid, two-point flux through each face. The current
 * into voxel P through a face of area \f$A\f$ shared with SE voxel N, centres a
 * distance \f$h\f$ apart, is
 * \f[ I_{PN} = A\,\sigma_f\,\frac{\phi_N-\phi_P}{h},\qquad
 *     \sigma_f = \frac{2\sigma_P\sigma_N}{\sigma_P+\sigma_N} \f]
 * (the harmonic mean is the exact conductance of the two half-cells in series, so
 * layered media are reproduced exactly). Through a face to an electrode held at
 * potential \f$\phi_E\f$ (the counter electrode at z = 0, or an SE|metal face
 * with ideal contact) the half-cell distance \f$h/2\f$ applies:
 * \f[ I_{PE} = A\,\sigma_P\,\frac{\phi_E-\phi_P}{h/2}. \f]
 * Faces to pores and outer walls carry no current.
 *
 * Conductivity follows Arrhenius:
 * \f[ \sigma(T) = \sigma_{ref}\exp\!\Big[-\frac{E_a}{R}\Big(\frac1T-\frac1{T_{ref}}\Big)\Big] \f]
 *
 * Symbols: \f$\phi\f$ ionic potential [V]; \f$\sigma\f$ conductivity [S/m];
 * \f$A\f$ [m^2]; \f$h\f$ [m]; \f$E_a\f$ [J/mol]; \f$R\f$ = 8.314 J/(mol K); T [K].
 * Source: MODEL.md §3.1 and §4 (NBH 0.9 mS/cm at 20 °C; NZSP ~5 mS/cm).
 */
#include "physics/materials/constants.hpp"
#include "physics/materials/material.hpp"

#include <cmath>

namespace navox::physics {

/// A current into a voxel and its derivatives with respect to the two potentials.
struct FaceCurrent {
  double value;   ///< [A]
  double d_self;  ///< dI/dphi_P [A/V]
  double d_other; ///< dI/dphi_N (or dphi_E) [A/V]
};

struct IonicConduction {
  static double conductivity(const Material& m, double temperature) {
    return m.conductivity *
           std::exp(-m.activation_energy / kGasConstant * (1.0 / temperature - 1.0 / m.reference_temperature));
  }

  /// Current into P from SE neighbour N.
  static FaceCurrent between(double phi_p, double phi_n, double sigma_p, double sigma_n, double area, double h) {
    const double g = area * 2.0 * sigma_p * sigma_n / ((sigma_p + sigma_n) * h);
    return {g * (phi_n - phi_p), -g, g};
  }

  /// Current into P from an electrode at potential phi_e, half a voxel away.
  static FaceCurrent to_electrode(double phi_p, double phi_e, double sigma_p, double area, double h) {
    const double g = area * sigma_p / (0.5 * h);
    return {g * (phi_e - phi_p), -g, g};
  }
};

} // namespace navox::physics
