// The per-cycle table <prefix>_cycles.csv (solver/time/cycle_table.hpp) of two
// plate/strip cycles into a small generated Cu pellet under 5 MPa
// (tests/data/topology/cycling_cell.yaml), on 1, 2 and 4 ranks:
//  - one row per cycle, the columns and units of the list;
//  - ce = charge_out / charge_in, below 1 in the first cycle (Na stays in the pores);
//  - charge balance per cycle: charge_in − charge_out = F/Ω × Δ(Na volume) / area to
//    1e-9 of the cycle's plated volume (the Na model conserves volume exactly);
//  - the end-of-cycle state equals the time series' row at the cycle's end;
//  - the same rows on every partition of the ranks (split along x, y, z, and alone);
//  - one cycle into the Ti pellet of inputs/cycling_pellet.yaml (V5), whose settling
//    squeezes the collector down and restores it: the balance to 1e-13 of the plated
//    volume. The Na the settling's bands book outside the fields goes back with a
//    restore; when it did not, 3.3e-7 of a voxel was lost (1.8e-11 of the plated Na).
#include "physics/sodium/sodium_metal.hpp"
#include "support/csv_table.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace {

const char* kDeck = "tests/data/topology/cycling_cell.yaml";

TEST(CycleTable, OneRowPerCycleWithItsChargeBalance) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto run = navox::test::run_deck(kDeck, "cycle_table_np" + std::to_string(size));
  const auto t = navox::test::read_csv(run.directory + "/navox_cycles.csv");
  const std::vector<std::string> header{
      "cycle",        "charge_in [C/m^2]", "charge_out [C/m^2]", "ce", "trapped_na_volume [m^3]",
      "isolated_na_volume [m^3]", "contact_fraction", "void_fraction", "na_volume [m^3]", "t [s]"};
  EXPECT_EQ(t.header, header);
  ASSERT_EQ(t.rows.size(), 2u);
  const double area = 8 * 0.5e-6 * 8 * 0.5e-6;
  const double per_charge = navox::physics::SodiumMetal().thickness_per_charge(); // Ω/F [m³/C]
  double volume_before = 0;
  for (std::size_t c = 0; c < 2; ++c) {
    const std::string what = "cycle " + std::to_string(c + 1);
    EXPECT_EQ(t.at(c, "cycle"), double(c + 1)) << what;
    const double in = t.at(c, "charge_in"), out = t.at(c, "charge_out");
    EXPECT_NEAR(in / 1800.0, 1.0, 1e-3) << what; // 0.05 mAh/cm^2 plated (the double layer takes the rest)
    EXPECT_GT(out, 0) << what;
    EXPECT_NEAR(t.at(c, "ce"), out / in, 1e-14) << what; // (15 digits in the file)
    const double plated = per_charge * in * area;
    EXPECT_NEAR(t.at(c, "na_volume") - volume_before, per_charge * (in - out) * area, 1e-9 * plated) << what;
    volume_before = t.at(c, "na_volume");
    EXPECT_TRUE(std::isnan(t.at(c, "void_fraction"))) << what << ": no vacancy model in this deck";
    // The state at the cycle's end is the time series' row at that time.
    const navox::StepReport* row = nullptr;
    for (const auto& r : run.reports)
      if (std::abs(r["t"] - t.at(c, "t")) <= 1e-14 * r["t"]) row = &r;
    ASSERT_NE(row, nullptr) << what;
    for (const char* name : {"trapped_na_volume", "isolated_na_volume", "contact_fraction", "na_volume"})
      EXPECT_NEAR(t.at(c, name), (*row)[name], 1e-9 * std::abs((*row)[name])) << what << ": " << name;
  }
  // Na left in the pellet's pores after the first strip: CE below 1, some of it trapped.
  EXPECT_LT(t.at(0, "ce"), 0.99);
  EXPECT_GT(t.at(0, "trapped_na_volume"), 0);
}

TEST(CycleTable, ChargeBalanceOfTheTiPelletAcrossSqueezes) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto run = navox::test::run_deck(
      "inputs/cycling_pellet.yaml", "cycle_table_ti_np" + std::to_string(size),
      {"microstructure.generate.preset=Ti", "microstructure.generate.material=Ti", "output.every=100000"});
  const auto t = navox::test::read_csv(run.directory + "/navox_cycles.csv");
  ASSERT_EQ(t.rows.size(), 1u);
  const double h = 0.5e-6; // the deck's voxel
  const double area = double(run.dims[0]) * h * double(run.dims[1]) * h;
  const double per_charge = navox::physics::SodiumMetal().thickness_per_charge();
  const double in = t.at(0, "charge_in"), out = t.at(0, "charge_out");
  const double plated = per_charge * in * area;
  const double balance = (t.at(0, "na_volume") - per_charge * (in - out) * area) / plated;
  std::printf("Ti pellet, one cycle: |Na left - Omega/F (in - out) A| / plated = %.2g\n", std::abs(balance));
  EXPECT_LT(std::abs(balance), 1e-13);
}

TEST(CycleTable, SameRowsOnEveryPartition) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  using Table = navox::test::CsvTable;
  auto run = [](MPI_Comm comm, const std::string& out, const std::string& split) {
    navox::test::run_deck_on(comm, kDeck, out, {"grid.processors=" + split});
    return navox::test::read_csv(out + "/navox_cycles.csv");
  };
  const Table here = run(MPI_COMM_WORLD, navox::test::scratch_dir("cycle_table_parts_np" + std::to_string(size)),
                         "[-1, -1, -1]");
  navox::test::compare_partitions<Table>(
      "cycle_table_parts_np" + std::to_string(size), here, run, [](const Table& a, const Table& b, const std::string& what) {
        ASSERT_EQ(a.rows.size(), b.rows.size()) << what;
        for (std::size_t r = 0; r < a.rows.size(); ++r)
          for (std::size_t c = 0; c < a.header.size(); ++c) {
            const double x = a.rows[r][c], y = b.rows[r][c];
            if (std::isnan(x) || std::isnan(y)) EXPECT_EQ(std::isnan(x), std::isnan(y)) << what;
            else EXPECT_NEAR(x, y, 1e-9 * std::max(std::abs(y), 1e-30) + 1e-24) << what << ": row " << r << ", " << a.header[c];
          }
      });
}

} // namespace
