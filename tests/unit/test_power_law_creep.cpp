// Na power-law creep (physics/mechanics/power_law_creep.hpp):
//  - the calibration: 0.2 MPa at 1e-3 1/s and 298.15 K, 10^(1/5) more at 1e-2 1/s,
//    lower at 313 K by exp(-Q/(nR) (1/298.15 - 1/313.15));
//  - strain_rate and flow_stress are inverses;
//  - the default activation energy is the apparent one of MODEL.md §4's D(T) at 298.15 K;
//  - the void-closure rate against the spherical-void problem solved here by
//    quadrature: radial velocity adot a^2 / r^2 in an incompressible power-law matrix,
//    sigma_rr(inf) - sigma_rr(a) = 2 int_a^inf sigma_e(r) / r dr with a traction-free
//    void surface; bisection on adot for a remote pressure p (the closed form is
//    Budiansky, Hutchinson & Slutsky 1982; this checks it and its implementation).
#include "physics/materials/material_library.hpp"
#include "physics/mechanics/power_law_creep.hpp"

#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using navox::physics::PowerLawCreep;

TEST(PowerLawCreep, ReproducesItsCalibration) {
  const PowerLawCreep na;
  navox::test::validate_line("Na flow stress at 1e-3 1/s, 298 K (the creep law at a material point)",
                             "0.2 MPa (5 %)", "%.4f MPa", na.flow_stress(1e-3, 298.15) * 1e-6);
  navox::test::validate_line("Na flow stress at 1e-2 1/s, 298 K", "0.317 MPa (n = 5)", "%.4f MPa",
                             na.flow_stress(1e-2, 298.15) * 1e-6);
  navox::test::validate_line("Na flow stress at 1e-3 1/s, 313 K", "below 0.2 MPa", "%.4f MPa",
                             na.flow_stress(1e-3, 313.15) * 1e-6);
  EXPECT_NEAR(na.flow_stress(1e-3, 298.15), 0.2e6, 1e-6);
  EXPECT_NEAR(na.flow_stress(1e-2, 298.15) / 0.2e6, std::pow(10.0, 0.2), 1e-12); // 0.317 MPa
  const double cooler = std::exp(-na.activation_energy / (5 * 8.314462618) * (1 / 298.15 - 1 / 313.15));
  EXPECT_NEAR(na.flow_stress(1e-3, 313.15) / 0.2e6, cooler, 1e-12);
  EXPECT_LT(na.flow_stress(1e-3, 313.15), 0.18e6); // softer when warmer (0.171 MPa)
  for (double s : {0.05e6, 0.2e6, 1e6, 5e6})
    for (double t : {273.15, 298.15, 330.0}) EXPECT_NEAR(na.flow_stress(na.strain_rate(s, t), t) / s, 1.0, 1e-12);
}

TEST(PowerLawCreep, DefaultActivationEnergyIsThatOfSelfDiffusion) {
  const auto* na = navox::physics::library::find_metal("Na");
  ASSERT_NE(na, nullptr);
  const double q = na->diffusion_activation_energy(298.15);
  // -R dlnD/d(1/T) by a central difference of D(T) itself.
  const double t = 298.15, d = 1e-3;
  const double slope = (std::log(na->self_diffusivity(t + d)) - std::log(na->self_diffusivity(t - d))) /
                       (1 / (t + d) - 1 / (t - d));
  EXPECT_NEAR(q, -8.314462618 * slope, 1e-4 * q);
  EXPECT_NEAR(q, PowerLawCreep{}.activation_energy, 0.001 * q); // the 40.7 kJ/mol default
}

/// The remote pressure that closes a void of radius a at the rate adot < 0, by
/// quadrature of the radial equilibrium over r in [a, 1e6 a] (substitution r = a e^s),
/// plus the tail beyond it, where sigma_e ~ r^(-3/n) integrates to sigma_e(r_max) n / 3.
double remote_pressure(const PowerLawCreep& law, double a, double adot, double temperature) {
  const int n = 20000;
  const double s_max = std::log(1e6);
  double sum = 0;
  for (int m = 0; m < n; ++m) {
    const double s = (m + 0.5) * s_max / n;
    const double r = a * std::exp(s);
    const double rate = 2 * std::abs(adot) * a * a / (r * r * r); // equivalent strain rate
    sum += law.flow_stress(rate, temperature) * (s_max / n);  // sigma_e / r dr = sigma_e ds
  }
  const double r_max = a * std::exp(s_max);
  sum += law.flow_stress(2 * std::abs(adot) * a * a / (r_max * r_max * r_max), temperature) * law.exponent / 3;
  return 2 * sum;
}

TEST(PowerLawCreep, VoidClosureMatchesTheSphericalVoidSolution) {
  const PowerLawCreep na;
  for (double p : {1e6, 5e6, 10e6}) {
    const double a = 1e-6, T = 298.15;
    // Bisection on log|adot| for the remote pressure p.
    double lo = -30, hi = 10;
    for (int it = 0; it < 80; ++it) {
      const double mid = 0.5 * (lo + hi);
      (remote_pressure(na, a, -std::exp(mid) * a, T) < p ? lo : hi) = mid;
    }
    const double k = 3 * std::exp(0.5 * (lo + hi)); // -Vdot/V = -3 adot / a
    EXPECT_NEAR(k / na.void_closure_rate(p, T), 1.0, 1e-5) << p;
  }
  // Twice the pressure closes 2^n times faster; 313 K faster than 298 K.
  EXPECT_NEAR(na.void_closure_rate(10e6, 298.15) / na.void_closure_rate(5e6, 298.15), 32.0, 1e-9);
  EXPECT_GT(na.void_closure_rate(5e6, 313.15), 2 * na.void_closure_rate(5e6, 298.15));
  EXPECT_NEAR(na.closed_share(5e6, 298.15, 1e-3), 1 - std::exp(-na.void_closure_rate(5e6, 298.15) * 1e-3), 1e-15);
}

} // namespace
