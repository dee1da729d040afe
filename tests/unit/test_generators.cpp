// Generated microstructures are pure functions of (seed, voxel index): the same
// seed gives the same cell, any block of it matches the whole volume (so the
// cell does not depend on the rank count), and presets hit their porosity.
#include "io/sources/generators.hpp"
#include "support/preset_pellet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

namespace {

using navox::Box;
using Dims = std::array<std::int64_t, 3>;

constexpr int kSolid = 1, kPore = 2;

navox::io::PelletSpec cu_pellet(Dims dims, std::uint64_t seed) {
  return navox::test::preset_pellet("Cu", dims, 0.5e-6, seed, kSolid, kPore);
}

navox::io::SeparatorSpec nbh_separator(std::uint64_t seed) {
  navox::io::SeparatorSpec s;
  s.dims = {40, 36, 12};
  s.spacing = {0.25e-6, 0.25e-6, 0.2e-6};
  s.pore_depth = 1e-6;
  s.pore_density = 0.2e12; // 0.2 per um^2
  s.seed = seed;
  s.material = 0;
  s.pore_material = kPore;
  return s;
}

Box whole(const Dims& d) { return Box{{0, 0, 0}, d}; }

/// The part of whole-volume labels that lies in `b`.
std::vector<int> cut(const std::vector<int>& all, const Dims& d, const Box& b) {
  const Box w = whole(d);
  std::vector<int> out;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) out.push_back(all[w.offset(i, j, k)]);
  return out;
}

/// Uneven blocks, including single voxels, faces and a block touching every corner.
std::vector<Box> probe_blocks(const Dims& d) {
  return {Box{{0, 0, 0}, {1, 1, 1}},
          Box{{d[0] - 1, d[1] - 1, d[2] - 1}, {1, 1, 1}},
          Box{{3, 5, 7}, {d[0] - 9, 4, d[2] - 10}},
          Box{{0, 0, d[2] / 2}, {d[0], d[1], d[2] - d[2] / 2}},
          Box{{d[0] / 3, 0, 0}, {d[0] / 3 + 1, d[1], 3}},
          Box{{1, 2, 3}, {d[0] - 2, d[1] - 3, d[2] - 4}}};
}

double pore_fraction(const std::vector<int>& labels) {
  return double(std::count(labels.begin(), labels.end(), kPore)) / double(labels.size());
}

TEST(Pellet, SameSeedSameLabelsOtherSeedOthers) {
  const Dims d{30, 28, 26};
  const auto a = navox::io::pellet(cu_pellet(d, 42))->labels(whole(d));
  const auto b = navox::io::pellet(cu_pellet(d, 42))->labels(whole(d));
  const auto c = navox::io::pellet(cu_pellet(d, 43))->labels(whole(d));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_GT(pore_fraction(a), 0.0);
  EXPECT_LT(pore_fraction(a), 1.0);
}

TEST(Pellet, BlocksMatchTheWholeVolume) {
  const Dims d{30, 28, 26};
  const auto src = navox::io::pellet(cu_pellet(d, 7));
  const auto all = src->labels(whole(d));
  for (const Box& b : probe_blocks(d)) EXPECT_EQ(src->labels(b), cut(all, d, b));
}

TEST(Pellet, FixedRadiusBlocksMatchTheWholeVolume) {
  const Dims d{25, 31, 22};
  auto spec = cu_pellet(d, 3);
  spec.radius_sigma = 0;
  spec.spacing = {0.4e-6, 0.5e-6, 0.7e-6}; // anisotropic voxels, spherical pores
  const auto src = navox::io::pellet(spec);
  const auto all = src->labels(whole(d));
  for (const Box& b : probe_blocks(d)) EXPECT_EQ(src->labels(b), cut(all, d, b));
}

/// Each preset on a volume holding thousands of pores, so the sampling spread of
/// the pore fraction is well below the tolerance.
TEST(Pellet, PresetsHitTheirPorosity) {
  struct Case {
    std::string preset;
    std::int64_t n;
    double voxel;
  };
  for (const Case& c : {Case{"Al", 64, 0.5e-6}, Case{"Cu", 200, 0.5e-6}, Case{"Ti", 200, 1.5e-6}}) {
    const auto preset = navox::io::pellet_preset(c.preset);
    ASSERT_TRUE(preset) << c.preset;
    const auto s = navox::test::preset_pellet(c.preset, {c.n, c.n, c.n}, c.voxel, 42, kSolid, kPore);
    const double achieved = pore_fraction(navox::io::pellet(s)->labels(whole(s.dims)));
    EXPECT_NEAR(achieved, preset->porosity, 0.005) << c.preset << " on " << c.n << "^3 voxels";
    RecordProperty(c.preset + "_porosity", std::to_string(achieved));
  }
}

TEST(Pellet, RejectsBadParameters) {
  auto s = cu_pellet({8, 8, 8}, 1);
  s.porosity = 0.99;
  EXPECT_THROW(navox::io::pellet(s), navox::Error);
  s = cu_pellet({8, 8, 8}, 1);
  s.pore_radius = 0;
  EXPECT_THROW(navox::io::pellet(s), navox::Error);
  EXPECT_FALSE(navox::io::pellet_preset("Zn"));
}

TEST(Separator, PoresAreShallowCapsAtTheTopFace) {
  const auto spec = nbh_separator(11);
  const Dims d = spec.dims;
  const auto all = navox::io::separator(spec)->labels(whole(d));
  const double top = d[2] * spec.spacing[2];
  std::int64_t pores = 0;
  const Box w = whole(d);
  for (auto k = 0; k < d[2]; ++k)
    for (auto j = 0; j < d[1]; ++j)
      for (auto i = 0; i < d[0]; ++i)
        if (all[w.offset(i, j, k)] == kPore) {
          ++pores;
          EXPECT_LE(top - (k + 0.5) * spec.spacing[2], spec.pore_depth) << "voxel " << i << "," << j << "," << k;
        }
  EXPECT_GT(pores, 0);
  // The top voxel layer is mostly pore-free: 0.2 caps per um^2 of radius <= 1 um.
  EXPECT_LT(double(pores) / double(d[0] * d[1] * 5), 0.9);
}

TEST(Separator, DeterministicAndBlockIndependent) {
  const auto spec = nbh_separator(5);
  const Dims d = spec.dims;
  const auto src = navox::io::separator(spec);
  const auto all = src->labels(whole(d));
  EXPECT_EQ(all, navox::io::separator(spec)->labels(whole(d)));
  EXPECT_NE(all, navox::io::separator(nbh_separator(6))->labels(whole(d)));
  for (const Box& b : probe_blocks(d)) EXPECT_EQ(src->labels(b), cut(all, d, b));
}

TEST(Separator, ZeroDensityIsDense) {
  auto spec = nbh_separator(1);
  spec.pore_density = 0;
  const auto all = navox::io::separator(spec)->labels(whole(spec.dims));
  EXPECT_EQ(std::count(all.begin(), all.end(), kPore), 0);
}

} // namespace
