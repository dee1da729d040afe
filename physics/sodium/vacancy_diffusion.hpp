#pragma once
/**
 * Lattice-site occupancy θ in the plated metal and its supply to a stripping face
 * (MODEL.md §3.5). Stripping takes atoms out of the metal at the SE face; the sites
 * they leave are vacancies, which the metal's self-diffusion carries into the bulk:
 * \f[ \xi\,\frac{\partial\theta}{\partial t} = \nabla\cdot\big(D\,\xi_f\,\nabla\theta\big)
 *     \quad\text{in the metal}, \qquad
 *     D\,\frac{\partial\theta}{\partial n} = \frac{\Omega\, i_F}{F}
 *     \quad\text{on a stripping metal|SE face}, \f]
 * in finite volumes on the voxels: the voxel's capacity is its metal fraction ξ (its
 * lattice), the face between two metal voxels conducts in proportion to the share
 * ξ_f = min(ξ_P, ξ_N) that is metal on both sides, and a stripping face removes
 * Ω I_F / F of atom volume per second from the voxel across it. Creep (MODEL.md §3.5's
 * supply term) closes vacant sites at a rate k, a sink k ξ (1 − θ) (solver/sodium/
 * vacancies.hpp). θ on the face itself (what decides whether a void opens there) is
 * the voxel's θ less the drop over the depth δ the depletion reaches from the face:
 * \f[ \theta_{face} = \theta_P - \frac{\Omega\, i_F}{F}\,\frac{\delta}{D}, \qquad
 *     \delta = \ell\,\tanh\frac{h_n}{2\ell}, \quad \ell = \sqrt{D/k}, \f]
 * the half voxel h_n/2 without creep, and the decay length ℓ of the steady profile
 * θ = 1 − (Ω i/F) ℓ/D e^{−x/ℓ} when creep confines the depletion within the voxel
 * (so that the face value does not depend on the voxel size there).
 *
 * Symbols: θ occupancy (1 − vacancy site fraction) [-]; k creep closure rate of vacant
 * sites [1/s]; ξ metal fraction of the
 * voxel [-]; D self-diffusivity D(T) of the metal [m²/s] (material library, MODEL.md
 * §4); Ω molar volume [m³/mol], c_m = 1/Ω; i_F anodic faradaic current density
 * [A/m²]; F Faraday constant [C/mol]; h_n voxel size normal to the face [m].
 *
 * The analytic limit (flat face, semi-infinite metal, constant i): the Sand/Cottrell
 * solution θ_face(t) = 1 − (2 Ω i / F) sqrt(t / (π D)), which reaches 0 at
 * \f[ \tau = \frac{\pi D c_m^2 F^2}{4 i^2}. \f]
 * Source: MODEL.md §3.5 and §6 (V2–V4); Krauskopf et al., ACS Appl. Mater. Interfaces
 * 11, 14463 (2019) for the Li form of the same balance.
 */
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>

namespace navox::physics {

struct VacancyDiffusion {
  double diffusivity = 5.72e-13;  ///< D [m²/s] (Na at 25 °C)
  double molar_volume = 23.78e-6; ///< Ω [m³/mol]

  /// Atom-volume conductance of the face between voxels holding metal fractions a
  /// and b: D min(a, b) A / d [m³/s], A the face area [m²], d the centre distance [m].
  double conductance(double a, double b, double area, double distance) const {
    return diffusivity * std::min(a, b) * area / distance;
  }
  /// Atom volume a face takes out of the metal per second at faradaic current I [A]
  /// (+ anodic, stripping): Ω I / F [m³/s].
  double stripped_rate(double current) const { return molar_volume * current / kFaraday; }
  /// θ on the face of a voxel with occupancy theta, carrying anodic current I [A]
  /// through area A [m²], the face h_n [m] across the voxel from its opposite face;
  /// with creep closing vacant sites at rate k [1/s], over the depth δ the depletion
  /// reaches from the face (see the header).
  double face_occupancy(double theta, double current, double area, double depth, double sink_rate = 0) const {
    return theta - stripped_rate(current) / area * depletion_depth(depth, sink_rate) / diffusivity;
  }
  /// δ = ℓ tanh(h_n / (2ℓ)), ℓ = sqrt(D / k): h_n/2 without creep (ℓ ≫ h_n), ℓ when creep
  /// confines the depletion to a layer thinner than the voxel [m].
  double depletion_depth(double depth, double sink_rate) const {
    if (!(sink_rate > 0)) return 0.5 * depth;
    const double l = std::sqrt(diffusivity / sink_rate);
    return l * std::tanh(0.5 * depth / l);
  }
  /// The Sand time τ [s] of a flat face stripped at current density i [A/m²].
  double sand_time(double current_density) const {
    const double cm = 1.0 / molar_volume;
    return M_PI * diffusivity * cm * cm * kFaraday * kFaraday / (4 * current_density * current_density);
  }
};

} // namespace navox::physics
