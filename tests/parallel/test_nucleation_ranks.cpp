// The nuclei of the V8 cell (tests/data/electrochem/nucleation_v8.yaml, 16 x 16 columns) do not
// depend on the rank count: every draw is keyed on (seed, global face, step).
// Reference: tests/data/regression/nucleation_v8_nuclei.csv (regenerate with
// NAVOX_WRITE_REFERENCE=1). Another seed gives another realisation.
#include "support/nucleation_v8.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace {

using navox::test::v8::lines;
using navox::test::v8::Plating;
using navox::test::v8::plate;

TEST(NucleationV8, SameNucleiOnAnyRankCountAndSeedMatters) {
  // 16 x 16 columns and 2 mV voltage steps keep the 4-rank run short.
  const std::vector<std::string> small{"time.max_voltage_change=2 mV"};
  const Plating al = plate("Al_seed1", small, 16);
  const std::string ref = navox::test::source_path("tests/data/regression/nucleation_v8_nuclei.csv");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (std::getenv("NAVOX_WRITE_REFERENCE") && rank == 0)
    std::filesystem::copy_file(al.nuclei, ref, std::filesystem::copy_options::overwrite_existing);
  MPI_Barrier(MPI_COMM_WORLD);
  const auto got = lines(al.nuclei), want = lines(ref);
  ASSERT_GT(want.size(), 2u);
  ASSERT_EQ(got.size(), want.size());
  // Columns t, step, x, y, z are exact; eta and what follows from it to 1e-6 relative.
  for (std::size_t n = 0; n < want.size(); ++n) {
    std::stringstream g(got[n]), w(want[n]);
    std::string a, b;
    for (int c = 0; std::getline(g, a, ',') && std::getline(w, b, ','); ++c) {
      if (n == 0 || c < 5 || c > 7) {
        EXPECT_EQ(a, b) << "row " << n << " column " << c;
      } else {
        EXPECT_NEAR(std::stod(a), std::stod(b), 1e-6 * std::abs(std::stod(b))) << "row " << n << " column " << c;
      }
    }
  }
  // Another seed: another realisation.
  std::vector<std::string> reseeded = small;
  reseeded.push_back("nucleation.seed=2");
  const Plating other = plate("Al_seed2", reseeded, 16);
  EXPECT_NE(lines(other.nuclei), got);
}

} // namespace
