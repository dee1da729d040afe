// Room for thick deposits (issue: 7 mAh/cm² on a dense Al pellet): the flat
// NBH|Al cell of tests/data/electrochem/flat_plating.yaml with a 70 µm collector
// plates 7 mAh/cm² at 1 mA/cm² on 1, 2 and 4 ranks:
//  - 62.17 µm of Na (Ω/F × 252000 C/m²), equal to Ω/F × the faradaic charge to
//    1e-9 at every step, through 63 one-voxel collector lifts;
//  - the voltage stays I L/σ + (RT/αF) asinh(i/2i0) within 1 % (the SE is untouched);
// and with the deck's 16 µm collector the run stops with a message naming the
// cause once the collector has been pushed out of the cell.
#include "mesh/collective.hpp"
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

const std::string kDeck = "tests/data/electrochem/flat_plating.yaml";
const std::string kSevenMilliampHours =
    "protocol.steps=[{plate: {current_density: 1 mA/cm^2, capacity: 7 mAh/cm^2, cutoff: -1 V}}]";

TEST(ThickDeposit, SevenMilliampHoursOnDenseAl) {
  const auto run =
      navox::test::run_deck(kDeck, "thick_deposit", {kSevenMilliampHours, "microstructure.above=[{material: Al, thickness: 70 um}]"});
  const navox::physics::SodiumMetal na;
  const double i = 10.0, L = 10e-6, sigma = 0.09;
  const double i0 = navox::physics::InterfaceKinetics::exchange_current_from(2e-4, 298.15);
  const double rt_f = navox::physics::kGasConstant * 298.15 / navox::physics::kFaraday;
  const double expected = -(i * L / sigma + rt_f / 0.5 * std::asinh(i / (2 * i0)));
  for (const auto& r : run.reports) {
    EXPECT_NEAR(r["na_thickness"], na.thickness_per_charge() * -r["faradaic_charge"],
                1e-9 * na.thickness_per_charge() * std::abs(r["faradaic_charge"]) + 1e-18);
    if (r["t"] > 0) {
      EXPECT_NEAR(r["V"] / expected, 1.0, 0.01) << "t = " << r["t"];
    }
  }
  const auto& e = run.reports.back();
  const double applied = 7 * 36000.0; // [C/m^2]
  EXPECT_NEAR(-e["charge"] / applied, 1.0, 1e-9);
  EXPECT_NEAR(e["na_thickness"] * 1e6, 62.11, 0.01);
  EXPECT_GE(e["lift"], 62e-6);
  EXPECT_LE(e["lift"], 63.5e-6);
}

TEST(ThickDeposit, CollectorPushedOutOfTheCellIsNamed) {
  try {
    navox::test::run_deck(kDeck, "thick_deposit_short", {kSevenMilliampHours, "time.dt_min=1 s"});
    FAIL() << "the run should stop";
  } catch (const navox::CollectiveError& e) {
    EXPECT_NE(std::string(e.what()).find("current collector has been lifted out of the cell"), std::string::npos)
        << e.what();
  }
}

} // namespace
