// Generated NZSP ceramic: grain boundaries occupy about S_V w of the volume
// (S_V the boundary area per volume of the Voronoi grains, w the thickness), grow
// with w, vanish when no boundary material is given, and any block of the
// volume matches the whole (no dependence on the partition).
#include "io/sources/ceramic_generator.hpp"
#include "mesh/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

namespace {

using navox::Box;
using Dims = std::array<std::int64_t, 3>;

constexpr int kGrain = 0, kBoundary = 1;

navox::io::CeramicSpec nzsp(double w) {
  navox::io::CeramicSpec s;
  s.dims = {48, 48, 48};
  s.spacing = {0.1e-6, 0.1e-6, 0.1e-6};
  s.grain_size = 1.2e-6;
  s.gb_thickness = w;
  s.seed = 5;
  s.material = kGrain;
  s.gb_material = kBoundary;
  return s;
}

double boundary_fraction(const navox::io::CeramicSpec& s) {
  const auto l = navox::io::ceramic(s)->labels(Box{{0, 0, 0}, s.dims});
  return double(std::count(l.begin(), l.end(), kBoundary)) / double(l.size());
}

TEST(CeramicGenerator, BoundaryFractionIsAboutAreaPerVolumeTimesThickness) {
  const double a = 1.2e-6;
  double last = 0;
  for (double w : {0.1e-6, 0.2e-6, 0.3e-6}) {
    const double f = boundary_fraction(nzsp(w));
    // Voxel centres sample the boundary slabs without bias, so f = S_V w for thin
    // boundaries. S_V of these grains is about 2.7 / a (Poisson seeds: 2.91 / a,
    // cubes: 3 / a); thicker slabs overlap along triple lines, so f falls below S_V w.
    std::printf("grain boundary thickness %.2f um, grains %.1f um: fraction %.4f = %.3f w / a\n", w * 1e6, a * 1e6,
                f, f / (w / a));
    if (w == 0.1e-6) {
      EXPECT_GT(f / (w / a), 2.4);
      EXPECT_LT(f / (w / a), 3.0);
    }
    EXPECT_LT(f, 3.0 * w / a);
    EXPECT_GT(f, last);
    last = f;
  }
}

TEST(CeramicGenerator, NoBoundaryMaterialGivesADenseUniformCeramic) {
  auto s = nzsp(0.1e-6);
  s.gb_material = -1;
  EXPECT_EQ(boundary_fraction(s), 0.0);
}

TEST(CeramicGenerator, BlocksMatchTheWholeVolume) {
  auto s = nzsp(0.1e-6);
  s.dims = {30, 26, 22};
  const auto src = navox::io::ceramic(s);
  const Box all{{0, 0, 0}, s.dims};
  const auto whole = src->labels(all);
  for (const Box& b : {Box{{0, 0, 0}, {1, 1, 1}}, Box{{29, 25, 21}, {1, 1, 1}}, Box{{4, 7, 3}, {19, 11, 15}}}) {
    std::vector<int> expected;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) expected.push_back(whole[all.offset(i, j, k)]);
    EXPECT_EQ(src->labels(b), expected);
  }
}

TEST(CeramicGenerator, TooThickBoundariesAreRefused) {
  EXPECT_THROW(navox::io::ceramic(nzsp(0.5e-6)), navox::Error);
}

} // namespace
