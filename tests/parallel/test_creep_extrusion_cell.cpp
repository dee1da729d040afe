// Plated Na walled in by Na reaches free space at the rate its creep flow allows,
// and lifts the collector when that takes more than the bearing pressure
// (mechanics.creep_flow; solver/mechanics/extrusion_limit.hpp;
// tests/data/mechanics/extrusion_cell.yaml: a Na layer on NBH under an Al collector
// with one blind 2x2-voxel pore). On 1, 2 and 4 ranks, split along x, y and z:
//   - at 10 MPa the pressure the flow needs stays below the bearing pressure: all of
//     the plated Na goes up the pore, as in the fast-creep limit (creep_flow: off);
//   - at 0.3 MPa it does not: only the share (p_c/p_max)^n goes up the pore in a
//     step, the rest lifts the collector, which the fast-creep limit never does;
//   - the Na volume changes by Omega/F x the faradaic charge, to 1e-9;
//   - with two pores, 3x3 and 1x1 voxels wide (two_pores.yaml), the flow carries the
//     plated Na up the wide one: a power-law flow through a channel goes as R^(n+3),
//     so the narrow one, 3^8 times harder to flow through as a channel, gets a small
//     share (~0.1, mostly while its front is at its mouth: the entry into a pore is not
//     a channel, and one voxel across resolves neither), a third of what the settling's
//     paths (creep_flow: off) put there;
//   - a flat Na layer under a flat collector (flat_pressure.yaml), where the plated Na
//     touches no free space: no flow is solved, the run is the one without the flow.
#include "io/output/hdf5_writer.hpp"
#include "mesh/box.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

struct Extrusion {
  double lift = 0;       ///< [m] at the end
  double share = 1;      ///< smallest extrusion share of the run
  double pressure = 0;   ///< largest pressure the flow needed [Pa]
  double bearing = 0;    ///< bearing pressure at the end [Pa]
  double na_volume = 0;  ///< [m^3] at the end
};

Extrusion run(MPI_Comm comm, const std::string& out, const std::string& processors, const std::string& pressure,
              const std::string& creep_flow) {
  const std::string raw = navox::test::source_path("tests/data/mechanics/extrusion_cell_8x8x18.raw");
  const auto r = navox::test::run_deck_on(comm, "tests/data/mechanics/extrusion_cell.yaml", out,
                                         {"microstructure.volume.path=" + raw, "conditions.stack_pressure=" + pressure,
                                          "mechanics.creep_flow=" + creep_flow, "grid.processors=" + processors});
  Extrusion e;
  for (const auto& s : r.reports) {
    e.share = std::min(e.share, s["extrusion_share"]);
    e.pressure = std::max(e.pressure, s["extrusion_pressure"]);
    // Na is plated, not made: Omega/F x the faradaic charge over the 8 um x 8 um cell.
    const double made = -navox::physics::SodiumMetal{}.thickness_per_charge() * s["faradaic_charge"] * 64e-12;
    EXPECT_NEAR(s["na_volume"] - r.reports[0]["na_volume"], made, 1e-9 * r.reports[0]["na_volume"]);
  }
  e.lift = r.reports.back()["lift"];
  e.bearing = r.reports.back()["bearing_pressure"];
  e.na_volume = r.reports.back()["na_volume"];
  return e;
}

Extrusion run_here(const std::string& name, const std::string& pressure, const std::string& creep_flow) {
  return run(MPI_COMM_WORLD, navox::test::scratch_dir(name), "[-1, -1, -1]", pressure, creep_flow);
}

void same_on_every_partition(const std::string& name, const std::string& pressure) {
  const Extrusion here = run_here(name, pressure, "on");
  navox::test::compare_partitions<Extrusion>(
      name, here,
      [&](MPI_Comm comm, const std::string& dir, const std::string& split) {
        return run(comm, dir, split, pressure, "on");
      },
      [](const Extrusion& a, const Extrusion& b, const std::string& what) {
        SCOPED_TRACE(what);
        EXPECT_EQ(a.lift, b.lift);
        EXPECT_EQ(a.share, b.share);
        // p_max to the flow's tolerance (1e-4 of its loads): Anderson's mixing and, should
        // it fail on one partition, the plain Picard iterations that replace it both stop within it.
        EXPECT_NEAR(a.pressure / b.pressure, 1.0, 1e-3);
        EXPECT_NEAR(a.na_volume / b.na_volume, 1.0, 1e-12);
      });
}

} // namespace

TEST(CreepExtrusionCell, HighPressurePushesAllOfItUpThePore) {
  const Extrusion on = run_here("extrusion_10_on", "10 MPa", "on");
  const Extrusion off = run_here("extrusion_10_off", "10 MPa", "off");
  EXPECT_GT(on.pressure, 0.0);             // walled-in Na was there, and the flow was solved
  EXPECT_LT(on.pressure, on.bearing);      // and needed less than the collector presses with
  EXPECT_EQ(on.share, 1.0);
  EXPECT_EQ(on.lift, 0.0);
  EXPECT_EQ(off.lift, 0.0);
  navox::test::validate_line("creep-limited extrusion, blind pore under Al at 10 MPa: p needed / p_c, lift",
                             "< 1, no lift (as the fast-creep limit)", "%.3f, lift %.2g um", on.pressure / on.bearing,
                             on.lift * 1e6);
}

TEST(CreepExtrusionCell, LowPressureLiftsTheCollectorInstead) {
  const Extrusion on = run_here("extrusion_03_on", "0.3 MPa", "on");
  const Extrusion off = run_here("extrusion_03_off", "0.3 MPa", "off");
  EXPECT_GT(on.pressure, 0.3e6);
  EXPECT_LT(on.share, 0.5);
  EXPECT_GT(on.lift, 0.0);
  EXPECT_EQ(off.lift, 0.0);
  EXPECT_NEAR(on.na_volume / off.na_volume, 1.0, 1e-9);
  navox::test::validate_line("creep-limited extrusion, blind pore under Al at 0.3 MPa: p needed, share, lift",
                             "> 0.3 MPa, < 1, lift (fast-creep limit: no lift)", "%.2f MPa, %.2g, %.2g um",
                             on.pressure / 1e6, on.share, on.lift * 1e6);
}

TEST(CreepExtrusionCell, SameOnEveryPartition) {
  same_on_every_partition("extrusion_partitions_03", "0.3 MPa");
  same_on_every_partition("extrusion_partitions_10", "10 MPa");
}

namespace {

/// Na [voxel volumes] in the wide and the narrow pore of two_pores.yaml at the end.
std::array<double, 2> na_in_pores(const std::string& name, const std::string& creep_flow) {
  const std::string raw = navox::test::source_path("tests/data/mechanics/two_pores_12x8x18.raw");
  const auto r = navox::test::run_deck("tests/data/mechanics/two_pores.yaml", name,
                                       {"microstructure.volume.path=" + raw, "mechanics.creep_flow=" + creep_flow});
  navox::Box all;
  for (int d = 0; d < 3; ++d) all.n[d] = r.dims[std::size_t(d)];
  char file[64];
  std::snprintf(file, sizeof file, "/navox_%06ld.h5", long(r.reports.back()["step"]));
  const std::vector<double> xi = navox::io::read_hdf5_field(r.directory + file, "xi", all);
  std::array<double, 2> na{0, 0};
  for (std::int64_t k = 8; k <= 14; ++k) { // the pores (the collector does not move)
    for (std::int64_t j = 3; j <= 5; ++j)
      for (std::int64_t i = 2; i <= 4; ++i) na[0] += xi[std::size_t((k * 8 + j) * 12 + i)];
    na[1] += xi[std::size_t((k * 8 + 4) * 12 + 9)];
  }
  EXPECT_EQ(r.reports.back()["lift"], 0.0);
  return na;
}

} // namespace

TEST(CreepExtrusionCell, TheFlowFillsTheWiderPore) {
  const auto on = na_in_pores("two_pores_on", "on");
  const auto off = na_in_pores("two_pores_off", "off");
  std::printf("Na in the 3x3 pore, the 1x1 pore [voxels]: flow %.4g, %.4g; paths %.4g, %.4g\n", on[0], on[1], off[0],
              off[1]);
  EXPECT_GT(on[0], 1.0);
  EXPECT_LT(on[1], 0.15 * on[0]);
  EXPECT_LT(on[1] / on[0], 0.5 * off[1] / off[0]);
  navox::test::validate_line("Na carried by the creep flow, 3x3 and 1x1 voxel pores over a Na layer at 10 MPa: Na in "
                             "the narrow pore / the wide one",
                             "< 0.15, < half the paths' rule (flow through a channel ~ R^(n+3))",
                             "%.2g (the paths' rule: %.2g)",
                             on[1] / on[0], off[1] / off[0]);
}

TEST(CreepExtrusionCell, FlatNaUnderItsCollectorLiftsItAsWithoutTheFlow) {
  // A flat Na layer under a flat collector (flat_pressure.yaml): once the layer is full,
  // the plated Na touches no free space, so no flow can carry it: no flow is solved
  // (share 0, pressure 0 in those steps) and the collector lifts as with creep_flow off.
  const auto on = navox::test::run_deck("tests/data/mechanics/flat_pressure.yaml", "flat_creep_on",
                                        {"mechanics.creep_flow=on"});
  const auto off = navox::test::run_deck("tests/data/mechanics/flat_pressure.yaml", "flat_creep_off",
                                         {"mechanics.creep_flow=off"});
  ASSERT_EQ(on.reports.size(), off.reports.size());
  int sealed = 0;
  for (std::size_t s = 0; s < on.reports.size(); ++s) {
    const auto &a = on.reports[s], &b = off.reports[s];
    EXPECT_EQ(a["lift"], b["lift"]);
    EXPECT_NEAR(a["na_volume"], b["na_volume"], 1e-12 * off.reports.back()["na_volume"]);
    EXPECT_NEAR(a["V"], b["V"], 1e-9);
    if (a["extrusion_share"] == 0.0) {
      ++sealed;
      EXPECT_EQ(a["extrusion_pressure"], 0.0);
    }
  }
  EXPECT_GT(sealed, 0);
  EXPECT_GT(on.reports.back()["lift"], 0.0);
}
