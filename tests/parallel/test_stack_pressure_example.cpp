// inputs/stack_pressure.yaml (a generated Cu pellet on NBH plated under 5 MPa), its
// plating step cut to 0.02 mAh/cm^2 (~4 um of the pellet's pores, past the
// interfacial gaps), on 1, 2 and 4 ranks, against the same run on rank 0 alone:
//  - every voxel holding Na lies in a component of Na-holding space (6-connected
//    PORE voxels, periodic in x and y) with a voxel beside the SE: no Na has only
//    solid Cu between it and the Na at the SE;
//  - the Na volume is Omega/F x the faradaic charge to 1e-9;
//  - the bearing pressure is the stack load over the bearing area (the columns agree);
//  - labels equal and xi, V and the Na pressure to 1e-6 of the one-process run.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/hdf5_writer.hpp"
#include "io/output/log.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/time/module.hpp"
#include "solver/time/simulation.hpp"
#include "support/sodium_reach.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

struct Result {
  std::vector<navox::StepReport> reports;
  std::vector<double> xi, labels, pressure; ///< the last output step, natural order
  std::int64_t dims[3] = {0, 0, 0};
  int pore = -1, se = -1;
};

/// `out`: an output directory made beforehand (test::scratch_dir is collective on
/// MPI_COMM_WORLD, so it cannot be called for the run on rank 0 alone).
Result run(MPI_Comm comm, const std::string& out) {
  const std::string deck = navox::test::source_path("inputs/stack_pressure.yaml");
  std::ifstream in(deck);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = navox::input::Document::parse(text.str(), deck);
  const std::vector<std::string> settings = {"output.directory=" + out,
                                             "protocol.steps[0].plate.capacity=0.02 mAh/cm^2", "time.end=72 s",
                                             "output.every=1000", "output.formats=[hdf5]",
                                             "mechanics.elasticity=off"};
  for (const std::string& s : settings) doc->set(s);
  navox::io::Config config = navox::read_deck(doc->root());
  doc->finish();
  navox::io::Log log(comm, false);
  navox::Simulation sim(comm, config, log);
  Result r;
  r.reports = sim.run();
  for (std::size_t m = 0; m < config.materials.size(); ++m) {
    if (config.materials[m].phase == navox::Phase::PORE) r.pore = int(m);
    if (config.materials[m].phase == navox::Phase::SE) r.se = int(m);
  }
  navox::Box all;
  for (int d = 0; d < 3; ++d) all.n[d] = r.dims[d] = sim.grid().spec().dims[d];
  char file[64];
  std::snprintf(file, sizeof file, "/navox_%06ld.h5", long(r.reports.back()["step"]));
  r.xi = navox::io::read_hdf5_field(out + file, "xi", all);
  r.labels = navox::io::read_hdf5_field(out + file, "label", all);
  r.pressure = navox::io::read_hdf5_field(out + file, "pressure", all);
  return r;
}

TEST(StackPressureExample, NaStaysInPoreSpaceReachingTheSeOnAnyPartition) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string here = navox::test::scratch_dir("stack_pressure_example");
  const std::string alone = navox::test::scratch_dir("stack_pressure_example_alone");
  const Result r = run(MPI_COMM_WORLD, here);
  const auto& last = r.reports.back();
  ASSERT_GT(-last["charge"], 0.9 * 720); // 0.02 mAh/cm^2 = 720 C/m^2 plated
  EXPECT_EQ(navox::test::na_cut_off_from_se(r.xi, r.labels, r.dims, r.pore, r.se), 0);
  const navox::physics::SodiumMetal na;
  EXPECT_NEAR(last["na_thickness"] / (na.thickness_per_charge() * -last["faradaic_charge"]), 1.0, 1e-9);
  for (const auto& row : r.reports)
    if (row["bearing_fraction"] > 0) {
      EXPECT_NEAR(row["bearing_pressure"] * row["bearing_fraction"], 5e6, 1e-3);
    }
  double na_voxels = 0;
  for (double x : r.xi) na_voxels += navox::physics::SodiumMetal::holds(x) ? 1 : 0;
  std::printf("%d ranks: %zu steps, Na %.4g um in %.0f voxels, bearing fraction %.4f, V = %.6f V\n", size,
              r.reports.size(), last["na_thickness"] * 1e6, na_voxels, last["bearing_fraction"], last["V"]);

  // The same run on rank 0 alone: the partition changes nothing beyond the solver tolerance.
  MPI_Comm self = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &self);
  if (rank == 0 && size > 1) {
    const Result one = run(self, alone);
    ASSERT_EQ(one.reports.size(), r.reports.size());
    EXPECT_NEAR(one.reports.back()["V"], last["V"], 1e-6 * std::abs(last["V"]));
    EXPECT_EQ(one.labels, r.labels);
    for (std::size_t g = 0; g < r.xi.size(); ++g) {
      EXPECT_NEAR(one.xi[g], r.xi[g], 1e-6) << g;
      if (!std::isnan(r.pressure[g])) {
        EXPECT_NEAR(one.pressure[g], r.pressure[g], 1e-6 * 5e6) << g;
      }
    }
  }
  if (self != MPI_COMM_NULL) MPI_Comm_free(&self);
}

} // namespace
