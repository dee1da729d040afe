// Void onset on stripping against the Sand/Cottrell limit (MODEL.md §3.5, §6 V2-V4):
// inputs/stripping_void.yaml (a flat Na|NBH interface, no stack pressure) with its
// voxel size set to 1/20 of the diffusion length sqrt(D tau) and its Na 4 diffusion
// lengths thick (semi-infinite), for
//  - V2: Na at 25 degC, 1 mA/cm^2 (tau = 20.5 h), at 2 mA/cm^2, and at 40 degC:
//    the onset time the run finds within 2 % of tau (MODEL.md asks 5 %);
//  - V3: Li parameters (sodium.metal = Li): 0.66 mAh/cm^2 at 1 mA/cm^2, within 2 %;
//  - V4: capacity to onset x current density the same from 0.5 to 5 mA/cm^2, within 2 %;
//  - the time step: backward Euler, the step held to a change of theta; the onset's
//    error against tau falls at first order as that change is halved twice;
//  - the balances: before the onset the Na volume is the initial one less Omega/F x
//    the faradaic charge, and every stripped atom left a vacancy, both to 1e-9.
// Each case prints a "validate:" line (scripts/validate/voids gathers them).
#include "physics/materials/material_library.hpp"
#include "physics/sodium/vacancy_diffusion.hpp"
#include "support/deck_run.hpp"
#include "support/run_summary_file.hpp"
#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace {

namespace lib = navox::physics::library;

struct Case {
  const char* metal;
  double celsius;
  double current; ///< [mA/cm^2]
};

struct Onset {
  double time, capacity, tau;
  std::vector<navox::StepReport> reports;
};

Onset strip(const Case& c, const std::string& name, double max_change = 0.02) {
  const lib::Metal& m = *lib::find_metal(c.metal);
  const navox::physics::VacancyDiffusion law{m.self_diffusivity(c.celsius + 273.15), m.molar_volume};
  const double i = c.current * 10, tau = law.sand_time(i), length = std::sqrt(law.diffusivity * tau);
  char h[64], temperature[64], current[64], duration[64];
  std::snprintf(h, sizeof h, "%.6g um", length / 20 * 1e6); // one voxel: the SE, the collector
  const std::string voxel = h;
  std::snprintf(temperature, sizeof temperature, "conditions.temperature=%g degC", c.celsius);
  std::snprintf(current, sizeof current, "protocol.steps[0].strip.current_density=%g mA/cm^2", c.current);
  std::snprintf(duration, sizeof duration, "protocol.steps[0].strip.duration=%.6g s", 1.5 * tau);
  const auto run = navox::test::run_deck(
      "inputs/stripping_void.yaml", name,
      {"grid.spacing=" + voxel, temperature, current, duration, "sodium.metal=" + std::string(c.metal),
       "microstructure.fill.dims=[2, 2, 80]", "microstructure.below[0].thickness=" + voxel,
       "microstructure.above[0].thickness=" + voxel,
       "output.every=100000", "time.dt_max=" + std::to_string(tau / 20) + " s",
       "vacancies.max_occupancy_change=" + std::to_string(max_change)});
  return {navox::test::summary_value(run.directory, "void_onset", "time"),
          navox::test::summary_value(run.directory, "void_onset", "capacity"), tau, run.reports};
}

TEST(SandOnset, FlatNaAt25CAndOneMilliampere) {
  const Onset o = strip({"Na", 25, 1}, "sand_na_25C_1mA");
  navox::test::validate_line("V2: Na 25 degC 1 mA/cm^2, onset time", "tau = 20.54 h (5 %)", "%.3f h (%+.2f %%)",
                             o.time / 3600, 100 * (o.time / o.tau - 1));
  EXPECT_NEAR(o.time / o.tau, 1.0, 0.02);
  navox::test::validate_line("V2: Na 25 degC 1 mA/cm^2, capacity to onset", "20.5 mAh/cm^2 (paper 21, measured 18)",
                             "%.2f mAh/cm^2", o.capacity / 36000);
  EXPECT_NEAR(o.capacity / (10 * o.time), 1.0, 1e-6);

  // Before the onset: Na = initial - Omega/F x faradaic charge; vacancies = that charge's atoms.
  const double omega = lib::find_metal("Na")->molar_volume, F = 96485.33212;
  const double v0 = o.reports.front()["na_volume"], area = v0 / o.reports.front()["na_thickness"];
  int checked = 0;
  for (const auto& row : o.reports) {
    if (row["t"] >= o.time || row["faradaic_charge"] <= 0) continue;
    const double stripped = omega / F * row["faradaic_charge"] * area;
    EXPECT_NEAR((v0 - row["na_volume"]) / stripped, 1.0, 1e-9) << "t = " << row["t"];
    EXPECT_NEAR(row["vacancy_volume"] / stripped, 1.0, 1e-9) << "t = " << row["t"];
    ++checked;
  }
  EXPECT_GT(checked, 10);
  // After it the interface has no contact left: the step ends at its cutoff.
  EXPECT_EQ(o.reports.back()["void_fraction"], 1.0);
}

TEST(SandOnset, TwoMilliamperesAndFortyDegrees) {
  const Onset fast = strip({"Na", 25, 2}, "sand_na_25C_2mA");
  navox::test::validate_line("V2: Na 25 degC 2 mA/cm^2, onset time", "tau = 5.136 h (5 %)", "%.3f h (%+.2f %%)",
                             fast.time / 3600, 100 * (fast.time / fast.tau - 1));
  EXPECT_NEAR(fast.time / fast.tau, 1.0, 0.02);
  const Onset warm = strip({"Na", 40, 1}, "sand_na_40C_1mA");
  navox::test::validate_line("V2: Na 40 degC 1 mA/cm^2, onset time", "tau(313 K) (5 %)", "%.3f h, tau %.3f h (%+.2f %%)",
                             warm.time / 3600, warm.tau / 3600, 100 * (warm.time / warm.tau - 1));
  EXPECT_NEAR(warm.time / warm.tau, 1.0, 0.02);
}

TEST(SandOnset, LithiumHoldsThirtyTimesLess) {
  const Onset li = strip({"Li", 25, 1}, "sand_li_25C_1mA");
  navox::test::validate_line("V3: Li 25 degC 1 mA/cm^2, capacity to onset", "0.6-0.7 mAh/cm^2 (tau 0.663 h)",
                             "%.4f mAh/cm^2 (%+.2f %% of tau)", li.capacity / 36000, 100 * (li.time / li.tau - 1));
  EXPECT_NEAR(li.time / li.tau, 1.0, 0.02);
}

TEST(SandOnset, CapacityToOnsetIsInverseInTheCurrent) {
  const double currents[4] = {0.5, 1, 2, 5};
  double q_i[4];
  for (int n = 0; n < 4; ++n) {
    const Onset o = strip({"Na", 25, currents[n]}, "sand_v4_" + std::to_string(n));
    q_i[n] = o.capacity / 36000 * currents[n];
  }
  navox::test::validate_line("V4: capacity to onset x i, 0.5 / 1 / 2 / 5 mA/cm^2", "constant (Sand: Q ~ 1/i)",
                             "%.3f / %.3f / %.3f / %.3f mAh mA/cm^4", q_i[0], q_i[1], q_i[2], q_i[3]);
  for (int n = 1; n < 4; ++n) EXPECT_NEAR(q_i[n] / q_i[0], 1.0, 0.02) << currents[n] << " mA/cm^2";
}


TEST(SandOnset, ConvergesAtFirstOrderInTheStep) {
  double error[3];
  const double change[3] = {0.02, 0.01, 0.005};
  for (int n = 0; n < 3; ++n) {
    const Onset o = strip({"Na", 25, 1}, "sand_dt_" + std::to_string(n), change[n]);
    error[n] = o.time / o.tau - 1;
  }
  const double order1 = std::log2(error[0] / error[1]), order2 = std::log2(error[1] / error[2]);
  navox::test::validate_line("V2: onset error, theta change per step 0.02 / 0.01 / 0.005", "order 1 (backward Euler)",
                             "%+.3f / %+.3f / %+.3f %%, orders %.2f, %.2f", 100 * error[0], 100 * error[1],
                             100 * error[2], order1, order2);
  EXPECT_NEAR(order1, 1.0, 0.25);
  EXPECT_NEAR(order2, 1.0, 0.25);
}

} // namespace
