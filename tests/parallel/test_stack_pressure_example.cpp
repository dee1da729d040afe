// inputs/stack_pressure.yaml (a generated Cu pellet on NBH plated under 5 MPa), its
// plating step cut to 0.02 mAh/cm^2 (~4 um of the pellet's pores, past the
// interfacial gaps), on 1, 2 and 4 ranks, against the same run on rank 0 alone:
//  - every voxel holding Na lies in a component of Na-holding space (6-connected
//    PORE voxels, periodic in x and y) with a voxel beside the SE: no Na has only
//    solid Cu between it and the Na at the SE;
//  - the Na volume is Omega/F x the faradaic charge to 1e-9;
//  - the bearing pressure is the stack load over the bearing area (the columns agree);
//  - pockets of the pellet at the SE fill, and their surplus stays pressed (the
//    `confined_na` column) while the collector stays down: a few voxels of Na pressed
//    as hard as their plating can press them carry far less than the stack load;
//  - the run split along x, y and z in turn and the default partition give the labels,
//    the lift and the pressed Na of the one-process run, and xi, V and the Na pressure
//    to 1e-6 of it.
#include "io/output/hdf5_writer.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/sodium_reach.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace {

struct Result {
  std::vector<navox::StepReport> reports;
  std::vector<double> xi, labels, pressure; ///< the last output step, natural order
  std::int64_t dims[3] = {0, 0, 0};
  int pore = -1, se = -1;
};

/// The plating, on `comm`, into `out` (made beforehand), with `split` ranks along
/// each axis (grid.processors; -1: PETSc's choice).
Result run(MPI_Comm comm, const std::string& out, const std::string& split = "[-1, -1, -1]") {
  const auto run = navox::test::run_deck_on(
      comm, "inputs/stack_pressure.yaml", out,
      {"protocol.steps[0].plate.capacity=0.02 mAh/cm^2", "time.end=72 s", "output.every=1000",
       "output.formats=[hdf5]", "mechanics.elasticity=off", "grid.processors=" + split});
  Result r;
  r.reports = run.reports;
  for (std::size_t m = 0; m < run.materials.size(); ++m) {
    if (run.materials[m].phase == navox::Phase::PORE) r.pore = int(m);
    if (run.materials[m].phase == navox::Phase::SE) r.se = int(m);
  }
  for (int d = 0; d < 3; ++d) r.dims[d] = run.dims[std::size_t(d)];
  r.xi = navox::test::last_step_field(run, "xi");
  r.labels = navox::test::last_step_field(run, "label");
  r.pressure = navox::test::last_step_field(run, "pressure");
  return r;
}

/// `other` is `r` to the solves' tolerance: the same steps, labels, xi, V and p.
void expect_same(const Result& other, const Result& r, const std::string& what) {
  ASSERT_EQ(other.reports.size(), r.reports.size()) << what;
  const auto& last = r.reports.back();
  EXPECT_NEAR(other.reports.back()["V"], last["V"], 1e-6 * std::abs(last["V"])) << what;
  EXPECT_EQ(other.reports.back()["lift"], last["lift"]) << what;
  for (std::size_t n = 0; n < r.reports.size(); ++n) {
    EXPECT_NEAR(other.reports[n]["confined_na"], r.reports[n]["confined_na"], 1e-6 * 1.25e-19) << what << ", step " << n;
  }
  EXPECT_EQ(other.labels, r.labels) << what;
  for (std::size_t g = 0; g < r.xi.size(); ++g) {
    EXPECT_NEAR(other.xi[g], r.xi[g], 1e-6) << what << ", voxel " << g;
    if (!std::isnan(r.pressure[g])) {
      EXPECT_NEAR(other.pressure[g], r.pressure[g], 1e-6 * 5e6) << what << ", voxel " << g;
    }
  }
}

TEST(StackPressureExample, NaStaysInPoreSpaceReachingTheSeOnAnyPartition) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string here = navox::test::scratch_dir("stack_pressure_example");
  const Result r = run(MPI_COMM_WORLD, here);
  const auto& last = r.reports.back();
  ASSERT_GT(-last["charge"], 0.9 * 720); // 0.02 mAh/cm^2 = 720 C/m^2 plated
  EXPECT_EQ(navox::test::na_cut_off_from_se(r.xi, r.labels, r.dims, r.pore, r.se), 0);
  const navox::physics::SodiumMetal na;
  EXPECT_NEAR(last["na_thickness"] / (na.thickness_per_charge() * -last["faradaic_charge"]), 1.0, 1e-9);
  for (const auto& row : r.reports)
    if (row["bearing_fraction"] > 0) {
      EXPECT_NEAR(row["bearing_pressure"] * row["bearing_fraction"], 5e6, 1e-3);
    }
  double na_voxels = 0;
  for (double x : r.xi) na_voxels += navox::physics::SodiumMetal::holds(x) ? 1 : 0;
  std::printf("%d ranks: %zu steps, Na %.4g um in %.0f voxels, bearing fraction %.4f, V = %.6f V\n", size,
              r.reports.size(), last["na_thickness"] * 1e6, na_voxels, last["bearing_fraction"], last["V"]);

  // Pockets pressed, the collector held down by the force balance (before the rule, a
  // pocket that filled lifted the whole collector in these 72 s).
  double pressed = 0;
  for (const auto& row : r.reports) pressed = std::max(pressed, row["confined_na"]);
  EXPECT_GT(pressed, 1e-3 * 1.25e-19); // a thousandth of a voxel
  EXPECT_EQ(last["lift"], 0);
  // The same run split along x, y and z in turn, and on rank 0 alone: the partition
  // changes nothing beyond the solver tolerance, through the pressed pockets.

  navox::test::compare_partitions<Result>("stack_pressure_example", r, run, expect_same);
}

} // namespace
