// physics::solve_face: Butler–Volmer plus double layer in series with half a voxel
// of electrolyte, against hand-computed limits and finite differences.
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "physics/sodium/sodium_metal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using navox::physics::FaceCondition;
using navox::physics::InterfaceKinetics;
using navox::physics::solve_face;

InterfaceKinetics kinetics() {
  InterfaceKinetics k;
  k.exchange_current = InterfaceKinetics::exchange_current_from(1e-4, 298.15); // 1 ohm cm^2
  k.capacitance = 0.1;                                                        // 10 uF/cm^2
  return k;
}

FaceCondition face(double g) {
  FaceCondition c;
  c.area = 1e-12;
  c.conductance = g;
  c.active_anodic = c.active_cathodic = c.metal_fraction = 1;
  return c;
}

TEST(InterfaceKinetics, ExchangeCurrentFromChargeTransferResistance) {
  // MODEL.md §3.1: 1 ohm cm^2 <-> 25.7 mA/cm^2 at 25 degC.
  EXPECT_NEAR(InterfaceKinetics::exchange_current_from(1e-4, 298.15) * 0.1, 25.7, 0.05);
}

TEST(InterfaceKinetics, SymmetricButlerVolmerInvertsToAsinh) {
  // With a huge series conductance the face sits at eta = delta, and for
  // alpha = 1/2: i = 2 i0 sinh(F eta / 2RT).
  const InterfaceKinetics k = kinetics();
  FaceCondition c = face(1e6);
  const double f = navox::physics::kFaraday / (navox::physics::kGasConstant * 298.15);
  for (double eta : {-0.05, -0.01, 0.002, 0.03}) {
    const auto s = solve_face(k, c, eta);
    EXPECT_NEAR(s.eta, eta, 1e-9);
    EXPECT_NEAR(s.current / (c.area * 2 * k.exchange_current * std::sinh(0.5 * f * eta)), 1.0, 1e-6);
    EXPECT_DOUBLE_EQ(s.faradaic, s.current); // no double layer in a steady state
  }
}

TEST(InterfaceKinetics, SeriesResistanceSharesTheDrop) {
  // The current through the electrolyte half cell equals the kinetic current.
  const InterfaceKinetics k = kinetics();
  const FaceCondition c = face(2e-9);
  const auto s = solve_face(k, c, -0.1);
  EXPECT_NEAR(s.current, c.conductance * (-0.1 - s.eta), 1e-20);
  EXPECT_NEAR(s.current / (c.area * k.butler_volmer(s.eta)), 1.0, 1e-10);
  EXPECT_LT(s.eta, 0);
  EXPECT_GT(s.eta, -0.1);
}

TEST(InterfaceKinetics, DerivativeMatchesFiniteDifferences) {
  const InterfaceKinetics k = kinetics();
  FaceCondition c = face(3e-9);
  c.inv_dt = 10;
  c.eta_old = -0.01;
  c.active_anodic = 0.3; // a partly covered face: w differs by direction
  for (double delta : {-0.2, -0.02, -1e-4, 1e-4, 0.02, 0.2}) {
    const double h = 1e-7;
    const double fd = (solve_face(k, c, delta + h).current - solve_face(k, c, delta - h).current) / (2 * h);
    EXPECT_NEAR(solve_face(k, c, delta).d_current / fd, 1.0, 1e-5) << "delta = " << delta;
  }
}

TEST(InterfaceKinetics, BlockingFaceCarriesOnlyTheDoubleLayer) {
  const InterfaceKinetics k = kinetics();
  FaceCondition c = face(1e-9);
  c.active_anodic = c.active_cathodic = 0;
  c.inv_dt = 100;
  const auto s = solve_face(k, c, -0.01);
  EXPECT_EQ(s.faradaic, 0.0);
  // Capacitor C A / dt in series with g.
  const double cap = c.area * k.capacitance * c.inv_dt;
  EXPECT_NEAR(s.current / (-0.01 * cap * c.conductance / (cap + c.conductance)), 1.0, 1e-10);
  c.metal_fraction = 0; // no metal: no current at all
  EXPECT_EQ(solve_face(k, c, -0.01).current, 0.0);
}

TEST(InterfaceKinetics, BareCollectorTakesNaButGivesNone) {
  const InterfaceKinetics k = kinetics();
  FaceCondition c = face(1e-9);
  c.active_anodic = 0;
  EXPECT_LT(solve_face(k, c, -0.05).current, 0);
  EXPECT_EQ(solve_face(k, c, 0.05).current, 0.0);
}

TEST(InterfaceKinetics, IdealContactIsTheHalfCell) {
  InterfaceKinetics k = kinetics();
  k.exchange_current = std::numeric_limits<double>::infinity();
  const FaceCondition c = face(2e-9);
  EXPECT_DOUBLE_EQ(solve_face(k, c, -0.01).current, -0.01 * 2e-9);
}

TEST(SodiumMetal, OneMilliampHourPerSquareCentimetre) {
  // 1 mAh/cm^2 = 36000 C/m^2 -> Omega q / F = 8.87 um with Omega = 23.78 cm^3/mol.
  const navox::physics::SodiumMetal na;
  EXPECT_NEAR(na.thickness_per_charge() * 36000 * 1e6, 8.873, 0.001);
  EXPECT_DOUBLE_EQ(na.plated_volume(-1.0, 2.0), 2.0 * na.molar_volume / navox::physics::kFaraday);
}

TEST(SodiumMetal, ActivityIsTheNaThicknessOverTheCoverageThickness) {
  // One rule for plating and stripping: w = min(1, xi h / t_c), t_c = 1 nm by default.
  const navox::physics::SodiumMetal na;
  EXPECT_DOUBLE_EQ(na.coverage_thickness, 1e-9);
  EXPECT_DOUBLE_EQ(na.activity(0.002, 0.25e-6), 0.5);  // 0.5 nm of Na on the face
  EXPECT_DOUBLE_EQ(na.activity(0.001, 0.5e-6), 0.5);   // the same 0.5 nm in a voxel twice as deep
  EXPECT_DOUBLE_EQ(na.activity(0.2, 0.25e-6), 1.0);
  // Rounding leftovers are not Na: no activity, whatever the voxel size.
  EXPECT_FALSE(navox::physics::SodiumMetal::holds(2.8e-17));
  EXPECT_FALSE(navox::physics::SodiumMetal::holds(navox::physics::SodiumMetal::kTolerance));
  EXPECT_TRUE(navox::physics::SodiumMetal::holds(1e-11));
  EXPECT_DOUBLE_EQ(na.activity(2.8e-17, 1.0), 0.0);
}

} // namespace
