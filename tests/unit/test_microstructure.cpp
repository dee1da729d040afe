// Label sources: segmentation (label map and ranges), crop, coarsening by
// majority vote, and stacking slabs along z, on an in-memory volume.
#include "io/sources/microstructure.hpp"

#include <gtest/gtest.h>

namespace {

using navox::Box;

/// A 4x4x4 grey volume with value i + 10 j + 100 k (x fastest).
class Ramp : public navox::io::VolumeSource {
public:
  std::array<std::int64_t, 3> dims() const override { return {4, 4, 4}; }
  std::string describe() const override { return "ramp"; }
  std::vector<double> read_block(const Box& b) const override {
    std::vector<double> v(b.size());
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) v[b.offset(i, j, k)] = double(i + 10 * j + 100 * k);
    return v;
  }
};

/// A 4x4x2 volume whose 2x2x2 groups hold 5 voxels of 1 and 3 of 0 (left group),
/// or 4 and 4 (right group: a tie).
class Votes : public navox::io::VolumeSource {
public:
  std::array<std::int64_t, 3> dims() const override { return {4, 2, 2}; }
  std::string describe() const override { return "votes"; }
  std::vector<double> read_block(const Box& b) const override {
    static const int data[2][2][4] = {{{1, 1, 1, 0}, {1, 0, 0, 1}}, {{0, 1, 1, 0}, {1, 0, 1, 0}}};
    std::vector<double> v(b.size());
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) v[b.offset(i, j, k)] = data[k][j][i];
    return v;
  }
};

navox::io::Segmentation threshold(double cut) {
  navox::io::Segmentation s;
  s.ranges = {{-1e9, cut, 0}, {cut, 1e9, 1}};
  return s;
}

TEST(Segmentation, LabelMapThenRanges) {
  navox::io::Segmentation s;
  s.label_map = {{0, 2}, {255, 1}};
  s.ranges = {{10, 20, 0}};
  EXPECT_EQ(s.material(0), 2);
  EXPECT_EQ(s.material(255), 1);
  EXPECT_EQ(s.material(10), 0);   // ranges are [from, to)
  EXPECT_THROW(s.material(20), navox::Error);
  EXPECT_THROW(s.material(3), navox::Error);
  EXPECT_THROW(s.material(0.5), navox::Error); // not an integer, not in a range
}

TEST(SegmentedVolume, CropSelectsTheSubVolume) {
  auto src = navox::io::segmented_volume(std::make_unique<Ramp>(), threshold(111), {1, 1, 1}, {2, 3, -1}, 1);
  EXPECT_EQ(src->dims(), (std::array<std::int64_t, 3>{2, 3, 3}));
  Box b;
  b.n = {2, 3, 3};
  const auto l = src->labels(b);
  for (auto k = 0; k < 3; ++k)
    for (auto j = 0; j < 3; ++j)
      for (auto i = 0; i < 2; ++i)
        EXPECT_EQ(l[b.offset(i, j, k)], (i + 1) + 10 * (j + 1) + 100 * (k + 1) >= 111 ? 1 : 0);
  EXPECT_THROW(navox::io::segmented_volume(std::make_unique<Ramp>(), threshold(1), {3, 0, 0}, {2, -1, -1}, 1),
               navox::Error);
}

TEST(SegmentedVolume, CoarseningVotesAndBreaksTiesLow) {
  navox::io::Segmentation s;
  s.label_map = {{0, 0}, {1, 1}};
  auto src = navox::io::segmented_volume(std::make_unique<Votes>(), s, {0, 0, 0}, {-1, -1, -1}, 2);
  EXPECT_EQ(src->dims(), (std::array<std::int64_t, 3>{2, 1, 1}));
  Box b;
  b.n = {2, 1, 1};
  const auto l = src->labels(b);
  EXPECT_EQ(l[0], 1); // five of eight are 1
  EXPECT_EQ(l[1], 0); // four against four: the lower material index wins
}

TEST(Stack, SlabsBelowAndAboveAVolume) {
  std::vector<std::unique_ptr<navox::io::LabelSource>> layers;
  layers.push_back(navox::io::uniform({4, 4, 2}, 5, "SE"));
  layers.push_back(navox::io::segmented_volume(std::make_unique<Ramp>(), threshold(200), {0, 0, 0}, {-1, -1, -1}, 1));
  layers.push_back(navox::io::uniform({4, 4, 1}, 7, "plate"));
  auto cell = navox::io::stack(std::move(layers));
  EXPECT_EQ(cell->dims(), (std::array<std::int64_t, 3>{4, 4, 7}));
  Box b; // a block straddling all three layers
  b.lo = {1, 2, 1};
  b.n = {2, 2, 6};
  const auto l = cell->labels(b);
  for (auto k = 1; k < 7; ++k) {
    const int expected = k < 2 ? 5 : k == 6 ? 7 : (100 * (k - 2) >= 200 ? 1 : 0);
    EXPECT_EQ(l[b.offset(1, 2, k)], expected) << "z = " << k;
  }
  std::vector<std::unique_ptr<navox::io::LabelSource>> bad;
  bad.push_back(navox::io::uniform({4, 4, 2}, 0, "a"));
  bad.push_back(navox::io::uniform({3, 4, 2}, 0, "b"));
  EXPECT_THROW(navox::io::stack(std::move(bad)), navox::Error);
}

} // namespace
