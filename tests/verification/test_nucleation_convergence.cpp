// V8 of MODEL.md §6 at three voxel sizes, each half the last (0.25, 0.125 and
// 0.0625 um; the same contacts, gap and collector): the nucleation dip, the
// nucleus density and the deposit must converge, because a nucleus activates a
// disc of physical area (its footprint) and nuclei form only on SE|CC contact
// faces and at CC|PORE|SE triple lines, not across the gap. Before, a nucleus
// activated one voxel face and every gap face counted as a triple line, so the
// density scaled with 1/h^2.
// NAVOX_V8_COLUMNS sets the cell's width in 0.25 um columns (default 16: 4 x 4 um;
// scripts/validate/nucleation_convergence runs 32).
#include "support/nucleation_v8.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace {

using navox::test::v8::Plating;
using navox::test::v8::plate;

int columns() {
  const char* env = std::getenv("NAVOX_V8_COLUMNS");
  return env ? std::atoi(env) : 16;
}

TEST(NucleationV8, DipDensityAndDepositConvergeWithTheVoxelSize) {
  const int n = columns();
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  // Every nucleus forms within the first 0.2 ms (the dip): plate 7.2 ms worth.
  const std::string short_run = "protocol.steps[0].plate.capacity=2e-6 mAh/cm^2";
  std::vector<Plating> al, au;
  for (int r : {1, 2, 4}) {
    al.push_back(plate("conv_Al_r" + std::to_string(r), {short_run}, n, r));
    au.push_back(plate("conv_Au_r" + std::to_string(r), {short_run, "materials.Al.nucleation.surface=Au"}, n, r));
  }
  const double area = (n * 0.25e-6) * (n * 0.25e-6);
  if (rank == 0) {
    std::printf("V8 cell %d x %d columns (%.1f x %.1f um), 1 mA/cm^2 for 7.2 ms\n", n, n, n * 0.25, n * 0.25);
    std::printf("%-8s %-6s %10s %14s %12s %12s %14s\n", "surface", "h [um]", "dip [mV]", "nuclei/um^2", "end V [mV]",
                "steps", "plating frac.");
    for (std::size_t m = 0; m < 3; ++m)
      for (const auto* set : {&al, &au}) {
        const Plating& p = (*set)[m];
        std::printf("%-8s %-6.4g %10.2f %14.3f %12.2f %12zu %14.3f\n", set == &al ? "Al" : "Au", 0.25 / (1 << m),
                    p.dip * 1e3, p.reports.back()["nucleus_density"] * 1e-12, -p.reports.back()["V"] * 1e3,
                    p.reports.size(), p.reports.back()["plating_fraction"]);
      }
    std::fflush(stdout);
  }
  (void)area;
  // Between the two finest grids: the Al dip within 10 %, the nucleus density within 25 %.
  EXPECT_NEAR(al[2].dip / al[1].dip, 1.0, 0.10);
  EXPECT_NEAR(al[2].reports.back()["nucleus_density"] / al[1].reports.back()["nucleus_density"], 1.0, 0.25);
  // Au (sodiophilic) stays below 10 mV at every voxel size; Al dips to tens of mV.
  for (std::size_t m = 0; m < 3; ++m) {
    EXPECT_LT(au[m].dip, 0.010) << "h = 0.25 um / " << (1 << m);
    EXPECT_GT(al[m].dip, 0.030) << "h = 0.25 um / " << (1 << m);
  }
  // Na volume = Omega/F x faradaic charge at every size.
  const navox::physics::SodiumMetal na;
  for (const auto* set : {&al, &au})
    for (const Plating& p : *set) {
      const auto& e = p.reports.back();
      EXPECT_NEAR(e["na_thickness"], na.thickness_per_charge() * -e["faradaic_charge"], 1e-9 * e["na_thickness"]);
    }
}

} // namespace
