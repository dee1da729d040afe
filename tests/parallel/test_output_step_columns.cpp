// The time series' elastic columns (max_von_mises_se, elastic_its, loose_solid) on
// tests/data/mechanics/flat_pressure.yaml, a flat NBH|Al cell whose protocol steps the
// stack pressure 0 -> 5 -> 10 -> 0 MPa, on 1, 2 and 4 ranks:
//  - solved after every step (`mechanics.elasticity: step`), each row's largest SE von
//    Mises stress is that of uniaxial strain under the row's stack pressure,
//    P (1 - 2 nu) / (1 - nu): the Na plated in the step carries the stack load (before,
//    the solve read the metal's connectivity from the step's start, the new Na as
//    floating, and the load fell on the ersatz under the collector: twice the stress);
//  - solved at output steps only (every 4th and the last), the row of an output step
//    carries that step's own solve (the same stress as solved every step, to the
//    solver's tolerance; before, the row was written before the output's solve and
//    showed the one before it), and the rows between repeat it exactly.
#include "support/deck_run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

const char* kDeck = "tests/data/mechanics/flat_pressure.yaml";

std::string ranks() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return "_np" + std::to_string(size);
}

double nbh_poisson_ratio(const navox::MaterialTable& materials) {
  for (const auto& m : materials)
    if (m.name == "NBH") return m.poisson_ratio;
  ADD_FAILURE() << "no NBH in the deck";
  return 0;
}

TEST(OutputStepColumns, EachStepsSolveCarriesTheStackLoadThroughTheNewNa) {
  const auto run = navox::test::run_deck(kDeck, "columns_step" + ranks(), {"mechanics.elasticity=step"});
  const double nu = nbh_poisson_ratio(run.materials);
  const auto& r = run.reports;
  ASSERT_GT(r.size(), 20u);
  int loaded = 0;
  for (std::size_t n = 0; n < r.size(); ++n) {
    const double p = r[n]["stack_pressure"];
    EXPECT_NEAR(r[n]["max_von_mises_se"], p * (1 - 2 * nu) / (1 - nu), 1e-6 * 10e6) << "row " << n << ", P = " << p;
    EXPECT_EQ(r[n]["loose_solid"], 0) << "row " << n;
    loaded += p > 0 ? 1 : 0;
  }
  EXPECT_GT(loaded, 10); // the rows under load are most of the run
}

TEST(OutputStepColumns, AnOutputStepsRowCarriesThatStepsSolve) {
  // Output every 4th step; the run ends at t = 1500 s, step 27, the first at 0 MPa: an
  // output step off the schedule whose stress differs from the last scheduled one.
  const int every = 4;
  const std::string end = "time.end=1500 s";
  const auto each = navox::test::run_deck(kDeck, "columns_each" + ranks(), {"mechanics.elasticity=step", end});
  const auto out = navox::test::run_deck(kDeck, "columns_output" + ranks(),
                                         {"mechanics.elasticity=output", "output.every=" + std::to_string(every), end});
  const auto& a = each.reports;
  const auto& b = out.reports;
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(b.size(), 28u);
  int changed = 0; // output rows whose stress differs from the row before: the check can fail
  for (std::size_t n = 0; n < b.size(); ++n) {
    ASSERT_EQ(b[n]["step"], double(n));
    const bool output = n % every == 0 || n + 1 == b.size();
    if (output) {
      EXPECT_NEAR(b[n]["max_von_mises_se"], a[n]["max_von_mises_se"], 1e-6 * 10e6) << "output row " << n;
      if (n > 0 && std::abs(b[n]["max_von_mises_se"] - b[n - 1]["max_von_mises_se"]) > 1e5) ++changed;
    } else {
      for (const char* c : {"max_von_mises_se", "elastic_its", "loose_solid"})
        EXPECT_EQ(b[n][c], b[n - 1][c]) << c << ", row " << n << ": no solve since the row before";
    }
  }
  // 0 -> 5 MPa (step 9) shows at row 12, 5 -> 10 (step 15) at 16, 10 -> 0 at the last.
  EXPECT_EQ(changed, 3);
  EXPECT_EQ(b.back()["stack_pressure"], 0);
  EXPECT_GT(b[b.size() - 2]["max_von_mises_se"], 1e6);
}

} // namespace
