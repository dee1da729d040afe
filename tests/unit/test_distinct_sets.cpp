// distinct_sets (solver/mechanics/distinct_sets.hpp), how the elastic solve's smoothed
// levels keep their per-node coefficient sets: every node reads back its own set's bits,
// each distinct set is kept once in the order first met, and sets that differ only in a
// float's last bit or in the sign of a zero stay apart.
#include "solver/mechanics/distinct_sets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace {

bool same_bits(const float* a, const float* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

TEST(DistinctSets, EveryNodeReadsBackItsOwnSetAndEachSetIsKeptOnce) {
  const std::size_t width = 6;
  // Five sets (the last two differ from the first only in a last bit and a zero's sign),
  // over 40 nodes drawn among them.
  std::vector<std::vector<float>> sets = {{1, 2, 3, 4, 5, 6}, {0.5f, 0, 0, 0.5f, 0, 0.5f}, {7, 7, 7, 7, 7, 7}};
  std::vector<float> bit = sets[0];
  bit[3] = std::nextafter(bit[3], 10.0f);
  std::vector<float> zero = sets[1];
  zero[1] = -0.0f;
  sets.push_back(bit);
  sets.push_back(zero);
  std::mt19937 random(3);
  std::vector<int> drawn(40);
  for (int& d : drawn) d = int(random() % sets.size());
  drawn[0] = 2; // the order first met: 2, then whichever comes next
  std::vector<float> values;
  for (int d : drawn) values.insert(values.end(), sets[std::size_t(d)].begin(), sets[std::size_t(d)].end());
  const std::vector<float> original = values;

  const navox::DistinctSets d = navox::distinct_sets(std::move(values), width);
  ASSERT_EQ(d.nodes(), drawn.size());
  EXPECT_EQ(d.width, width);
  for (std::size_t node = 0; node < drawn.size(); ++node)
    EXPECT_TRUE(same_bits(d.of(node), &original[node * width], width)) << "node " << node;
  // One copy of each set met, in the order first met.
  std::vector<int> first_met;
  for (int s : drawn)
    if (std::find(first_met.begin(), first_met.end(), s) == first_met.end()) first_met.push_back(s);
  ASSERT_EQ(d.values.size(), first_met.size() * width);
  for (std::size_t k = 0; k < first_met.size(); ++k)
    EXPECT_TRUE(same_bits(&d.values[k * width], sets[std::size_t(first_met[k])].data(), width)) << "set " << k;
  EXPECT_EQ(d.index[0], 0u);
}

TEST(DistinctSets, NoNodesAndAllDifferentNodes) {
  const navox::DistinctSets none = navox::distinct_sets({}, 126);
  EXPECT_EQ(none.nodes(), 0u);
  EXPECT_TRUE(none.values.empty());
  std::vector<float> values(3 * 4);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = float(i);
  const navox::DistinctSets all = navox::distinct_sets(values, 4);
  ASSERT_EQ(all.values.size(), values.size());
  for (std::size_t node = 0; node < 3; ++node) EXPECT_EQ(all.index[node], node);
}

} // namespace
