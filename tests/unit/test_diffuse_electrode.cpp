// physics::DiffuseElectrode: the diffuse interface carries the current of the
// sharp face it replaces, in the anodic sign convention, and the conductivity
// spans the electrolyte's own down to the residual fraction.
#include "physics/electrochemistry/diffuse_electrode.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using navox::physics::DiffuseElectrode;
using navox::physics::InterfaceKinetics;

TEST(DiffuseElectrode, AreaDensityIntegratesToOneAcrossTheEquilibriumProfile) {
  DiffuseElectrode e;
  e.width = 2e-6;
  // ξ = ½[1 − tanh(x/δ)], the Allen–Cahn equilibrium (physics/sodium/allen_cahn.hpp), on ±20 δ.
  const int n = 40000;
  const double a = -20 * e.width, dx = 40 * e.width / n;
  double area = 0;
  for (int i = 0; i < n; ++i) {
    const double x = a + (i + 0.5) * dx;
    area += e.area_density(0.5 * (1 - std::tanh(x / e.width))) * dx;
  }
  EXPECT_NEAR(area, 1.0, 1e-9);
}

TEST(DiffuseElectrode, CurrentIsFaceCurrentTimesAreaDensity) {
  DiffuseElectrode e;
  e.width = 1e-6;
  InterfaceKinetics k;
  k.exchange_current = 10;
  // No exchange in pure phases or at equilibrium.
  EXPECT_EQ(e.current(k, 0.1, 0.0, 0.0), 0.0);
  EXPECT_EQ(e.current(k, 0.1, 0.0, 1.0), 0.0);
  EXPECT_EQ(e.current(k, 0.02, 0.02, 0.5), 0.0);
  // Anodic (V above φ) is positive; U_ref shifts η.
  EXPECT_GT(e.current(k, 0.01, 0.0, 0.3), 0.0);
  EXPECT_NEAR(e.current(k, 0.01, 0.0, 0.3), 2 / 1e-6 * 0.3 * 0.7 * k.butler_volmer(0.01), 1e-9);
  e.reference_potential = 0.01;
  EXPECT_EQ(e.current(k, 0.01, 0.0, 0.3), 0.0);
}

TEST(DiffuseElectrode, ConductivityFromElectrolyteFraction) {
  DiffuseElectrode e;
  e.residual_fraction = 0.05;
  EXPECT_NEAR(e.conductivity(0.09, 0.0), 0.09, 1e-15);
  EXPECT_NEAR(e.conductivity(0.09, 1.0), 0.05 * 0.09, 1e-15);
  EXPECT_NEAR(e.conductivity(0.09, 0.5), 0.525 * 0.09, 1e-15);
}

} // namespace
