// Voids opening on stripping through a foil-like contact (tests/data/vacancies/
// contact_strip.yaml: Na touching the NBH over a third of the area), on 1, 2 and 4
// ranks, split along x, y and z in turn, against the same run on rank 0 alone:
//  - the run finds a void onset, after which the contact is lost step by step and
//    the step ends at its cutoff with no contact left;
//  - the Na volume is the initial one less Omega/F x the faradaic charge to 1e-9 at
//    every row (stripping, void opening and condensation conserve atoms), and before
//    the onset every stripped atom left a vacancy (to 1e-9);
//  - the onset time is the same to 1e-8, the step count, the void field and the
//    contact fraction the same, theta to 1e-8, on every partition.
#include "io/output/hdf5_writer.hpp"
#include "physics/materials/material_library.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/run_summary_file.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdio>

namespace {

struct Result {
  std::vector<navox::StepReport> reports;
  std::vector<double> voids, theta; ///< the last output step, natural order
  double onset = 0;
};

Result run(MPI_Comm comm, const std::string& out, const std::string& split = "[-1, -1, -1]") {
  const auto run = navox::test::run_deck_on(comm, "tests/data/vacancies/contact_strip.yaml", out,
                                            {"grid.processors=" + split});
  Result r;
  r.reports = run.reports;
  r.voids = navox::test::last_step_field(run, "void");
  r.theta = navox::test::last_step_field(run, "theta");
  r.onset = navox::test::summary_value(out, "void_onset", "time");
  return r;
}

void expect_same(const Result& other, const Result& r, const std::string& what) {
  ASSERT_EQ(other.reports.size(), r.reports.size()) << what;
  EXPECT_NEAR(other.onset, r.onset, 1e-8 * r.onset) << what;
  EXPECT_EQ(other.voids, r.voids) << what;
  for (std::size_t n = 0; n < r.reports.size(); ++n)
    EXPECT_EQ(other.reports[n]["void_fraction"], r.reports[n]["void_fraction"]) << what << ", row " << n;
  for (std::size_t g = 0; g < r.theta.size(); ++g)
    if (!std::isnan(r.theta[g])) {
      EXPECT_NEAR(other.theta[g], r.theta[g], 1e-8) << what << ", voxel " << g;
    }
}

TEST(VoidOnset, ContactsVoidAndTheBalancesHoldOnAnyPartition) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const Result r = run(MPI_COMM_WORLD, navox::test::scratch_dir("void_onset"));
  ASSERT_TRUE(std::isfinite(r.onset)) << "no void opened";
  const auto& first = r.reports.front();
  const auto& last = r.reports.back();
  EXPECT_EQ(last["void_fraction"], 1.0);
  EXPECT_EQ(last["contact_fraction"], 0.0);
  double partial = 0; // a row with some contact voided, some left: the current moved
  for (const auto& row : r.reports)
    if (row["void_fraction"] > 0 && row["void_fraction"] < 1) partial = std::max(partial, row["max_current_density"]);
  EXPECT_GT(partial, 50.0 / 0.3) << "no row with the current focused on the contact left";

  const double omega = navox::physics::library::find_metal("Na")->molar_volume, F = 96485.33212;
  const double area = first["na_volume"] / first["na_thickness"];
  for (const auto& row : r.reports) {
    if (row["faradaic_charge"] <= 0) continue;
    const double stripped = omega / F * row["faradaic_charge"] * area;
    EXPECT_NEAR((first["na_volume"] - row["na_volume"]) / stripped, 1.0, 1e-9) << "t = " << row["t"];
    if (row["t"] < r.onset) {
      EXPECT_NEAR(row["vacancy_volume"] / stripped, 1.0, 1e-9) << "t = " << row["t"];
    }
  }
  if (rank == 0)
    std::printf("%d ranks: %zu steps, void onset at %.6f s, %.4g mAh/cm^2 stripped by the end\n", size,
              r.reports.size(), r.onset, last["charge"] / 36000);

  navox::test::compare_partitions<Result>("void_onset", r, run, expect_same);
}

} // namespace
