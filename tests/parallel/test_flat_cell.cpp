// A flat NBH|Al cell plated with 1 mAh/cm^2, rested and stripped back
// (tests/data/electrochem/flat_plating.yaml), on 1, 2 and 4 ranks:
//  - V1: the Na thickness is Omega/F times the faradaic charge (1e-9) and the
//    applied charge (0.1 %), through nine current-collector lifts and back;
//  - the cell voltage is I L / sigma + (RT / alpha F) asinh(i / 2 i0) within 1 %;
//  - the time series matches a stored one (tests/data/regression/flat_cycle_series.csv)
//    to 1e-7 of each column's range, whatever the rank count. Regenerate with NAVOX_WRITE_REFERENCE=1;
//  - contact_fraction is the Na|SE contact only: 0 on the bare collector before any
//    Na, where the plating-capable share is 1 (it used to report the larger of the two);
//  - stripped to a voltage cut-off, the cell gives back the plated charge to the last
//    nanometre of Na at 1 and 0.5 um voxels alike: plating and stripping use one
//    activity rule, w = min(1, xi h / t_c) with a thickness t_c, not xi / xi_c (which
//    ended the strip half a voxel early, by an amount that changed with the voxel).
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "solver/time/simulation.hpp"
#include "support/csv_table.hpp"
#include "support/deck_run.hpp"
#include "support/test_paths.hpp"
#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

struct CellRun {
  std::vector<navox::StepReport> reports;
  std::string series;
};

CellRun run_flat_cell() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  auto run = navox::test::run_deck("tests/data/electrochem/flat_plating.yaml", "flat_cell_np" + std::to_string(size));
  return {run.reports, run.directory + "/navox.csv"};
}

TEST(FlatCell, PlatesStripsAndMatchesTheAnalyticVoltage) {
  const CellRun run = run_flat_cell();
  const auto& r = run.reports;
  const navox::physics::SodiumMetal na;
  // The last report of the plating step (protocol step 0).
  std::size_t plated = 0;
  for (std::size_t n = 0; n < r.size(); ++n)
    if (r[n]["protocol_step"] == 0) plated = n;
  const auto& p = r[plated];
  const double applied = 36000.0; // 1 mAh/cm^2 [C/m^2]
  EXPECT_NEAR(-p["charge"] / applied, 1.0, 1e-9);
  EXPECT_NEAR(p["na_thickness"] / (na.thickness_per_charge() * -p["faradaic_charge"]), 1.0, 1e-9);
  EXPECT_NEAR(p["na_thickness"] / (na.thickness_per_charge() * applied), 1.0, 1e-3);
  EXPECT_NEAR(p["na_thickness"] * 1e6, 8.873, 0.001);
  navox::test::validate_line("V1: plate 1 mAh/cm^2 on a flat Na|NBH cell: Na thickness; Na volume / (Omega/F charge)",
                             "8.87 um (papers 8.5-8.8); 1 (0.1 %)", "%.4f um; 1 %+.1e", p["na_thickness"] * 1e6,
                             p["na_thickness"] / (na.thickness_per_charge() * -p["faradaic_charge"]) - 1);
  EXPECT_GE(p["lift"], 8e-6); // the dense Al collector was lifted voxel by voxel

  // Flat cell: 10 um NBH (0.09 S/m), R_ct = 2 ohm cm^2, alpha = 1/2, 1 mA/cm^2.
  const double i = 10.0, L = 10e-6, sigma = 0.09;
  const double i0 = navox::physics::InterfaceKinetics::exchange_current_from(2e-4, 298.15);
  const double rt_f = navox::physics::kGasConstant * 298.15 / navox::physics::kFaraday;
  const double expected = -(i * L / sigma + rt_f / 0.5 * std::asinh(i / (2 * i0)));
  EXPECT_NEAR(p["V"] / expected, 1.0, 0.01);
  EXPECT_NEAR(p["I"], -i, 1e-8 * i);

  // Stripped back: no Na left, the collector back down to within one layer.
  const auto& e = r.back();
  EXPECT_EQ(e["protocol_step"], 2);
  EXPECT_NEAR(e["charge"], 0.0, 1e-9 * applied);
  EXPECT_LT(e["na_thickness"], 1e-3 * p["na_thickness"]);
  EXPECT_NEAR(e["na_thickness"], na.thickness_per_charge() * -e["faradaic_charge"], 1e-9 * p["na_thickness"]);
  EXPECT_LE(e["lift"], 1e-6);
}

TEST(FlatCell, ContactFractionIsTheNaContactOnly) {
  const CellRun run = run_flat_cell();
  const auto& start = run.reports.front();
  EXPECT_EQ(start["contact_fraction"], 0.0);  // bare Al, `bare_surface: active`: no Na to strip
  EXPECT_DOUBLE_EQ(start["plating_fraction"], 1.0);
  std::size_t plated = 0;
  for (std::size_t n = 0; n < run.reports.size(); ++n)
    if (run.reports[n]["protocol_step"] == 0) plated = n;
  EXPECT_DOUBLE_EQ(run.reports[plated]["contact_fraction"], 1.0); // a dense Na layer on the whole SE
}

TEST(FlatCell, StripsToTheLastNanometreWhateverTheVoxelSize) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (const char* h : {"1 um", "0.5 um"}) {
    const auto run = navox::test::run_deck(
        "tests/data/electrochem/flat_plating.yaml", "flat_cell_to_cutoff_" + std::string(h).substr(0, 3) + "_np" + std::to_string(size),
        {std::string("grid.spacing=") + h, "protocol.steps[2].strip.capacity=2 mAh/cm^2",
         "protocol.steps[2].strip.cutoff=0.2 V"});
    const auto& e = run.reports.back();
    EXPECT_GE(e["V"], 0.2) << h << ": the strip must end at the cut-off";
    // Charge in = charge out to 1e-6 (the last ~1e-14 m of Na and the double layer).
    const double plated = 36000.0 * 1.0;  // 1 mAh/cm^2 [C/m^2]
    EXPECT_NEAR(e["charge"] / plated, 0.0, 1e-6) << h;
    EXPECT_LT(e["na_thickness"], 1e-12) << h; // less than a thousandth of an atomic layer left
    EXPECT_LT(e["contact_fraction"], 1e-3) << h; // what is left covers no face
  }
}

TEST(FlatCell, TimeSeriesIsTheSameOnAnyRankCount) {
  const CellRun run = run_flat_cell();
  const std::string ref_path = navox::test::source_path("tests/data/regression/flat_cycle_series.csv");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Barrier(MPI_COMM_WORLD);
  if (std::getenv("NAVOX_WRITE_REFERENCE") && rank == 0)
    std::filesystem::copy_file(run.series, ref_path, std::filesystem::copy_options::overwrite_existing);
  const auto got_table = navox::test::read_csv(run.series), want_table = navox::test::read_csv(ref_path);
  const auto &got = got_table.rows, &want = want_table.rows;
  const auto &got_names = got_table.header, &want_names = want_table.header;
  ASSERT_EQ(got.size(), want.size());
  // Columns are matched by name. The solver iteration counts (*_its) depend on the
  // partition and are not compared. Tolerance: 1e-7 of the column's largest value
  // (values near zero, like the current during the rest, are solver noise on that scale).
  for (std::size_t c = 0; c < want_names.size(); ++c) {
    if (want_names[c].find("_its") != std::string::npos) continue;
    const auto at = std::find(got_names.begin(), got_names.end(), want_names[c]);
    ASSERT_NE(at, got_names.end()) << "no column " << want_names[c];
    const std::size_t g = static_cast<std::size_t>(at - got_names.begin());
    double scale = 0;
    for (const auto& row : want) scale = std::max(scale, std::abs(row[c]));
    for (std::size_t n = 0; n < want.size(); ++n)
      ASSERT_NEAR(got[n][g], want[n][c], 1e-7 * scale) << "row " << n << " column " << want_names[c];
  }
}

} // namespace
