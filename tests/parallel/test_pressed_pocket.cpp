// The force balance decides whether surplus Na with no room lifts the collector
// (SodiumModel::settle's lift rule, set by the mechanics module; docs/model.md "Pressed
// Na and the collector's lift"). tests/data/mechanics/pressed_pocket.yaml: a Cu collector
// on NBH with one closed pocket at the SE (a pore voxel walled in by Cu on four sides and
// above) and a 2x2 channel through the collector, plated on the bare Cu, whose contacts'
// Na leaves at their nearest pore at the SE. On 1, 2 and 4 ranks, split along x, y and z:
//   - under 5 MPa the pocket fills and its surplus stays pressed (`confined_na` > 0): one
//     voxel's area pressed as hard as its plating can press it (p_c + F |eta| / Omega,
//     ~10 MPa) carries ~1/64 of the 5 MPa load, so the collector stays down; then the
//     pressed Na stays what it was (its face plates no more, and the contacts' Na goes
//     to the channel), the pocket is full, its `pressure` is that ceiling and the
//     channel's p_c, and the Na volume is Omega/F x the charge;
//   - under 0.02 MPa the same pocket lifts the collector (1/64 of ~10 MPa > 0.02 MPa);
//   - every partition gives the lift and the pressed Na of the one-process run.
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

constexpr double kVoxel = 0.125e-18; ///< (0.5 um)^3 [m^3]

struct Pocket {
  std::vector<navox::StepReport> reports;
  double pocket_xi = 0; ///< xi of the pocket voxel at the end
  double pocket_p = 0, channel_p = 0; ///< the Na pressure there and at the channel's foot [Pa]
};

Pocket run(MPI_Comm comm, const std::string& out, const std::string& processors, const std::string& pressure) {
  const std::string raw = navox::test::source_path("tests/data/mechanics/pressed_pocket_8x8x16.raw");
  const auto r = navox::test::run_deck_on(comm, "tests/data/mechanics/pressed_pocket.yaml", out,
                                         {"microstructure.volume.path=" + raw,
                                          "conditions.stack_pressure=" + pressure, "grid.processors=" + processors});
  Pocket p;
  p.reports = r.reports;
  const std::vector<double> xi = navox::test::last_step_field(r, "xi");
  if (!xi.empty()) p.pocket_xi = xi[std::size_t((4 * 8 + 2) * 8 + 2)];
  const std::vector<double> na_p = navox::test::last_step_field(r, "pressure");
  if (!na_p.empty()) {
    p.pocket_p = na_p[std::size_t((4 * 8 + 2) * 8 + 2)];
    p.channel_p = na_p[std::size_t((4 * 8 + 5) * 8 + 5)];
  }
  return p;
}

} // namespace

TEST(PressedPocket, StaysPressedUnderTheStackLoad) {
  const Pocket p = run(MPI_COMM_WORLD, navox::test::scratch_dir("pressed_pocket_5"), "[-1, -1, -1]", "5 MPa");
  const navox::physics::SodiumMetal na;
  double first = 0; // the pressed Na when the pocket was first found full
  for (const auto& row : p.reports) {
    EXPECT_EQ(row["lift"], 0.0) << "step " << row["step"];
    // Na is plated, not made: Omega/F x the faradaic charge over the 4 um x 4 um cell.
    EXPECT_NEAR(row["na_volume"], -na.thickness_per_charge() * row["faradaic_charge"] * 16e-12, 1e-9 * 3e-18);
    if (first == 0) first = row["confined_na"];
    else EXPECT_NEAR(row["confined_na"], first, 1e-9 * kVoxel) << "step " << row["step"];
  }
  EXPECT_GT(first, 1e-3 * kVoxel);
  EXPECT_LT(first, 0.25 * kVoxel); // the pocket's own face's plating in one step, at most
  EXPECT_EQ(p.pocket_xi, 1.0);
  // The pocket at the pressure where its plating stopped, p_c + F |eta| / Omega (a few
  // mV: ~10 MPa above p_c); the Na in the channel at p_c.
  const double pc = p.reports.back()["bearing_pressure"];
  EXPECT_EQ(p.channel_p, pc);
  EXPECT_GT(p.pocket_p, pc + 2e6);
  EXPECT_LT(p.pocket_p, pc + 100e6);
  navox::test::validate_line("pressed pocket (1 of 64 voxel columns) under 5 MPa: lift, pressed Na",
                             "no lift, > 0, constant once pressed", "lift %.2g um, %.3g voxels",
                             p.reports.back()["lift"] * 1e6, p.reports.back()["confined_na"] / kVoxel);
}

TEST(PressedPocket, LiftsALightlyLoadedCollector) {
  const Pocket p = run(MPI_COMM_WORLD, navox::test::scratch_dir("pressed_pocket_002"), "[-1, -1, -1]", "0.02 MPa");
  EXPECT_GT(p.reports.back()["lift"], 0.0);
  navox::test::validate_line("pressed pocket (1 of 64 voxel columns) under 0.02 MPa: lift", "> 0", "%.2g um",
                             p.reports.back()["lift"] * 1e6);
}

TEST(PressedPocket, SameOnEveryPartition) {
  for (const std::string pressure : {"5 MPa", "0.02 MPa"}) {
    const std::string name = pressure == "5 MPa" ? "pressed_pocket_partitions_5" : "pressed_pocket_partitions_002";
    const Pocket here = run(MPI_COMM_WORLD, navox::test::scratch_dir(name), "[-1, -1, -1]", pressure);
    navox::test::compare_partitions<Pocket>(
        name, here,
        [&](MPI_Comm comm, const std::string& dir, const std::string& split) { return run(comm, dir, split, pressure); },
        [](const Pocket& a, const Pocket& b, const std::string& what) {
          SCOPED_TRACE(what);
          ASSERT_EQ(a.reports.size(), b.reports.size());
          for (std::size_t s = 0; s < a.reports.size(); ++s) {
            EXPECT_EQ(a.reports[s]["lift"], b.reports[s]["lift"]);
            EXPECT_NEAR(a.reports[s]["confined_na"], b.reports[s]["confined_na"], 1e-9 * kVoxel);
            EXPECT_NEAR(a.reports[s]["V"], b.reports[s]["V"], 1e-9);
          }
        });
  }
}
