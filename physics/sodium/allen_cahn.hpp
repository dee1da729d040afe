#pragma once
/**
 * Allen–Cahn relaxation of the Na phase field ξ (MODEL.md §3.2), per voxel.
 *
 * \f[ \frac{\partial\xi}{\partial t} = -k\Big[g'(\xi) - \frac{\delta^2}{2}\nabla^2\xi\Big],
 *     \qquad g(\xi) = \xi^2(1-\xi)^2 \f]
 *
 * This is \f$-L(W g' - \kappa\nabla^2\xi)\f$ with the two rate constants folded
 * into \f$k = LW\f$ and \f$\kappa/W = \delta^2/2\f$, so the 1D equilibrium profile
 * (from \f$(\kappa/2)\xi'^2 = W g\f$) is \f$\xi = \tfrac12[1-\tanh(x/\delta)]\f$:
 * 10–90 % over 2.2 δ. Note \f$g'(\xi) = 4\xi(\xi-1)(\xi-\tfrac12)\f$, the form of
 * PFHub benchmark 7, which is this equation with k = 1 and δ²/2 = κ.
 *
 * Finite volumes: the Laplacian is the two-point face sum
 * \f$\nabla^2\xi \approx \sum_f (\xi_N-\xi_P)/h_f^2\f$ over faces to other
 * phase-field voxels; faces to SE, CC and outer walls are zero-flux, so ξ never
 * leaks into solids.
 *
 * Conserved form (MODEL.md §3.2, "Allen–Cahn with a volume-conserving Lagrange
 * multiplier"), the one the run uses:
 * \f[ \frac{\partial\xi}{\partial t} = -k\Big[g'(\xi) - \frac{\delta^2}{2}\nabla^2\xi\Big]
 *     - \lambda(t)\,h(\xi), \qquad h(\xi) = 4\xi(1-\xi), \qquad
 *     \lambda = \frac{\int -k\,g'(\xi)\,dV}{\int h(\xi)\,dV} \f]
 * (the zero-flux Laplacian integrates to zero), so \f$\int\xi\f$ is constant.
 * Weighting λ by h (Brassel & Bretin, Math. Methods Appl. Sci. 34 (2011) 1157)
 * keeps bulk Na and empty pore untouched, and since \f$|g'| \le h/2\f$,
 * \f$|\lambda| \le k/2\f$. An explicit step Δt with
 * \f$\Delta t\,(\sum_f c_f + 2k + 4|\lambda|) \le 1\f$ is an increasing map of
 * ξ_P and its neighbours that fixes 0 and 1, so ξ stays in [0, 1].
 *
 * Symbols: ξ Na volume fraction [-]; k relaxation rate [1/s]; δ interface width
 * parameter [m]; h voxel spacing normal to the face [m]; λ multiplier [1/s].
 */
namespace navox::physics {

struct AllenCahn {
  double rate = 1;  ///< k = L W [1/s]
  double width = 1; ///< δ [m], with κ/W = δ²/2

  /// The double well g = ξ²(1−ξ)², and its derivatives g'(ξ), g''(ξ).
  static double g(double xi) { return xi * xi * (1.0 - xi) * (1.0 - xi); }
  /// (dg and multiplier_weight are templates so that the solver's row kernel evaluates
  /// these very expressions on four lanes at once.)
  template <class T> static T dg(T xi) { return 2.0 * xi * (1.0 - xi) * (1.0 - 2.0 * xi); }
  static double d2g(double xi) { return 2.0 - 12.0 * xi + 12.0 * xi * xi; }

  /// Bulk part of dξ/dt in one voxel [1/s], and its derivative in ξ.
  double bulk(double xi) const { return -rate * dg(xi); }
  double d_bulk(double xi) const { return -rate * d2g(xi); }

  /// Coefficient c of the gradient part through one face: dξ_P/dt += c (ξ_N − ξ_P) [1/s].
  double face_coefficient(double h) const { return rate * 0.5 * width * width / (h * h); }

  /// h(ξ) = 4ξ(1 − ξ): the weight of the volume multiplier λ.
  template <class T> static T multiplier_weight(T xi) { return 4.0 * xi * (1.0 - xi); }
  /// The longest explicit step that keeps ξ in [0, 1] for any λ the conserved form
  /// can produce (|λ| ≤ k/2), given the six faces' coefficients summed [1/s].
  double stable_step(double face_coefficient_sum) const { return 1.0 / (face_coefficient_sum + 4.0 * rate); }
};

} // namespace navox::physics
