// The pressure in Na as a load on the solids (solver/mechanics/elasticity.hpp), on
// 1, 2 and 4 ranks:
//  - SE | Na layer | CC under a stack pressure P with the Na at p = P (the whole load
//    on the Na): the SE is in uniaxial strain at sigma_zz = -P and the CC too, as if
//    the Na were not there (a fluid layer passes the load on), and the Na layer is not
//    squeezed: the ersatz material of its voxels carries nothing (at p = 0 it would
//    have to carry all of it, compressing the layer by P / E_ersatz);
//  - a Na voxel facing an empty pore presses only on its solid faces: a pressurised
//    Na pocket beside an empty pore, fully inside the SE, loads nothing on the pore
//    side (the net force on the SE is zero, the support's reaction stays ~0);
//  - the load vector (stack pressure, Na pressures that round, a body force) is the same
//    bits on any partition, split along x, y and z, bounded and periodic: each node sums
//    its voxels' parts in one order.
#include "mesh/grid.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "support/elastic_materials.hpp"
#include "support/partitions.hpp"
#include "support/voxel_field.hpp"

#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

constexpr double kP = 5e6;


navox::GridSpec spec() {
  navox::GridSpec s;
  s.dims = {4, 4, 12};
  s.spacing = {1e-6, 1e-6, 1e-6};
  return s;
}

TEST(ElasticSodiumLoad, ANaLayerPassesTheStackLoadOn) {
  navox::Grid grid(MPI_COMM_WORLD, spec(), {});
  const auto mats = navox::test::elastic_materials();
  // SE k < 5, Na (pore label holding Na) 5 <= k < 7, CC above.
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto k) { return k < 5 ? 0.0 : k < 7 ? 2.0 : 1.0; });
  for (double p : {kP}) {
    Vec na = navox::test::voxel_field(grid, [&](auto, auto, auto k) { return k >= 5 && k < 7 ? p : 0.0; });
    navox::Elasticity elastic(grid, labels, mats);
    navox::ElasticLoad load;
    load.stack_pressure = kP;
    load.na_pressure = na;
    ASSERT_TRUE(elastic.solve(load).converged);
    const double area = 16e-12, force = kP * area;
    const double bottom = elastic.transmitted_force(0), in_se = elastic.transmitted_force(3);
    const double in_cc = elastic.transmitted_force(10);
    std::printf("p = %g MPa: force at the support %.9g, in the SE %.9g, in the CC %.9g (of P A)\n", p * 1e-6,
                bottom / force, in_se / force, in_cc / force);
    EXPECT_NEAR(in_cc / force, 1.0, 1e-8);
    EXPECT_NEAR(bottom / force, 1.0, 1e-8);
    EXPECT_NEAR(in_se / force, 1.0, 1e-8);
    // The layer's thickness change against what the ersatz material alone would give.
    Vec ux, uy, uz;
    for (Vec* v : {&ux, &uy, &uz}) ASSERT_EQ(DMCreateGlobalVector(grid.scalar_dm(), v), 0);
    elastic.displacement(ux, uy, uz);
    const auto u = navox::test::gather_natural(grid, uz);
    const double squeeze = u[std::size_t(7 * 16 + 5)] - u[std::size_t(4 * 16 + 5)]; // CC's lowest - SE's highest
    const double ersatz = kP * 2e-6 / (navox::Elasticity::kErsatz * 15e9);
    std::printf("Na layer squeezed by %.3g m (the ersatz material alone: %.3g m)\n", -squeeze, ersatz);
    EXPECT_LT(std::abs(squeeze), 1e-6 * ersatz);
    navox::test::validate_line("Na layer at p = P between SE and CC: force in the SE / (P x area)", "1 (< 1e-8)",
                               "%.10f", in_se / force);
    for (Vec* v : {&ux, &uy, &uz}) VecDestroy(v);
    VecDestroy(&na);
  }
  VecDestroy(&labels);
}

TEST(ElasticSodiumLoad, NaPressesOnlyOnSolids) {
  navox::Grid grid(MPI_COMM_WORLD, spec(), {});
  const auto mats = navox::test::elastic_materials();
  // A pocket inside the SE: Na at (1..2, 1..2, 3) under an empty pore at (1..2, 1..2, 4).
  auto pocket = [](auto i, auto j) { return i >= 1 && i <= 2 && j >= 1 && j <= 2; };
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    return pocket(i, j) && (k == 3 || k == 4) ? 2.0 : k < 9 ? 0.0 : 1.0;
  });
  Vec na = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return pocket(i, j) && k == 3 ? kP : 0.0; });
  navox::Elasticity elastic(grid, labels, mats);
  navox::ElasticLoad load;
  load.na_pressure = na; // no stack load: the pocket's pressure alone
  ASSERT_TRUE(elastic.solve(load).converged);
  // The Na pushes down on the SE below it (4 faces) and sideways on the SE around it,
  // not up into the pore: the support carries the 4 faces' downward push, p h^2 4.
  const double down = kP * 4e-12;
  std::printf("support reaction %.9g of the pocket's downward push\n", elastic.transmitted_force(0) / down);
  EXPECT_NEAR(elastic.transmitted_force(0) / down, 1.0, 1e-5);
  VecDestroy(&na);
  VecDestroy(&labels);
}

/// The load vector of the deck below on a grid split along `split_axis`, all of it on every
/// rank in natural order.
std::vector<double> load_on_split(int split_axis, bool periodic) {
  navox::GridSpec s;
  s.dims = {8, 8, 12};
  s.spacing = {1e-6, 1.3e-6, 0.7e-6};
  s.periodic_lateral = periodic;
  s.processors = navox::test::split_along(split_axis);
  navox::Grid grid(MPI_COMM_WORLD, s, {});
  const auto mats = navox::test::elastic_materials();
  // SE below k = 4, a Na layer with empty pores at k = 4..5, CC above with a pore column.
  auto na_voxel = [](std::int64_t i, std::int64_t j, std::int64_t k) { return k >= 4 && k < 6 && (i + 2 * j) % 5 != 0; };
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    return k < 4 ? 0.0 : k < 6 ? 2.0 : (i == 3 && j == 5 && k < 10) ? 2.0 : 1.0;
  });
  // Pressures that round (not sums of a few powers of two).
  Vec na = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    return na_voxel(i, j, k) ? kP * (1.0 + 0.1 * std::sin(1.3 * double(i) + 0.7 * double(j) + 0.37 * double(k))) : 0.0;
  });
  navox::Elasticity elastic(grid, labels, mats);
  navox::ElasticLoad load;
  load.stack_pressure = kP / 3;
  load.na_pressure = na;
  load.body_force = [](double x, double y, double z) {
    return std::array<double, 3>{1e9 * std::cos(3e5 * x), 1e9 * std::sin(2e5 * y + 1e5 * z), 7e8 * std::cos(1e5 * z)};
  };
  elastic.solve(load);
  std::vector<double> b = navox::test::gather_natural(elastic.vertex_dm(), elastic.load_vector());
  VecDestroy(&na);
  VecDestroy(&labels);
  return b;
}

TEST(ElasticSodiumLoad, TheLoadIsTheSameBitsOnAnySplit) {
  for (bool periodic : {false, true}) {
    const std::vector<double> first = load_on_split(0, periodic);
    double largest = 0;
    for (double v : first) largest = std::max(largest, std::abs(v));
    EXPECT_GT(largest, 0.0);
    for (int axis = 1; axis < 3; ++axis)
      EXPECT_TRUE(load_on_split(axis, periodic) == first) << "split along " << axis << (periodic ? ", periodic" : "");
  }
}

} // namespace
