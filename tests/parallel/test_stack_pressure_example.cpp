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
#include "mesh/stencil.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/time/module.hpp"
#include "solver/time/simulation.hpp"
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
  for (const std::string s : {"output.directory=" + out, std::string("protocol.steps[0].plate.capacity=0.02 mAh/cm^2"), std::string("time.end=72 s"),
                              std::string("output.every=1000"),
                              std::string("output.formats=[hdf5]"), std::string("mechanics.elasticity=off")})
    doc->set(s);
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

/// Na voxels whose Na-holding component (6-connected, periodic x-y) has no voxel beside the SE.
int cut_off(const Result& r) {
  const std::int64_t nx = r.dims[0], ny = r.dims[1], nz = r.dims[2];
  auto at = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    return std::size_t(((k * ny + (j + ny) % ny) * nx) + (i + nx) % nx);
  };
  auto holds = [&](std::size_t g) { return int(r.labels[g]) == r.pore; };
  std::vector<char> reached(r.xi.size(), 0);
  std::vector<std::size_t> queue;
  for (std::int64_t k = 0; k < nz; ++k)
    for (std::int64_t j = 0; j < ny; ++j)
      for (std::int64_t i = 0; i < nx; ++i)
        for (int f = 0; f < 6; ++f) {
          const std::int64_t nk = k + navox::kFaceOffset[f][2];
          const std::size_t g = at(i, j, k);
          if (!holds(g) || nk < 0 || nk >= nz || reached[g]) continue;
          if (int(r.labels[at(i + navox::kFaceOffset[f][0], j + navox::kFaceOffset[f][1], nk)]) == r.se)
            reached[g] = 1, queue.push_back(g);
        }
  for (std::size_t q = 0; q < queue.size(); ++q) {
    const std::int64_t g = std::int64_t(queue[q]), i = g % nx, j = (g / nx) % ny, k = g / (nx * ny);
    for (int f = 0; f < 6; ++f) {
      const std::int64_t nk = k + navox::kFaceOffset[f][2];
      if (nk < 0 || nk >= nz) continue;
      const std::size_t m = at(i + navox::kFaceOffset[f][0], j + navox::kFaceOffset[f][1], nk);
      if (holds(m) && !reached[m]) reached[m] = 1, queue.push_back(m);
    }
  }
  int count = 0;
  for (std::size_t g = 0; g < r.xi.size(); ++g)
    if (holds(g) && navox::physics::SodiumMetal::holds(r.xi[g]) && !reached[g]) ++count;
  return count;
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
  EXPECT_EQ(cut_off(r), 0);
  const navox::physics::SodiumMetal na;
  EXPECT_NEAR(last["na_thickness"] / (na.thickness_per_charge() * -last["faradaic_charge"]), 1.0, 1e-9);
  for (const auto& row : r.reports)
    if (row["bearing_fraction"] > 0) EXPECT_NEAR(row["bearing_pressure"] * row["bearing_fraction"], 5e6, 1e-3);
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
      if (!std::isnan(r.pressure[g])) EXPECT_NEAR(one.pressure[g], r.pressure[g], 1e-6 * 5e6) << g;
    }
  }
  if (self != MPI_COMM_NULL) MPI_Comm_free(&self);
}

} // namespace
