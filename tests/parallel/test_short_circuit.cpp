// Short detection (MODEL.md §3.6) in a cell built to short
// (tests/data/topology/through_pore.yaml: an NBH separator with one straight pore
// through it under a collector that plates at once), on 1, 2 and 4 ranks:
//  - the run stops at the step whose Na first joins the collector to the bottom
//    face, long before its 1 h plating step ends, with status "stopped", the reason,
//    and short.time / short.x / short.y (the pore's centre) in navox_summary.json;
//  - the cycle table has the (unfinished) cycle's row;
//  - the same time and place on every partition of the ranks;
//  - the same cell with the pore filled with NBH plates 10 min without a short.
#include "support/csv_table.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/run_summary_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace {

const char* kDeck = "tests/data/topology/through_pore.yaml";

std::string summary_text(const std::string& directory) {
  std::ifstream in(directory + "/navox_summary.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Short {
  double time = NAN, x = NAN, y = NAN;
};

Short short_of(const std::string& directory) {
  return {navox::test::summary_value(directory, "short", "time"), navox::test::summary_value(directory, "short", "x"),
          navox::test::summary_value(directory, "short", "y")};
}

TEST(ShortCircuit, ThroughPoreStopsTheRunWithWhereAndWhen) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto run = navox::test::run_deck(kDeck, "short_circuit_np" + std::to_string(size));
  const Short s = short_of(run.directory);
  ASSERT_TRUE(std::isfinite(s.time));
  EXPECT_LT(s.time, 1800.0); // the 6 um pore fills long before the hour is up
  EXPECT_EQ(run.reports.back()["t"], s.time); // the run ended with the shorting step
  EXPECT_EQ(run.reports.back()["protocol_step"], 0);
  EXPECT_NEAR(s.x, 2.5e-6, 1e-18);
  EXPECT_NEAR(s.y, 1.5e-6, 1e-18);
  const std::string text = summary_text(run.directory);
  EXPECT_NE(text.find("\"status\": \"stopped\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"stop_reason\": \"short circuit at t ="), std::string::npos) << text;
  const auto cycles = navox::test::read_csv(run.directory + "/navox_cycles.csv");
  ASSERT_EQ(cycles.rows.size(), 1u);
  EXPECT_NEAR(cycles.at(0, "t"), s.time, 1e-14 * s.time);
  EXPECT_EQ(cycles.at(0, "charge_out"), 0.0);
}

TEST(ShortCircuit, SameTimeAndPlaceOnEveryPartition) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  auto run = [](MPI_Comm comm, const std::string& out, const std::string& split) {
    navox::test::run_deck_on(comm, kDeck, out, {"grid.processors=" + split});
    return short_of(out);
  };
  const std::string name = "short_circuit_parts_np" + std::to_string(size);
  const Short here = run(MPI_COMM_WORLD, navox::test::scratch_dir(name), "[-1, -1, -1]");
  navox::test::compare_partitions<Short>(name, here, run, [](const Short& a, const Short& b, const std::string& what) {
    EXPECT_NEAR(a.time, b.time, 1e-9 * b.time) << what;
    EXPECT_EQ(a.x, b.x) << what;
    EXPECT_EQ(a.y, b.y) << what;
  });
}

TEST(ShortCircuit, NoPoreNoShort) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto run = navox::test::run_deck(kDeck, "no_short_np" + std::to_string(size),
                                         {"microstructure.volume.segmentation.label_map={0: NBH, 1: NBH, 2: CC}",
                                          "protocol.steps[0].plate.duration=10 min"});
  EXPECT_TRUE(std::isnan(short_of(run.directory).time));
  EXPECT_NEAR(run.reports.back()["t"], 600.0, 1e-6);
  EXPECT_NE(summary_text(run.directory).find("\"status\": \"completed\""), std::string::npos);
}

} // namespace
