// Which Na carries the collector's potential (SodiumModel::label_metal, connected()),
// on 1, 2 and 4 ranks split along x, y and z, against a serial flood fill written here
// over the metal as docs/model.md defines it ("Connected"): the CC voxels, bulk Na
// (xi >= xi_c) and Na-holding voxels on CC or on bulk Na, 6-connected across the
// periodic sides; a component is connected when it holds a CC voxel or touches the top
// face. navox labels the Na alone (a Na component beside the CC is connected), which
// must give every Na voxel the same answer: on a CC island that reaches nothing else,
// across the periodic x side, and by the top face without any CC.
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/blocking_al.hpp"
#include "support/partitions.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace {

constexpr int kN = 8; // an 8 x 8 x 8 grid: SE at z = 0, the rest pore with some CC

enum : int { kSE = 0, kCC = 1, kPore = 2 }; // navox::test::nbh_and_blocking_al(true)'s order

double label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k == 0) return kSE;
  if (i == 2 && j == 2 && k <= 5) return kCC; // a pillar on the SE, short of the top
  if (i == 6 && j == 6 && k == 4) return kCC; // an island
  if (i == 7 && j == 4 && k == 3) return kCC; // at the +x side: its Na neighbour is across it
  return kPore;
}

/// ξ in the pore: a hashed mix of empty, partly filled, bulk and below-tolerance
/// voxels, with three set pieces and their empty surroundings.
double xi_of(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (label(i, j, k) != kPore) return 0;
  struct Set {
    std::int64_t i, j, k;
  };
  // (0, 4, 3): Na whose one metal neighbour is the CC voxel (7, 4, 3) across the periodic side;
  // (5, 0, 2): Na with no metal around it (floating); (4, 4, 7): Na on the top face alone;
  // (6, 6, 5): Na on the CC island alone.
  for (const Set& s : {Set{0, 4, 3}, Set{5, 0, 2}, Set{4, 4, 7}, Set{6, 6, 5}}) {
    if (i == s.i && j == s.j && k == s.k) return 1.0;
    for (int f = 0; f < 6; ++f) { // its face neighbours, across the periodic sides too
      const int d[3] = {f == 0 ? -1 : f == 1 ? 1 : 0, f == 2 ? -1 : f == 3 ? 1 : 0, f == 4 ? -1 : f == 5 ? 1 : 0};
      if (i == (s.i + d[0] + kN) % kN && j == (s.j + d[1] + kN) % kN && k == s.k + d[2]) return 0.0;
    }
  }
  const std::uint64_t h = (static_cast<std::uint64_t>(i * 73856093) ^ static_cast<std::uint64_t>(j * 19349663) ^
                           static_cast<std::uint64_t>(k * 83492791)) %
                          20;
  if (h < 11) return 0.0;
  if (h < 14) return 0.3;   // holds Na, below xi_c: metal only on CC or on bulk Na
  if (h < 15) return 1e-14; // below the tolerance: no Na
  return 1.0;               // a quarter of the pore: below site percolation (0.31)
}

std::int64_t at(std::int64_t i, std::int64_t j, std::int64_t k) { return (k * kN + j) * kN + i; }

/// The serial answer: 1 where a Na-holding voxel belongs to a connected metal component.
std::vector<int> reference(const std::vector<double>& lab, const std::vector<double>& xi, double xi_c) {
  const std::int64_t n = std::int64_t(kN) * kN * kN;
  auto holds = [&](std::int64_t g) { return lab[g] == kPore && navox::physics::SodiumMetal::holds(xi[g]); };
  auto bulk = [&](std::int64_t g) { return lab[g] == kPore && xi[g] >= xi_c; };
  auto neighbours = [&](std::int64_t g) {
    const std::int64_t i = g % kN, j = (g / kN) % kN, k = g / (kN * kN);
    std::vector<std::int64_t> out = {at((i + 1) % kN, j, k), at((i + kN - 1) % kN, j, k), at(i, (j + 1) % kN, k),
                                     at(i, (j + kN - 1) % kN, k)};
    if (k > 0) out.push_back(at(i, j, k - 1));
    if (k + 1 < kN) out.push_back(at(i, j, k + 1));
    return out;
  };
  std::vector<char> metal(static_cast<std::size_t>(n), 0);
  for (std::int64_t g = 0; g < n; ++g) {
    if (lab[g] == kCC) { metal[g] = 1; continue; }
    if (!holds(g)) continue;
    bool attached = bulk(g);
    for (auto m : neighbours(g)) attached = attached || lab[m] == kCC || bulk(m);
    metal[g] = attached;
  }
  std::vector<int> component(static_cast<std::size_t>(n), -1), out(static_cast<std::size_t>(n), 0);
  std::vector<char> source;
  for (std::int64_t g = 0; g < n; ++g) {
    if (!metal[g] || component[g] >= 0) continue;
    const int c = static_cast<int>(source.size());
    source.push_back(0);
    std::vector<std::int64_t> todo = {g};
    component[g] = c;
    while (!todo.empty()) {
      const std::int64_t v = todo.back();
      todo.pop_back();
      if (lab[v] == kCC || v / (kN * kN) == kN - 1) source[c] = 1;
      for (auto m : neighbours(v))
        if (metal[m] && component[m] < 0) component[m] = c, todo.push_back(m);
    }
  }
  for (std::int64_t g = 0; g < n; ++g) out[g] = holds(g) && metal[g] && source[component[g]] ? 1 : 0;
  return out;
}

class MetalConnectivity : public ::testing::TestWithParam<std::array<int, 3>> {};

TEST_P(MetalConnectivity, NaLabelledAloneGivesTheAnswerOfTheWholeMetal) {
  navox::GridSpec spec;
  spec.dims = {kN, kN, kN};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  spec.periodic_lateral = true;
  if (!navox::test::takes_split(GetParam(), spec)) GTEST_SKIP() << "split for another rank count";
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi", "xi"});
  const navox::MaterialTable mats = navox::test::nbh_and_blocking_al(true);
  Vec labels = navox::test::voxel_field(grid, label);
  {
    const navox::physics::SodiumMetal metal{};
    navox::SodiumModel sodium(grid, labels, mats, metal);
    {
      navox::Owned xi(grid, sodium.xi());
      navox::for_owned(grid, [&](auto i, auto j, auto k) { xi(i, j, k) = xi_of(i, j, k); });
    }
    sodium.label_metal();
    const auto lab = navox::test::gather_natural(grid, labels);
    const auto xi = navox::test::gather_natural(grid, sodium.xi());
    const auto con = navox::test::gather_natural(grid, sodium.connected());
    const std::vector<int> want = reference(lab, xi, metal.connect_threshold);
    int na = 0, connected = 0, wrong = 0;
    for (std::size_t g = 0; g < want.size(); ++g) {
      if (lab[g] != kPore || !navox::physics::SodiumMetal::holds(xi[g])) continue;
      ++na;
      connected += want[g];
      if ((con[g] != 0) != (want[g] != 0)) {
        ++wrong;
        ADD_FAILURE() << "voxel " << g << ": connected " << con[g] << ", the whole metal's labelling says " << want[g];
      }
    }
    EXPECT_EQ(wrong, 0) << na << " Na voxels, " << connected << " connected";
    // The volume holds both answers, and the three set pieces say what they were put there for.
    EXPECT_GT(connected, 20);
    EXPECT_GT(na - connected, 20);
    EXPECT_EQ(con[at(0, 4, 3)], 1.0) << "Na beside the CC across the periodic side";
    EXPECT_EQ(con[at(5, 0, 2)], 0.0) << "Na with no metal around it floats";
    EXPECT_EQ(con[at(4, 4, 7)], 1.0) << "Na on the top face carries the collector's potential";
    EXPECT_EQ(con[at(6, 6, 5)], 1.0) << "Na on a CC island: its component holds a CC voxel";
  }
  VecDestroy(&labels);
}

INSTANTIATE_TEST_SUITE_P(Splits, MetalConnectivity,
                         ::testing::Values(std::array<int, 3>{-1, -1, -1}, std::array<int, 3>{2, 1, 1},
                                           std::array<int, 3>{1, 2, 1}, std::array<int, 3>{1, 1, 2},
                                           std::array<int, 3>{4, 1, 1}, std::array<int, 3>{1, 4, 1},
                                           std::array<int, 3>{1, 1, 4}, std::array<int, 3>{2, 2, 1}));

} // namespace
