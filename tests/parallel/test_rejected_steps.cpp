// A step that fails and is retried with a shorter dt leaves nothing behind. The vacancy
// step's θ solve held to 2 CG iterations (`-theta_ksp_max_it 2`) fails at every dt but
// the shortest, so the run (tests/data/vacancies/contact_strip.yaml to 0.05 s) rejects
// most of its steps: after it the heap in use on each rank is what it was before it
// (to 1 MB), as after the same run without the failures. (Each temporary vector of a
// rejected step once stayed behind: 16 MB over this run's ~470 rejections, 8 B a voxel
// per vector on a large grid, until a long run with many rejections ran out of memory.)
//
// And an accepted step leaves nothing behind either where nobody asks for its report,
// as `navox run` does not (RunOptions::keep_reports): 2,000 steps of the same deck leave
// the heap within 0.2 MB of where it was; keeping the reports left 0.85 MB.
#include "support/deck_run.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <malloc.h>

#include <mpi.h>

#include <cstddef>
#include <cstdio>
#include <string>

namespace {

/// Heap bytes in use on this rank (glibc's main arena and its mapped blocks: PETSc's
/// vectors of any size).
double heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return double(m.uordblks) + double(m.hblkhd);
}

std::size_t strip(const std::string& name) {
  const auto run = navox::test::run_deck_on(MPI_COMM_WORLD, "tests/data/vacancies/contact_strip.yaml",
                                            navox::test::scratch_dir(name), {"time.end=0.05 s"});
  return run.reports.size();
}

TEST(RejectedSteps, LeaveNothingBehind) {
  const std::size_t plain_steps = strip("rejected_steps_plain"); // and whatever a first run keeps for good
  const double before = heap_in_use();
  EXPECT_EQ(strip("rejected_steps_plain_again"), plain_steps);
  const double plain = heap_in_use() - before;

  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-theta_ksp_max_it", "2"), 0);
  const std::size_t failing_steps = strip("rejected_steps_failing");
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-theta_ksp_max_it"), 0);
  const double failing = heap_in_use() - before - plain;
  EXPECT_GT(failing_steps, 10 * plain_steps) << "the failures did not shorten the steps";
  // The rejected steps' temporaries were ~30 kB a step on a rank here (4 vectors of 704
  // voxels and their headers): over 400 rejections, ~12 MB.
  EXPECT_LT(plain, 1e6) << "heap left by a run without rejected steps";
  EXPECT_LT(failing, 1e6) << "heap left by " << failing_steps << " steps, most of them retried";
  std::printf("heap left: %.0f B by the plain run, %.0f B by the run with rejected steps\n", plain, failing);
}

/// Heap left by 2,000 steps of 0.01 s, the reports kept or not.
double heap_after_steps(const std::string& name, bool keep) {
  navox::RunOptions options;
  options.keep_reports = keep;
  const double before = heap_in_use();
  const auto run = navox::test::run_deck_on(MPI_COMM_WORLD, "tests/data/vacancies/contact_strip.yaml",
                                            navox::test::scratch_dir(name),
                                            {"time.end=20 s", "time.dt=0.01 s", "time.dt_max=0.01 s"}, options);
  if (keep)
    EXPECT_GT(run.reports.size(), std::size_t(2000));
  else
    EXPECT_EQ(run.reports.size(), std::size_t(0));
  return heap_in_use() - before;
}

TEST(RejectedSteps, AStepKeepsNoRowWhereNoReportIsAsked) {
  (void)heap_after_steps("steps_warm", false); // whatever a first run keeps for good
  const double kept = heap_after_steps("steps_kept", true);
  const double not_kept = heap_after_steps("steps_not_kept", false);
  std::printf("heap left by 2,000 steps: %.0f B with their reports kept, %.0f B without\n", kept, not_kept);
  EXPECT_GT(kept, 5e5) << "the reports' heap is not measured";
  EXPECT_LT(not_kept, 2e5);
}

} // namespace
