// A symmetric Na|NBH|Na cell cycled (inputs/symmetric_cycling.yaml, two cycles of one
// hour each way at 2 mA/cm^2), on 1, 2 and 4 ranks:
//  - at every row the Na volume is the initial one less Omega/F x the faradaic charge
//    (stripping leaves vacancies, plating fills them and builds lattice, creep closes
//    them, the collector moves: atoms are conserved throughout), to 1e-9 of the
//    volume stripped in a half cycle;
//  - at 1 MPa creep closes the vacancies: after each plating theta is 1 everywhere and
//    the Na is back to its thickness, and no void opens;
//  - without pressure (0 MPa) the vacancies stay: theta at the end of the second
//    stripping is lower than at the end of the first, and the Na's lattice has grown
//    (the collector lifted) while its atoms are back where they started;
//  - rank 0 alone gives the same theta_min column to 1e-8.
#include "physics/materials/material_library.hpp"
#include "support/deck_run.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdio>

namespace {

std::vector<navox::StepReport> cycle(MPI_Comm comm, const std::string& out, const std::string& pressure) {
  return navox::test::run_deck_on(comm, "inputs/symmetric_cycling.yaml", out,
                                  {"protocol.repeat=2", "conditions.stack_pressure=" + pressure, "output.every=1000"})
      .reports;
}

/// The last row of each protocol step.
std::vector<navox::StepReport> ends(const std::vector<navox::StepReport>& rows) {
  std::vector<navox::StepReport> out;
  for (std::size_t n = 1; n < rows.size(); ++n)
    if (n + 1 == rows.size() || rows[n + 1]["protocol_step"] != rows[n]["protocol_step"]) out.push_back(rows[n]);
  return out;
}

void expect_atoms_conserved(const std::vector<navox::StepReport>& rows, const std::string& what) {
  const double omega = navox::physics::library::find_metal("Na")->molar_volume, F = 96485.33212;
  const double v0 = rows.front()["na_volume"], area = v0 / rows.front()["na_thickness"];
  const double half_cycle = omega / F * 2 * 10 * 3600 * area; // 2 mA/cm^2 for an hour
  for (const auto& row : rows)
    EXPECT_NEAR(v0 - row["na_volume"], omega / F * row["faradaic_charge"] * area, 1e-9 * half_cycle)
        << what << ", t = " << row["t"];
}

TEST(SymmetricCycling, VacanciesFillOrBuildUpAndAtomsAreConserved) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto pressed = cycle(MPI_COMM_WORLD, navox::test::scratch_dir("symmetric_1MPa"), "1 MPa");
  const auto loose = cycle(MPI_COMM_WORLD, navox::test::scratch_dir("symmetric_0MPa"), "0 MPa");
  expect_atoms_conserved(pressed, "1 MPa");
  expect_atoms_conserved(loose, "0 MPa");

  const auto p = ends(pressed), l = ends(loose);
  ASSERT_EQ(p.size(), 4u);
  ASSERT_EQ(l.size(), 4u);
  for (const auto& row : pressed) EXPECT_EQ(row["void_fraction"], 0.0);
  for (int n : {1, 3}) {
    EXPECT_NEAR(p[std::size_t(n)]["theta_min"], 1.0, 1e-9) << "after plating " << n;
    EXPECT_NEAR(p[std::size_t(n)]["na_thickness"], pressed.front()["na_thickness"], 1e-9 * 200e-6);
  }
  EXPECT_LT(l[2]["theta_min"], l[0]["theta_min"] - 0.01) << "the vacancies did not build up";
  EXPECT_GT(l[3]["lift"], 0.0) << "the lattice did not grow";
  EXPECT_NEAR(l[3]["na_thickness"], loose.front()["na_thickness"], 1e-9 * 200e-6);
  if (rank == 0)
    std::printf("%d ranks: theta_min after strip 1 / 2: %.4f / %.4f at 0 MPa, %.4f / %.4f at 1 MPa; lift %.1f um "
                "at 0 MPa after two cycles\n",
                size, l[0]["theta_min"], l[2]["theta_min"], p[0]["theta_min"], p[2]["theta_min"], l[3]["lift"] * 1e6);

  const std::string alone = navox::test::scratch_dir("symmetric_alone");
  MPI_Comm self = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &self);
  if (rank == 0 && size > 1) {
    const auto one = cycle(self, alone, "0 MPa");
    ASSERT_EQ(one.size(), loose.size());
    for (std::size_t n = 0; n < one.size(); ++n) EXPECT_NEAR(one[n]["theta_min"], loose[n]["theta_min"], 1e-8);
  }
  if (self != MPI_COMM_NULL) MPI_Comm_free(&self);
}

} // namespace
