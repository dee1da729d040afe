#pragma once
/**
 * Manufactured solution for the coupled ionic potential φ and Na phase field ξ
 * (MODEL.md §3.1–3.2 with the diffuse electrode of physics/electrochemistry/diffuse_electrode.hpp).
 *
 * Equations, on the cube [0, L]³ (periodic in x and y):
 * \f[ \nabla\cdot(\sigma(\xi)\nabla\phi) + j(\phi,\xi) = f_\phi, \f]
 * \f[ \partial_t\xi = -k\Big[g'(\xi) - \frac{\delta^2}{2}\nabla^2\xi\Big]
 *      - \frac{\Omega_{Na}}{F}\,j(\phi,\xi) + f_\xi, \f]
 * \f[ j = \frac{2}{\delta}\,\xi(1-\xi)\;i_0\big[e^{\alpha_a f\eta} - e^{-\alpha_c f\eta}\big],\quad
 *     \eta = V - \phi,\quad f = \frac{F}{RT},\qquad
 *     \sigma(\xi) = \sigma_{SE}[1-(1-\varepsilon)\xi],\qquad g'(\xi) = 2\xi(1-\xi)(1-2\xi). \f]
 * The anodic current j is a source of ionic current (∇·i = j with i = −σ∇φ) and
 * a sink of Na; with this sign the φ operator, linearised, is
 * ∇·σ∇ − a i_BV' (negative definite), so the φ row is a well-posed constraint.
 * Boundaries: z = 0 is an electrode held at φ*(x, y, 0, t) and has no ξ flux;
 * z = L carries neither current nor ξ flux.
 *
 * Solution: one travelling mode per field,
 * \f[ m = \cos\theta\,\cos k_z(z-z_0),\qquad \theta = k_x x + k_y y - \omega t + \theta_0, \f]
 * \f[ \phi^* = \phi_0 + \Phi\,m_\phi,\qquad \xi^* = \xi_0 + \Xi\,m_\xi \quad(\xi^*\in[0.2, 0.8]), \f]
 * with k_x = k_y = 2π/L (periodic); for ξ k_z = π/L, z_0 = 0 (∂_zξ* = 0 at both
 * walls), for φ k_z = π/(2L), z_0 = L (∂_zφ* = 0 at the top, a current
 * Φ σ k_z cos θ through the electrode, so the half-cell electrode flux is tested).
 * Derivatives of a mode, with C = cos k_z(z−z_0), S = sin k_z(z−z_0):
 * \f$\partial_x m = -k_x\sin\theta\,C\f$ (and y alike), \f$\partial_z m = -k_z\cos\theta\,S\f$,
 * \f$\partial_t m = \omega\sin\theta\,C\f$, \f$\nabla^2 m = -|k|^2 m\f$.
 *
 * Sources (product rule on the flux, σ' = −σ_SE(1−ε) constant):
 * \f[ f_\phi = \sigma'(\xi^*)\,\Xi\Phi\,\nabla m_\xi\cdot\nabla m_\phi
 *             + \sigma(\xi^*)\,\Phi\,\nabla^2 m_\phi + j(\phi^*,\xi^*), \f]
 * \f[ f_\xi = \Xi\,\partial_t m_\xi + k\,g'(\xi^*) - k\frac{\delta^2}{2}\,\Xi\,\nabla^2 m_\xi
 *             + \frac{\Omega_{Na}}{F}\,j(\phi^*,\xi^*). \f]
 * The pointwise laws (σ, j, g') are written out here again, not taken from
 * physics/, so that a wrong factor in a physics term is not cancelled by the
 * same factor in the source.
 *
 * Magnitudes (parameters below: L = 100 µm, δ = 15 µm, σ_SE = 0.09 S/m (NBH),
 * R_ct = 0.5 Ω cm² (i0 = 514 A/m²), α = ½, T = 298.15 K, V = 0, φ* = −5 ± 40 mV,
 * k = 0.02 1/s, Ω_Na = 23.78 cm³/mol, t_end = 100 s), as RMS over the cube: in
 * the φ equation σ∇²φ ≈ 9e6 A/m³, σ'∇ξ·∇φ ≈ 3e6 A/m³ and j ≈ 1.2e7 A/m³
 * (|Fη/RT| up to 1.74: Butler–Volmer well past linear; net j ≈ 3e6 A/m³ leaves
 * through the z = 0 electrode); in the ξ equation ∂tξ ≈ 3.1e-3 1/s, Ω j/F ≈
 * 3.0e-3 1/s, k g' ≈ 2.4e-3 1/s and k(δ²/2)∇²ξ ≈ 3.0e-3 1/s. The two modes
 * travel in opposite directions along the same diagonal, so ∇ξ·∇φ does not
 * vanish. Every term moves the solution by O(1) of its amplitude over t_end.
 */
#include <cmath>

namespace navox::verification {

struct TravellingMode {
  double kx = 0, ky = 0, kz = 0, omega = 0, phase = 0, z0 = 0;

  double theta(double x, double y, double t) const { return kx * x + ky * y - omega * t + phase; }
  double value(double x, double y, double z, double t) const {
    return std::cos(theta(x, y, t)) * std::cos(kz * (z - z0));
  }
  void gradient(double x, double y, double z, double t, double g[3]) const {
    const double s = std::sin(theta(x, y, t)), c = std::cos(theta(x, y, t));
    g[0] = -kx * s * std::cos(kz * (z - z0));
    g[1] = -ky * s * std::cos(kz * (z - z0));
    g[2] = -kz * c * std::sin(kz * (z - z0));
  }
  double laplacian(double x, double y, double z, double t) const {
    return -(kx * kx + ky * ky + kz * kz) * value(x, y, z, t);
  }
  double time_derivative(double x, double y, double z, double t) const {
    return omega * std::sin(theta(x, y, t)) * std::cos(kz * (z - z0));
  }
};

struct CoupledMms {
  // Geometry and manufactured fields.
  double length = 100e-6; ///< L [m]
  double phi_mean = -0.005, phi_amplitude = 0.040; ///< φ0, Φ [V]
  double xi_mean = 0.5, xi_amplitude = 0.3;        ///< ξ0, Ξ [-]
  TravellingMode phi_mode, xi_mode;
  // Material and kinetic parameters (SI).
  double sigma_se = 0.09;          ///< σ_SE [S/m]
  double residual_fraction = 0.05; ///< ε [-]
  double width = 15e-6;            ///< δ [m]
  double rate = 0.02;              ///< k [1/s]
  double exchange_current = 8.314462618 * 298.15 / (96485.33212 * 0.5e-4); ///< i0 = RT/(F R_ct) [A/m²]
  double alpha_anodic = 0.5, alpha_cathodic = 0.5;
  double temperature = 298.15;     ///< T [K]
  double electrode_potential = 0;  ///< V [V]
  double molar_volume = 23.78e-6;  ///< Ω_Na [m³/mol]
  double faraday = 96485.33212, gas_constant = 8.314462618;

  CoupledMms() {
    const double k = 2 * M_PI / length;
    // φ: a quarter wave in z, flat at the top wall, carrying current through the electrode.
    phi_mode = {k, k, 0.5 * M_PI / length, 2 * M_PI / 200.0, 0.0, length};
    // ξ: a half wave in z, flat at both walls.
    xi_mode = {k, k, M_PI / length, -2 * M_PI / 300.0, 1.0, 0.0};
  }

  double phi(double x, double y, double z, double t) const {
    return phi_mean + phi_amplitude * phi_mode.value(x, y, z, t);
  }
  double xi(double x, double y, double z, double t) const {
    return xi_mean + xi_amplitude * xi_mode.value(x, y, z, t);
  }

  double sigma(double xi) const { return sigma_se * (1 - (1 - residual_fraction) * xi); }
  double d_sigma() const { return -sigma_se * (1 - residual_fraction); }
  double reaction(double phi, double xi) const {
    const double f = faraday / (gas_constant * temperature), eta = electrode_potential - phi;
    return 2 / width * xi * (1 - xi) * exchange_current *
           (std::exp(alpha_anodic * f * eta) - std::exp(-alpha_cathodic * f * eta));
  }
  static double dg(double xi) { return 2 * xi * (1 - xi) * (1 - 2 * xi); }

  /// f_φ [A/m³].
  double source_phi(double x, double y, double z, double t) const {
    double gp[3], gx[3];
    phi_mode.gradient(x, y, z, t, gp);
    xi_mode.gradient(x, y, z, t, gx);
    const double s = this->xi(x, y, z, t);
    const double dot = gp[0] * gx[0] + gp[1] * gx[1] + gp[2] * gx[2];
    return d_sigma() * xi_amplitude * phi_amplitude * dot +
           sigma(s) * phi_amplitude * phi_mode.laplacian(x, y, z, t) + reaction(phi(x, y, z, t), s);
  }
  /// f_ξ [1/s].
  double source_xi(double x, double y, double z, double t) const {
    const double s = this->xi(x, y, z, t);
    return xi_amplitude * xi_mode.time_derivative(x, y, z, t) + rate * dg(s) -
           rate * 0.5 * width * width * xi_amplitude * xi_mode.laplacian(x, y, z, t) +
           molar_volume / faraday * reaction(phi(x, y, z, t), s);
  }
};

} // namespace navox::verification
