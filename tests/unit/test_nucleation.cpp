// Classical nucleation theory (physics/sodium/nucleation.hpp) against hand-computed values.
#include "physics/sodium/nucleation.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using navox::physics::ClassicalNucleation;
using navox::physics::kPi;

TEST(ClassicalNucleation, ShapeFactorOfTheCap) {
  EXPECT_NEAR(ClassicalNucleation::shape_factor(0.0), 0.0, 1e-15);       // perfect wetting: no barrier
  EXPECT_NEAR(ClassicalNucleation::shape_factor(kPi / 2), 0.5, 1e-15);   // a hemisphere
  EXPECT_NEAR(ClassicalNucleation::shape_factor(kPi), 1.0, 1e-15);       // no wetting: homogeneous
  // 60 deg: (2 + 1/2)(1/2)^2 / 4 = 5/32.
  EXPECT_NEAR(ClassicalNucleation::shape_factor(kPi / 3), 5.0 / 32.0, 1e-15);
}

TEST(ClassicalNucleation, CriticalRadiusBarrierAndRate) {
  ClassicalNucleation c; // gamma 0.2 J/m^2, Omega 23.78 cm^3/mol
  c.wetting_angle = kPi / 2;
  // r* = 2 gamma Omega / (F |eta|) = 2 * 0.2 * 23.78e-6 / (96485.33212 * 0.05) = 1.97169e-9 m.
  EXPECT_NEAR(c.critical_radius(-0.05), 1.971693e-9, 1e-14);
  // dG* = 16 pi gamma^3 Omega^2 / (3 (F eta)^2) * f = 16 pi 0.008 (23.78e-6)^2 / (3 (4824.27)^2) * 0.5.
  const double fe = 96485.33212 * 0.05;
  const double barrier = 16 * kPi * 0.008 * 23.78e-6 * 23.78e-6 / (3 * fe * fe) * 0.5;
  EXPECT_NEAR(c.barrier(-0.05) / barrier, 1.0, 1e-12);
  EXPECT_NEAR(barrier, 1.6283e-18, 1e-21);
  // The barrier scales as 1/eta^2; the sign of eta does not matter to it.
  EXPECT_NEAR(c.barrier(-0.1) * 4, c.barrier(-0.05), 1e-12 * barrier);
  // J = J0 exp(-dG*/kT), nothing for anodic or zero overpotential.
  const double kt = 1.380649e-23 * 298.15;
  EXPECT_NEAR(c.log_rate(-0.05, 298.15), std::log(1e30) - barrier / kt, 1e-9);
  EXPECT_EQ(c.rate(0.0, 298.15), 0.0);
  EXPECT_EQ(c.rate(0.01, 298.15), 0.0);
  // The critical cap: V* = 4/3 pi r*^3 f.
  const double r = c.critical_radius(-0.05);
  EXPECT_NEAR(c.nucleus_volume(-0.05), 4.0 / 3.0 * kPi * r * r * r * 0.5, 1e-40);
}

TEST(ClassicalNucleation, PoissonProbability) {
  ClassicalNucleation c;
  c.wetting_angle = 41.0 * kPi / 180.0;
  const double eta = -0.05, area = 6.25e-14, j = c.rate(eta, 298.15);
  // Small J A dt: p = J A dt; large: p -> 1; p(dt1 + dt2) = 1 - (1 - p1)(1 - p2).
  const double dt = 1e-3 / (j * area);
  EXPECT_NEAR(c.probability(eta, 298.15, area, dt) / 1e-3, 1.0, 1e-3);
  EXPECT_NEAR(c.probability(eta, 298.15, area, 50 / (j * area)), 1.0, 1e-15);
  const double p1 = c.probability(eta, 298.15, area, dt), p3 = c.probability(eta, 298.15, area, 3 * dt);
  EXPECT_NEAR(p3, 1 - std::pow(1 - p1, 3), 1e-15);
  // A smaller wetting angle: a lower barrier, more nuclei at the same eta.
  ClassicalNucleation au = c;
  au.wetting_angle = 11.0 * kPi / 180.0;
  EXPECT_GT(au.rate(-0.01, 298.15), 1e6 * c.rate(-0.01, 298.15));
}

} // namespace
