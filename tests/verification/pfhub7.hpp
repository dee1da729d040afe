#pragma once
/**
 * PFHub benchmark 7 (MMS Allen–Cahn): manufactured solution and source term.
 *
 * Equation (PFHub's form, which is physics::AllenCahn with k = 1, δ²/2 = κ):
 * \f[ \partial_t\eta = -\big[4\eta(\eta-1)(\eta-\tfrac12) - \kappa\nabla^2\eta\big] + S \f]
 * on 0 ≤ x ≤ 1 (periodic), 0 ≤ y ≤ 1/2 (Dirichlet from the solution), with
 * \f[ \eta = \tfrac12\big[1-\tanh u\big],\quad u = \frac{y-\alpha(x,t)}{\sqrt{2\kappa}},\quad
 *     \alpha = \tfrac14 + A_1 t\sin B_1x + A_2\sin(B_2x + C_2t). \f]
 *
 * Source: for fixed x the profile in y is the equilibrium tanh of the double
 * well, so 4η(η−1)(η−½) − κ∂²η/∂y² = 0 exactly and only ∂η/∂t − κ∂²η/∂x²
 * survive. With ∂η/∂u = −½sech²u and u_x = −α_x/√(2κ), u_t = −α_t/√(2κ):
 * \f[ S = \frac{\mathrm{sech}^2u}{4\sqrt\kappa}\Big[\sqrt2(\alpha_t - \kappa\alpha_{xx})
 *          - 2\sqrt\kappa\,\tanh u\;\alpha_x^2\Big], \f]
 * which is the expression published with the benchmark (checked symbolically
 * against the full residual of the equation when this file was written).
 */
#include <cmath>

namespace navox::verification {

struct Pfhub7 {
  double kappa = 0.0004;
  double A1 = 0.0075, B1 = 8 * M_PI;
  double A2 = 0.03, B2 = 22 * M_PI, C2 = 0.0625 * M_PI;

  double alpha(double x, double t) const {
    return 0.25 + A1 * t * std::sin(B1 * x) + A2 * std::sin(B2 * x + C2 * t);
  }
  double alpha_x(double x, double t) const {
    return A1 * B1 * t * std::cos(B1 * x) + A2 * B2 * std::cos(B2 * x + C2 * t);
  }
  double alpha_xx(double x, double t) const {
    return -A1 * B1 * B1 * t * std::sin(B1 * x) - A2 * B2 * B2 * std::sin(B2 * x + C2 * t);
  }
  double alpha_t(double x, double t) const {
    return A1 * std::sin(B1 * x) + A2 * C2 * std::cos(B2 * x + C2 * t);
  }

  /// Interface coordinate u = (y − α)/√(2κ).
  double u(double x, double y, double t) const { return (y - alpha(x, t)) / std::sqrt(2 * kappa); }

  /// η_sol(x, y, t).
  double solution(double x, double y, double t) const { return 0.5 * (1 - std::tanh(u(x, y, t))); }

  /// S(x, y, t) such that η_sol solves the equation above.
  double source(double x, double y, double t) const {
    const double uu = u(x, y, t), sech = 1 / std::cosh(uu), ax = alpha_x(x, t);
    const double sk = std::sqrt(kappa);
    return sech * sech / (4 * sk) *
           (std::sqrt(2.0) * (alpha_t(x, t) - kappa * alpha_xx(x, t)) - 2 * sk * std::tanh(uu) * ax * ax);
  }
};

} // namespace navox::verification
