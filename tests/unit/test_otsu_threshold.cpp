// Otsu's threshold (io/sources/otsu_threshold.hpp) against histograms worked out by
// hand, its tie rule, float bins; and the threshold segmentations it feeds
// (io/sources/microstructure.hpp): the shared boundary of two ranges, moved.
#include "io/sources/microstructure.hpp"
#include "io/sources/otsu_threshold.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using navox::io::GreyHistogram;
using navox::io::otsu_bin;
using navox::io::otsu_threshold;
using navox::io::Segmentation;

GreyHistogram integers(double lo, std::vector<std::int64_t> counts) {
  GreyHistogram h;
  h.lo = h.min = lo;
  h.max = lo + double(counts.size()) - 1;
  h.counts = std::move(counts);
  return h;
}

/// sigma_B^2 = w0 w1 (mu0 - mu1)^2 of the split at k, straight from the definition.
double between_class_variance(const GreyHistogram& h, std::size_t k) {
  double n0 = 0, n1 = 0, s0 = 0, s1 = 0;
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    (b < k ? n0 : n1) += double(h.counts[b]);
    (b < k ? s0 : s1) += double(h.counts[b]) * h.value(b);
  }
  const double n = n0 + n1, d = s0 / n0 - s1 / n1;
  return n0 / n * n1 / n * d * d;
}

TEST(Otsu, HandComputedHistogram) {
  // Grey 0..4 with counts 4, 2, 1, 3, 1: N = 11, S = 0 + 2 + 2 + 9 + 4 = 17.
  // (N s0 - n0 S)^2 / (n0 n1) for the split below k:
  //   k = 1: n0 = 4,  s0 = 0:  (0 - 68)^2 / (4 x 7)    = 165.14
  //   k = 2: n0 = 6,  s0 = 2:  (22 - 102)^2 / (6 x 5)  = 213.33   <- the maximum
  //   k = 3: n0 = 7,  s0 = 4:  (44 - 119)^2 / (7 x 4)  = 200.89
  //   k = 4: n0 = 10, s0 = 13: (143 - 170)^2 / (10 x 1) = 72.9
  // so grey < 2 is the lower class: sigma_B^2 = (6/11)(5/11)(1/3 - 3)^2 = 1920/1089.
  const GreyHistogram h = integers(0, {4, 2, 1, 3, 1});
  EXPECT_EQ(otsu_bin(h), 2u);
  EXPECT_EQ(otsu_threshold(h), 2.0);
  EXPECT_NEAR(between_class_variance(h, 2), 1920.0 / 1089.0, 1e-12);
  for (std::size_t k = 1; k < 5; ++k) EXPECT_LE(between_class_variance(h, k), between_class_variance(h, 2)) << k;
}

TEST(Otsu, BimodalWithAGapIsCutHalfWay) {
  // 3 voxels of grey 10, 5 of grey 200: every t in 11..200 splits them alike (bins
  // 0..190, splits k = 1..190 tie exactly); the middle of that run, k = 1 + 189 / 2 = 95,
  // is t = 105, half-way across the gap rather than just above the lower mode.
  std::vector<std::int64_t> counts(191, 0);
  counts.front() = 3;
  counts.back() = 5;
  const GreyHistogram h = integers(10, counts);
  EXPECT_EQ(otsu_threshold(h), 105.0);
  // A tie of the empty bin 2 between two equal maxima: grey 0..4 with counts 4, 2, 0, 3, 1
  // gives 4900/24 at k = 2 and at k = 3 (n0 = 6, s0 = 2 for both); the lower middle, k = 2.
  EXPECT_EQ(otsu_bin(integers(0, {4, 2, 0, 3, 1})), 2u);
}

TEST(Otsu, ShiftedGreyShiftsTheThreshold) {
  // Otsu depends on grey differences only: the same histogram 1000 grey values higher.
  EXPECT_EQ(otsu_threshold(integers(1000, {4, 2, 1, 3, 1})), 1002.0);
}

TEST(Otsu, FloatBinsCutAtABinEdge) {
  // Four bins of width 0.25 from -1: two equal modes at the outer bins; the split at
  // the middle edge, -1 + 2 x 0.25 = -0.5 (the tie run k = 1..3, its middle k = 2).
  GreyHistogram h;
  h.integers = false;
  h.lo = h.min = -1;
  h.width = 0.25;
  h.max = 0;
  h.counts = {7, 0, 0, 7};
  EXPECT_EQ(otsu_bin(h), 2u);
  EXPECT_DOUBLE_EQ(otsu_threshold(h), -0.5);
  EXPECT_DOUBLE_EQ(h.value(3), -0.125); // bin centres for float bins
}

TEST(Otsu, OneGreyValueHasNothingToSplit) {
  EXPECT_THROW(otsu_bin(integers(7, {12})), navox::Error);
  EXPECT_THROW(otsu_bin(integers(7, {12, 0, 0})), navox::Error);
}

TEST(ThresholdSegmentation, TwoRangesSharingABoundaryMove) {
  Segmentation s;
  s.ranges = {{100, 256, 1}, {0, 100, 0}}; // in either order
  ASSERT_TRUE(s.threshold());
  EXPECT_EQ(*s.threshold(), 100.0);
  const Segmentation moved = s.at_threshold(90);
  EXPECT_EQ(*moved.threshold(), 90.0);
  EXPECT_EQ(moved.material(89.5), 0);
  EXPECT_EQ(moved.material(90), 1);
  EXPECT_EQ(moved.material(0), 0);
  EXPECT_THROW(moved.material(256), navox::Error); // outside both ranges, as before
  Segmentation gap;
  gap.ranges = {{0, 90, 0}, {100, 256, 1}};
  EXPECT_FALSE(gap.threshold());
  EXPECT_THROW(gap.at_threshold(95), navox::Error);
  Segmentation mapped = s;
  mapped.label_map[300] = 2;
  EXPECT_FALSE(mapped.threshold());
}

TEST(ThresholdSegmentation, OtsuSplitOnceItsThresholdIsSet) {
  Segmentation s;
  s.otsu = Segmentation::Otsu{2, 5};
  EXPECT_FALSE(s.threshold());
  EXPECT_THROW(s.material(3), navox::Error); // not found yet
  s.set_otsu_threshold(105);
  EXPECT_EQ(*s.threshold(), 105.0);
  EXPECT_EQ(s.material(-1e9), 2);
  EXPECT_EQ(s.material(104.999), 2);
  EXPECT_EQ(s.material(105), 5);
  EXPECT_EQ(s.at_threshold(95).material(100), 5);
}

} // namespace
