// The Na's pieces (tests/data/topology/pieces.yaml: an active column, Na hanging from
// the collector, Na on the NBH cut off from it) classified by the topology module on
// 1, 2 and 4 ranks, split along x, y and z in turn and on rank 0 alone:
//  - na_state per voxel as built: 1 active, 2 trapped (no Na path to the NBH), 3
//    floating (no path to the collector), 0 elsewhere;
//  - trapped_na_volume and isolated_na_volume: 3 and 1 voxels (1 um^3 each) with
//    6-connectivity; with 18 the voxel meeting the column along an edge joins it (2
//    trapped).
#include "io/output/hdf5_writer.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cstdio>

namespace {

struct Result {
  std::vector<double> state; ///< na_state at the last step, natural order
  double trapped = 0, isolated = 0;
};

Result classify(MPI_Comm comm, const std::string& out, const std::string& split, int connectivity) {
  const auto run = navox::test::run_deck_on(
      comm, "tests/data/topology/pieces.yaml", out,
      {"grid.processors=" + split, "topology.connectivity=" + std::to_string(connectivity)});
  Result r;
  navox::Box all;
  for (int d = 0; d < 3; ++d) all.n[d] = run.dims[std::size_t(d)];
  r.state = navox::io::read_hdf5_field(out + "/navox_000001.h5", "na_state", all);
  r.trapped = run.reports.back()["trapped_na_volume"];
  r.isolated = run.reports.back()["isolated_na_volume"];
  return r;
}

std::size_t at(int i, int j, int k) { return std::size_t(i + 4 * (j + 4 * k)); }

void expect_built(const Result& r, int connectivity, const std::string& what) {
  std::vector<double> want(4 * 4 * 8, 0.0);
  for (int k = 2; k < 7; ++k) want[at(0, 0, k)] = 1;
  want[at(3, 3, 5)] = want[at(3, 3, 6)] = 2;
  want[at(1, 1, 6)] = connectivity == 6 ? 2 : 1;
  want[at(3, 0, 2)] = 3;
  ASSERT_EQ(r.state.size(), want.size()) << what;
  for (std::size_t n = 0; n < want.size(); ++n)
    EXPECT_EQ(r.state[n], want[n]) << what << ", voxel (" << n % 4 << ", " << n / 4 % 4 << ", " << n / 16 << ")";
  EXPECT_NEAR(r.trapped, (connectivity == 6 ? 3 : 2) * 1e-18, 1e-30) << what;
  EXPECT_NEAR(r.isolated, 1e-18, 1e-30) << what;
}

TEST(NaTopology, PiecesClassifiedAsBuiltOnAnyPartition) {
  for (int connectivity : {6, 18}) {
    const std::string name = "na_topology_" + std::to_string(connectivity);
    auto run = [connectivity](MPI_Comm comm, const std::string& out, const std::string& split) {
      return classify(comm, out, split, connectivity);
    };
    const Result here = run(MPI_COMM_WORLD, navox::test::scratch_dir(name), "[-1, -1, -1]");
    expect_built(here, connectivity, "the default partition");
    navox::test::compare_partitions<Result>(name, here, run, [connectivity](const Result& other, const Result& one,
                                                                            const std::string& what) {
      expect_built(other, connectivity, what);
      expect_built(one, connectivity, "rank 0 alone");
    });
  }
}

// Na plated onto a collector is connected to it in every step's output: a voxel the
// deposit reached in the step itself is not floating (the Na model's own labelling is
// from the step's start; the topology labels the metal as it is at the end). Before,
// the first plating step of this staircase wrote 3.7e-20 m^3 of floating Na, and the
// demo (inputs/demo.yaml) a tenth of its Na.
TEST(NaTopology, NaPlatedOnTheCollectorIsNeverFloating) {
  const auto run = navox::test::run_deck(
      "tests/data/cli/small_cell.yaml", "na_topology_plating",
      {"protocol={steps: [{staircase: {from: 0.5 mA/cm^2, step: 0.5 mA/cm^2, to: 1.5 mA/cm^2, step_time: 1 s, "
       "direction: plate, cutoff: -1 V}}]}",
       "time.end=10 s", "output.every=1"});
  ASSERT_GE(run.reports.size(), 3u);
  double plated = 0;
  for (const auto& r : run.reports) {
    EXPECT_EQ(r["isolated_na_volume"], 0.0) << "t = " << r["t"];
    plated = std::max(plated, r["na_volume"]);
  }
  EXPECT_GT(plated, 0.0);
}

} // namespace
