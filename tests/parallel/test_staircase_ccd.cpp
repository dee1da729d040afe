// The critical current density found by a staircase (tests/data/vacancies/
// staircase.yaml: 1, 2, 3, ... mA/cm^2 stripped through a foil-like contact until
// the voids take the contact), on 1, 2 and 4 ranks:
//  - the summary's critical_current_density is one of the staircase's currents, the
//    one of the step at which the run left the staircase, and at least the current
//    at which the first void opened;
//  - the rest of the staircase is skipped: the next row belongs to the rest step;
//  - with 5-minute steps the staircase fails at a lower current than with 1-minute
//    steps (MODEL.md V9: longer steps, lower apparent CCD);
//  - rank 0 alone finds the same current.
#include "support/deck_run.hpp"
#include "support/run_summary_file.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdio>

namespace {

struct Ccd {
  double current = 0;  ///< [A/m^2]
  double onset = 0;    ///< [s]
  std::vector<navox::StepReport> reports;
};

Ccd run(MPI_Comm comm, const std::string& out, const std::vector<std::string>& settings = {}) {
  const auto r = navox::test::run_deck_on(comm, "tests/data/vacancies/staircase.yaml", out, settings);
  return {navox::test::summary_value(out, "", "critical_current_density"),
          navox::test::summary_value(out, "void_onset", "time"), r.reports};
}

TEST(StaircaseCcd, FindsTheFailingCurrentAndSkipsTheRest) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const Ccd c = run(MPI_COMM_WORLD, navox::test::scratch_dir("staircase_ccd"));
  ASSERT_TRUE(std::isfinite(c.current)) << "no critical current found";
  ASSERT_TRUE(std::isfinite(c.onset));
  // A whole number of mA/cm^2 (10 A/m^2), and the step the staircase was left at.
  EXPECT_NEAR(c.current / 10, std::round(c.current / 10), 1e-9);
  long failing = -1;
  for (std::size_t n = 0; n + 1 < c.reports.size(); ++n)
    if (c.reports[n + 1]["protocol_step"] != c.reports[n]["protocol_step"] &&
        c.reports[n + 1]["protocol_step"] == 40) // the rest after the 40 currents
      failing = long(c.reports[n]["protocol_step"]);
  ASSERT_GE(failing, 0) << "the run never reached the rest step";
  EXPECT_EQ(failing + 1, long(std::round(c.current / 10))) << "the failing step's current";
  // The first void opened at or before the failure, in a step at or below its current.
  EXPECT_LE(c.onset, 60.0 * (failing + 1) + 1e-9);
  EXPECT_GT(c.onset, 0.0);
  for (const auto& row : c.reports)
    if (row["protocol_step"] == 40) {
      EXPECT_EQ(row["I"], 0.0);
    }

  const Ccd slow = run(MPI_COMM_WORLD, navox::test::scratch_dir("staircase_ccd_5min"),
                       {"protocol.steps[0].staircase.step_time=5 min"});
  ASSERT_TRUE(std::isfinite(slow.current));
  EXPECT_LT(slow.current, c.current) << "5-minute steps should fail at a lower current";
  if (rank == 0)
    std::printf("%d ranks: critical current %.1f mA/cm^2 with 1-minute steps, %.1f with 5-minute steps; first void "
                "at %.2f s\n",
                size, c.current / 10, slow.current / 10, c.onset);

  const std::string alone = navox::test::scratch_dir("staircase_ccd_alone");
  MPI_Comm self = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &self);
  if (rank == 0 && size > 1) {
    const Ccd one = run(self, alone);
    EXPECT_EQ(one.current, c.current);
    EXPECT_NEAR(one.onset, c.onset, 1e-8 * c.onset);
  }
  if (self != MPI_COMM_NULL) MPI_Comm_free(&self);
}

} // namespace
