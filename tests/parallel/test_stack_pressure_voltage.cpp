// The stress term of the overpotential (physics/mechanics/stress_potential.hpp) in a
// flat NBH|Al cell whose protocol changes the stack pressure
// (tests/data/mechanics/flat_pressure.yaml), on 1, 2 and 4 ranks:
//  - the whole load rests on the Al, then on the Na layer: p = P, the contact
//    pressure column equals the stack pressure and the bearing fraction is 1;
//  - at a held current the cell voltage is Omega_Na P / F below the 0 MPa value
//    (1.232 mV at 5 MPa, 2.465 mV at 10 MPa), within 2 %, plating and stripping;
//  - the stack pressure column follows the protocol (a step without its own keeps
//    the one before), and the Na volume is still Omega/F x charge to 1e-9.
#include "physics/mechanics/stress_potential.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"

#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(StackPressure, ShiftsTheCellVoltageByOmegaPOverF) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto run = navox::test::run_deck("tests/data/mechanics/flat_pressure.yaml",
                                         "flat_pressure_np" + std::to_string(size));
  const auto& r = run.reports;
  // The last row of each protocol step: steady state at the held current.
  std::vector<std::size_t> last(5, 0);
  for (std::size_t n = 0; n < r.size(); ++n) last[static_cast<std::size_t>(r[n]["protocol_step"])] = n;
  for (std::size_t s = 0; s < last.size(); ++s) ASSERT_GT(last[s], 0u) << "step " << s << " never ran";

  const double expected_pressure[5] = {0, 5e6, 10e6, 10e6, 0};
  for (std::size_t s = 0; s < 5; ++s) {
    const auto& row = r[last[s]];
    EXPECT_EQ(row["stack_pressure"], expected_pressure[s]) << "step " << s;
    EXPECT_NEAR(row["bearing_pressure"], expected_pressure[s], 1e-9 * 10e6) << "step " << s;
    EXPECT_NEAR(row["bearing_fraction"], 1.0, 1e-9) << "step " << s;
  }
  const navox::physics::StressPotential stress;
  const double per_5mpa = stress.shift(5e6);
  EXPECT_NEAR(per_5mpa * 1e3, 1.2323, 1e-4);
  auto v = [&](std::size_t s) { return r[last[s]]["V"]; };
  std::printf("plating: V(5 MPa) - V(0) = %.4f mV (expected %.4f), V(10 MPa) - V(0) = %.4f mV (expected %.4f)\n",
              (v(1) - v(0)) * 1e3, -per_5mpa * 1e3, (v(2) - v(0)) * 1e3, -2 * per_5mpa * 1e3);
  std::printf("stripping: V(10 MPa) - V(0) = %.4f mV (expected %.4f)\n", (v(3) - v(4)) * 1e3, -2 * per_5mpa * 1e3);
  navox::test::validate_line("flat Na|NBH cell, 1 mA/cm^2 plating: V(5 MPa) - V(0 MPa)", "-1.2323 mV (2 %)",
                             "%.4f mV", (v(1) - v(0)) * 1e3);
  navox::test::validate_line("flat Na|NBH cell, 1 mA/cm^2 plating: V(10 MPa) - V(0 MPa)", "-2.4646 mV (2 %)",
                             "%.4f mV", (v(2) - v(0)) * 1e3);
  navox::test::validate_line("flat Na|NBH cell, 1 mA/cm^2 stripping: V(10 MPa) - V(0 MPa)", "-2.4646 mV (2 %)",
                             "%.4f mV", (v(3) - v(4)) * 1e3);
  EXPECT_NEAR((v(1) - v(0)) / -per_5mpa, 1.0, 0.02);
  EXPECT_NEAR((v(2) - v(0)) / (-2 * per_5mpa), 1.0, 0.02);
  EXPECT_NEAR((v(3) - v(4)) / (-2 * per_5mpa), 1.0, 0.02);

  const navox::physics::SodiumMetal na;
  for (std::size_t s = 0; s < 5; ++s) {
    const auto& row = r[last[s]];
    if (std::abs(row["faradaic_charge"]) < 1) continue; // stripped back to (almost) nothing
    EXPECT_NEAR(row["na_thickness"] / (na.thickness_per_charge() * -row["faradaic_charge"]), 1.0, 1e-9) << "step " << s;
  }
}

} // namespace
