#pragma once
/**
 * Current through one SE|metal face: Butler–Volmer plus double layer, in series
 * with the half voxel of electrolyte between the SE voxel centre and the face
 * (MODEL.md §3.1).
 *
 * \f[ I = A\big[\,w(\eta)\,i_{BV}(\eta) + C_{dl}\,(\eta-\eta^{old})/\Delta t\,\big],\qquad
 *     \eta = \delta - I/g,\qquad \delta = V - \phi_P - U_{ref} + \Omega_{Na} p/F \f] (the stress term: physics/mechanics/stress_potential.hpp)
 * \f[ i_{BV}(\eta) = i_0\big[e^{\alpha_a F\eta/RT} - e^{-\alpha_c F\eta/RT}\big],\qquad
 *     i_0 = \frac{RT}{F\,R_{ct}},\qquad g = \frac{\sigma_P A}{h/2} \f]
 *
 * I is the current into the SE voxel P (positive = anodic: Na → Na⁺ + e⁻ at the
 * metal, Na⁺ entering the SE). η is the overpotential at the face, where the
 * potential is \f$\phi_P + I/g\f$, not \f$\phi_P\f$: solving the series problem
 * per face keeps the cell voltage second-order accurate in the voxel size.
 * The active fraction w may differ for the two directions: a bare current
 * collector can take Na (w for η < 0) but has none to give (w = 0 for η > 0);
 * since \f$i_{BV}(0) = 0\f$ the current stays continuous in η. The double layer
 * charges only on the fraction of the face backed by metal. R_ct = 0 (i0 = ∞)
 * is an ideal contact: the face sits at the metal's potential where active.
 *
 * The scalar equation is strictly monotone in η, so it has exactly one root,
 * found by Newton's method safeguarded by bisection. Its derivative gives the
 * face's contribution to the Jacobian:
 * \f[ \frac{dI}{d\delta} = \frac{g\,G}{g+G},\qquad G = A\,[\,w\,i_{BV}'(\eta)+C_{dl}/\Delta t\,] \f]
 * (the kinetic and ohmic conductances in series).
 *
 * Symbols: A face area [m²]; w active fraction [-]; i0 exchange current density
 * [A/m²]; R_ct charge-transfer resistance [Ω m²] (1 Ω cm² ↔ 25.7 mA/cm² at 25 °C);
 * α_a, α_c transfer coefficients [-]; C_dl double-layer capacitance [F/m²];
 * Δt time step [s]; V electrode potential [V]; φ ionic potential [V]; σ_P SE
 * conductivity [S/m]; h voxel size normal to the face [m]; F, R, T as usual.
 * Source: MODEL.md §3.1; Bard & Faulkner, Electrochemical Methods, ch. 3.
 */
#include "physics/electrochemistry/ionic_conduction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace navox::physics {

struct InterfaceKinetics {
  double exchange_current = 1;   ///< i0 [A/m²]
  double alpha_anodic = 0.5;     ///< α_a [-]
  double alpha_cathodic = 0.5;   ///< α_c [-]
  double temperature = 298.15;   ///< T [K]
  double capacitance = 0;        ///< C_dl [F/m²]

  static double exchange_current_from(double charge_transfer_resistance, double temperature) {
    return kGasConstant * temperature / (kFaraday * charge_transfer_resistance);
  }

  /// i_BV(η) [A/m²] and its derivative [A/(m² V)].
  double butler_volmer(double eta) const { return exchange_current * (ea(eta) - ec(eta)); }
  double d_butler_volmer(double eta) const {
    const double f = kFaraday / (kGasConstant * temperature);
    return exchange_current * f * (alpha_anodic * ea(eta) + alpha_cathodic * ec(eta));
  }
  /// Both at once, from one pair of exponentials.
  void butler_volmer_and_slope(double eta, double& i, double& di) const {
    const double f = kFaraday / (kGasConstant * temperature);
    const double a = ea(eta), c = ec(eta);
    i = exchange_current * (a - c);
    di = exchange_current * f * (alpha_anodic * a + alpha_cathodic * c);
  }

private:
  // Exponents are capped: a wild Newton iterate must give a large finite number, not inf.
  static double capped_exp(double x) { return std::exp(std::min(x, 300.0)); }
  double ea(double eta) const { return capped_exp(alpha_anodic * kFaraday * eta / (kGasConstant * temperature)); }
  double ec(double eta) const { return capped_exp(-alpha_cathodic * kFaraday * eta / (kGasConstant * temperature)); }
};

/// What the face holds besides the kinetics.
struct FaceCondition {
  double area = 0;            ///< A [m²]
  double conductance = 0;     ///< g = σ_P A/(h/2) [S]
  double active_anodic = 0;   ///< w for η > 0 [-]
  double active_cathodic = 0; ///< w for η < 0 [-]
  double metal_fraction = 0;  ///< fraction of the face backed by metal, carrying the double layer [-]
  double eta_old = 0;         ///< η at the end of the previous step [V]
  double inv_dt = 0;          ///< 1/Δt [1/s]; 0 for a steady state (no double-layer current)
};

struct FaceSolution {
  double current = 0;   ///< I into the SE voxel [A]
  double d_current = 0; ///< dI/dδ [A/V]
  double faradaic = 0;  ///< the Butler–Volmer part of I [A]
  double eta = 0;       ///< overpotential at the face [V]
};

inline FaceSolution solve_face(const InterfaceKinetics& k, const FaceCondition& c, double delta) {
  auto w = [&](double eta) { return eta > 0 ? c.active_anodic : c.active_cathodic; };
  const double cdl = c.metal_fraction * k.capacitance * c.inv_dt;
  auto capacitive = [&](double eta) { return c.area * cdl * (eta - c.eta_old); };
  FaceSolution s;
  if (std::isinf(k.exchange_current)) {
    // Ideal contact (R_ct = 0): the face is at the metal's potential wherever it is active.
    const bool active = w(delta) > 0;
    s.current = s.faradaic = active ? c.conductance * delta : 0.0;
    s.d_current = active ? c.conductance : 0.0;
    return s;
  }
  // F(η) = g (δ − η) − kinetic(η) − capacitive(η): strictly decreasing, one root.
  // Its value and slope come from one pair of exponentials.
  struct Point {
    double residual, slope, kinetic;
  };
  auto at = [&](double eta) {
    double bv = 0, dbv = 0;
    k.butler_volmer_and_slope(eta, bv, dbv);
    const double kin = c.area * w(eta) * bv;
    return Point{c.conductance * (delta - eta) - kin - capacitive(eta),
                 c.conductance + c.area * (w(eta) * dbv + cdl), kin};
  };
  // Newton's method from δ (the root for a blocking face), kept inside the bracket
  // the residuals' signs give (bisection where a step would leave it).
  constexpr double inf = std::numeric_limits<double>::infinity();
  double lo = -inf, hi = inf, eta = delta;
  Point p = at(eta);
  for (int it = 0; it < 200 && p.residual != 0; ++it) {
    if (p.residual > 0) lo = eta; else hi = eta;
    double next = eta + p.residual / p.slope;
    // (A step below round-off lands on eta, the bracket's end: it ends the iteration below.)
    if (!(next > lo && next < hi) && next != eta) next = 0.5 * (lo + hi);
    const bool done = std::abs(next - eta) <= 1e-15 + 1e-13 * std::abs(eta) || hi - lo <= 1e-15;
    eta = next;
    p = at(eta);
    if (done) break;
  }
  s.eta = eta;
  // Evaluated on the interface side: g (δ − η) loses every digit when g is large.
  s.faradaic = p.kinetic;
  s.current = s.faradaic + capacitive(eta);
  const double G = p.slope - c.conductance;
  s.d_current = c.conductance * G / (c.conductance + G);
  return s;
}

} // namespace navox::physics
