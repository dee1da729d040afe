#pragma once
/**
 * Band-limited Langevin noise on the Na phase field ξ (MODEL.md §3.2–3.3: "for
 * morphology only"), per voxel and time step.
 *
 * The increment a step of length Δt adds to ξ in voxel i (Euler–Maruyama) is
 * \f[ \Delta\xi_i = h(\xi_i)\,\big[z_i - \lambda\big], \qquad
 *     z_i = \mathrm{clip}_{\pm 1/8}\Big(\sqrt{D\,\Delta t}\;\frac{(S^m\nu)_i}{s_m}\Big), \qquad
 *     h(\xi) = 4\xi(1-\xi), \f]
 * where ν_i are independent standard normal numbers (one per voxel and step),
 * S is the 7-point low-pass filter
 * \f[ (S\nu)_i = (1-6\beta)\,\nu_i + \beta\sum_{N\in\mathcal N(i)}\nu_N, \qquad \beta = 1/12, \f]
 * applied m times, and \f$s_m^2 = \sum_x K_m(x)^2\f$ the variance of the filtered
 * field (K_m the filter's kernel), so that z has variance D Δt. S has the transfer
 * function \f$H(\mathbf k) = 1 - 2\beta\sum_d (1-\cos k_d h)\f$: m passes keep
 * wavelengths longer than the correlation length \f$\ell = h\sqrt{m/6}\f$ (the
 * kernel's standard deviation per axis, \f$m\cdot 2\beta h^2 = \ell^2\f$) and
 * remove the grid scale, which is what band-limited means here. λ is the
 * h-weighted mean of z (the Lagrange multiplier that keeps Σξ fixed).
 *
 * Why this form: h vanishes in bulk Na and empty pore, so noise only moves the
 * existing interface (it creates neither Na in empty pores nor holes in dense Na);
 * with |z|, |λ| ≤ 1/8 the map ξ ↦ ξ + h(ξ)(z − λ) is increasing on [0, 1] and fixes
 * 0 and 1, so ξ stays in [0, 1] exactly.
 *
 * Symbols: D noise strength [1/s] (Var Δξ = D Δt where ξ = ½); Δt time step [s];
 * h voxel spacing [m]; ℓ correlation length [m]; m number of filter passes [-].
 * Source: Langevin noise in phase-field models, Karma & Rappel, Phys. Rev. E 60
 * (1999) 3614; the filter is the explicit heat-kernel step with β = 1/12.
 */
#include "physics/sodium/allen_cahn.hpp"
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace navox::physics {

struct BandLimitedNoise {
  static constexpr double kNeighbourWeight = 1.0 / 12; ///< β
  static constexpr double kClip = 1.0 / 8;             ///< the largest |z|
  double strength = 0; ///< D [1/s]
  int passes = 0;      ///< m

  /// m for a correlation length ℓ on spacing h: round(6 ℓ²/h²).
  static int passes_for(double correlation_length, double h) {
    return static_cast<int>(std::lround(6.0 * (correlation_length / h) * (correlation_length / h)));
  }
  static double centre_weight() { return 1.0 - 6.0 * kNeighbourWeight; }

  /// Covariance of the m-filtered unit white noise between voxels a lag (dx, dy, dz)
  /// apart on an unbounded lattice: \f$\sum_x K_m(x)K_m(x+r)\f$, from the transfer
  /// function by the n-point periodic quadrature, exact for n > 2m + |lag| (the
  /// integrand is a trigonometric polynomial of that degree along each axis).
  static double covariance(int passes, int dx, int dy, int dz) {
    if (passes == 0) return dx == 0 && dy == 0 && dz == 0 ? 1.0 : 0.0;
    const int n = 2 * passes + std::max({std::abs(dx), std::abs(dy), std::abs(dz)}) + 1;
    const double dk = 2.0 * kPi / n;
    double sum = 0;
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b)
        for (int c = 0; c < n; ++c) {
          const double kx = a * dk, ky = b * dk, kz = c * dk;
          const double t = 1 - 2 * kNeighbourWeight * (3 - std::cos(kx) - std::cos(ky) - std::cos(kz));
          sum += std::pow(t, 2 * passes) * std::cos(kx * dx + ky * dy + kz * dz);
        }
    return sum / (double(n) * n * n);
  }
  /// s_m: the standard deviation of the m-filtered unit white noise.
  double filtered_deviation() const { return std::sqrt(covariance(passes, 0, 0, 0)); }

  /// h(ξ) = 4ξ(1 − ξ): where the noise acts; the same weight as the Allen–Cahn
  /// volume multiplier, so both parts of the step leave bulk Na and empty pore alone.
  static double interface_weight(double xi) { return AllenCahn::multiplier_weight(xi); }
  /// z for one voxel from its filtered normal number (S^m ν)_i / s_m.
  double amplitude(double unit_noise, double dt) const {
    return std::clamp(std::sqrt(strength * dt) * unit_noise, -kClip, kClip);
  }
};

} // namespace navox::physics
