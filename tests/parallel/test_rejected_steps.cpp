// A step that fails and is retried with a shorter dt leaves nothing behind. The vacancy
// step's θ solve held to 2 CG iterations (`-theta_ksp_max_it 2`) fails at every dt but
// the shortest, so the run (tests/data/vacancies/contact_strip.yaml to 0.05 s) rejects
// most of its steps: after it the heap in use on each rank is what it was before it
// (to 1 MB), as after the same run without the failures. (Each temporary vector of a
// rejected step once stayed behind: 16 MB over this run's ~470 rejections, 8 B a voxel
// per vector on a large grid, until a long run with many rejections ran out of memory.)
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

} // namespace
