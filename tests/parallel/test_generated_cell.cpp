// A generated pellet on the distributed grid: each rank labels only its own
// block, and the global pore count equals the serial whole-volume count on any
// rank count (the labels are a pure function of seed and voxel index).
#include "io/generators.hpp"
#include "mesh/grid.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>

namespace {

constexpr int kSolid = 1, kPore = 2;

navox::io::PelletSpec cu_pellet() {
  const auto cu = navox::io::pellet_preset("Cu");
  navox::io::PelletSpec s;
  s.dims = {40, 36, 44};
  s.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  s.porosity = cu->porosity;
  s.pore_radius = cu->pore_radius;
  s.radius_sigma = 0.3;
  s.seed = 2024;
  s.material = kSolid;
  s.pore_material = kPore;
  return s;
}

std::int64_t pores(const std::vector<int>& labels) { return std::count(labels.begin(), labels.end(), kPore); }

TEST(GeneratedCell, PoreCountIndependentOfRankCount) {
  const auto spec = cu_pellet();
  const auto src = navox::io::pellet(spec);
  navox::GridSpec g;
  g.dims = src->dims();
  g.spacing = spec.spacing;
  navox::Grid grid(MPI_COMM_WORLD, g, {"phi"});

  const std::int64_t local = pores(src->labels(grid.owned()));
  std::int64_t global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);

  const std::int64_t serial = pores(src->labels(navox::Box{{0, 0, 0}, g.dims}));
  EXPECT_EQ(global, serial);
  const double porosity = double(global) / double(grid.voxel_count());
  EXPECT_NEAR(porosity, spec.porosity, 0.03); // a small cell: only a loose check
}

TEST(GeneratedCell, OwnedBlockMatchesTheSerialVolume) {
  const auto spec = cu_pellet();
  const auto src = navox::io::pellet(spec);
  navox::GridSpec g;
  g.dims = src->dims();
  g.spacing = spec.spacing;
  navox::Grid grid(MPI_COMM_WORLD, g, {"phi"});
  const navox::Box all{{0, 0, 0}, g.dims};
  const std::vector<int> serial = src->labels(all);
  const navox::Box b = grid.owned();
  std::vector<int> expected;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) expected.push_back(serial[all.offset(i, j, k)]);
  EXPECT_EQ(src->labels(b), expected) << "rank " << grid.rank();
}

} // namespace
