// physics::PhaseDrivingForce (the tilt Δf p(ξ) of the Allen–Cahn double well)
// against hand-computed values, finite differences, and the interface energy
// γ = Wδ/6 on which its critical radius rests.
#include "physics/sodium/allen_cahn.hpp"
#include "physics/sodium/phase_driving_force.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using navox::physics::AllenCahn;
using navox::physics::PhaseDrivingForce;

TEST(PhaseDrivingForce, HandValues) {
  // p(½) = ⅛·4 = ½; p(¼) = (1/64)(10 − 3.75 + 0.375) = 6.625/64;
  // p'(½) = 30/16; p'(¼) = 30·(1/16)(9/16) = 270/256; p''(½) = 0;
  // p''(¼) = 30·2·¼·¾·½ = 5.625.
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::p(0.5), 0.5);
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::p(0.25), 6.625 / 64);
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::dp(0.5), 1.875);
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::dp(0.25), 270.0 / 256);
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::d2p(0.5), 0.0);
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::d2p(0.25), 5.625);

  const PhaseDrivingForce f{2.0, 0.1};
  EXPECT_DOUBLE_EQ(f.bulk(0.25), 2.0 * 0.1 * 270.0 / 256);
  EXPECT_DOUBLE_EQ(f.d_bulk(0.25), 2.0 * 0.1 * 5.625);
  EXPECT_DOUBLE_EQ(f.energy(0.5), 1.0 / 16 - 0.1 * 0.5);
}

TEST(PhaseDrivingForce, BulkPhasesStayPutAndSolidIsLowerByDeltaF) {
  const PhaseDrivingForce f{1.0, 0.3};
  const AllenCahn ac{1.0, 1.0};
  for (double xi : {0.0, 1.0}) {
    EXPECT_DOUBLE_EQ(f.bulk(xi), 0.0);
    EXPECT_DOUBLE_EQ(ac.bulk(xi) + f.bulk(xi), 0.0);
  }
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::p(0.0), 0.0);
  EXPECT_DOUBLE_EQ(PhaseDrivingForce::p(1.0), 1.0);
  EXPECT_DOUBLE_EQ(f.energy(1.0) - f.energy(0.0), -0.3);
  // Δf > 0 pushes every intermediate ξ towards 1.
  for (double xi : {0.1, 0.5, 0.9})
    EXPECT_GT(f.bulk(xi), 0.0);
}

TEST(PhaseDrivingForce, DerivativesMatchFiniteDifferences) {
  const PhaseDrivingForce f{1.7, 0.05};
  const AllenCahn ac{f.rate, 1.0};
  const double h = 1e-6;
  for (double xi : {-0.1, 0.0, 0.2, 0.5, 0.73, 1.0, 1.1}) {
    const double fd_p = (PhaseDrivingForce::p(xi + h) - PhaseDrivingForce::p(xi - h)) / (2 * h);
    EXPECT_NEAR(PhaseDrivingForce::dp(xi), fd_p, 1e-8) << "xi = " << xi;
    const double fd_dp = (PhaseDrivingForce::dp(xi + h) - PhaseDrivingForce::dp(xi - h)) / (2 * h);
    EXPECT_NEAR(PhaseDrivingForce::d2p(xi), fd_dp, 1e-7) << "xi = " << xi;
    const double fd_bulk = (f.bulk(xi + h) - f.bulk(xi - h)) / (2 * h);
    EXPECT_NEAR(f.d_bulk(xi), fd_bulk, 1e-8) << "xi = " << xi;
    // With AllenCahn at the same k, the bulk rate is −k ∂(f/W)/∂ξ for f = W g − Δf p.
    const double fd_energy = (f.energy(xi + h) - f.energy(xi - h)) / (2 * h);
    EXPECT_NEAR(ac.bulk(xi) + f.bulk(xi), -f.rate * fd_energy, 1e-8) << "xi = " << xi;
  }
}

TEST(PhaseDrivingForce, CriticalRadiusFromTheInterfaceEnergy) {
  // γ/W of the equilibrium profile ξ = ½[1 − tanh(x/δ)] with κ/W = δ²/2,
  // integrated numerically: ∫ (δ²/4 ξ'² + g) dx = δ/6.
  const double delta = 0.7;
  const int n = 200000;
  const double a = -30 * delta, dx = 60 * delta / n;
  double gamma = 0;
  for (int i = 0; i < n; ++i) {
    const double x = a + (i + 0.5) * dx, s = 1 / std::cosh(x / delta);
    const double xi = 0.5 * (1 - std::tanh(x / delta)), dxi = -0.5 * s * s / delta;
    gamma += (0.25 * delta * delta * dxi * dxi + AllenCahn::g(xi)) * dx;
  }
  EXPECT_NEAR(gamma, delta / 6, 1e-9);

  // PFHub 8(a): δ = √2 (ℓ = 1), Δf = √2/30 → r* = 5; parts (b), (c):
  // Δf = 1/(3√2) → r* = 1. A sphere's critical radius is twice a disc's.
  const PhaseDrivingForce a8{1.0, std::sqrt(2.0) / 30};
  EXPECT_NEAR(a8.critical_radius(std::sqrt(2.0), 2), 5.0, 1e-12);
  EXPECT_NEAR(a8.critical_radius(std::sqrt(2.0), 3), 10.0, 1e-12);
  const PhaseDrivingForce b8{1.0, 1 / (3 * std::sqrt(2.0))};
  EXPECT_NEAR(b8.critical_radius(std::sqrt(2.0), 2), 1.0, 1e-12);
}

} // namespace
