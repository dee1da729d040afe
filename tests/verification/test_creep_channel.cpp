// Na creep flow through channels (solver/mechanics/creep_flow.hpp) against the
// analytic flow of a power-law (Norton) material, the check MODEL.md §3.4 asks of
// extrusion into collector pores. Fully developed flow along x (periodic), driven
// by a pressure gradient G [Pa/m] as a body force; in simple shear γ̇ = K τ^n
// (physics/mechanics/power_law_viscosity.hpp):
//   slot of height H between no-slip walls, per unit width:  q = 2 K G^n (H/2)^{n+2} / (n+2);
//   cylindrical channel of radius R through a wall (CC):     Q = π K (G/2)^n R^{n+3} / (n+3).
// The slot's walls are grid planes: the flux converges at second order. The channel
// is a staircase of voxels: its flux converges to the analytic one as the voxels
// shrink (Q ∝ R^8 magnifies the staircase's error in the radius).
#include "mesh/grid.hpp"
#include "solver/mechanics/creep_flow.hpp"
#include "support/validate_line.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

constexpr double kHeight = 8e-6; // slot height, channel diameter [m]

/// G such that the wall shear stress is σ_ref/√3 (strain rates near ε̇_ref at the wall).
double gradient(double half_width, double per_radius) {
  navox::physics::PowerLawCreep law;
  return per_radius * law.reference_stress / std::sqrt(3.0) / half_width;
}

struct Flow {
  double q = 0, exact = 0;
  int newton = 0;
};

/// The slot with `cells` voxels across its height.
Flow slot(std::int64_t cells) {
  const double h = kHeight / double(cells);
  navox::GridSpec spec;
  spec.dims = {2, 2, cells};
  spec.spacing = {h, h, h};
  spec.periodic_lateral = true;
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::CreepFlowSetup setup;
  const double g = gradient(kHeight / 2, 1.0);
  setup.body_force = {g, 0, 0};
  Vec cells_v = navox::test::voxel_field(grid, [](auto, auto, auto) { return double(navox::CreepFlow::metal); });
  navox::CreepFlow flow(grid, setup);
  Flow f;
  f.newton = flow.solve(cells_v).newton_iterations;
  f.q = flow.flux(0, 0) / (2 * h);
  const double n = setup.rheology.law.exponent, k = setup.rheology.shear_coefficient();
  f.exact = 2 * k * std::pow(g, n) * std::pow(kHeight / 2, n + 2) / (n + 2);
  VecDestroy(&cells_v);
  return f;
}

/// The channel with `cells` voxels across its diameter, in a wall one voxel thick around it.
Flow channel(std::int64_t cells) {
  const double h = kHeight / double(cells), r = kHeight / 2;
  navox::GridSpec spec;
  spec.dims = {2, cells + 2, cells + 2};
  spec.spacing = {h, h, h};
  spec.periodic_lateral = true;
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::CreepFlowSetup setup;
  const double g = gradient(r, 2.0);
  setup.body_force = {g, 0, 0};
  const double centre = double(cells + 2) / 2;
  Vec cells_v = navox::test::voxel_field(grid, [&](auto, auto j, auto k) {
    const double dy = (double(j) + 0.5 - centre) * h, dz = (double(k) + 0.5 - centre) * h;
    return double(dy * dy + dz * dz < r * r ? navox::CreepFlow::metal : navox::CreepFlow::wall);
  });
  navox::CreepFlow flow(grid, setup);
  Flow f;
  f.newton = flow.solve(cells_v).newton_iterations;
  f.q = flow.flux(0, 0);
  const double n = setup.rheology.law.exponent, k = setup.rheology.shear_coefficient();
  f.exact = M_PI * k * std::pow(g / 2, n) * std::pow(r, n + 3) / (n + 3);
  VecDestroy(&cells_v);
  return f;
}

} // namespace

TEST(CreepChannel, SlotFluxConvergesAtSecondOrder) {
  std::vector<double> errors;
  for (std::int64_t cells : {8, 16, 32}) {
    const Flow f = slot(cells);
    errors.push_back(std::abs(f.q / f.exact - 1));
    std::printf("slot, %lld voxels across: q/q_exact = %.6f (Newton %d)\n", (long long)cells, f.q / f.exact, f.newton);
  }
  const double order1 = std::log2(errors[0] / errors[1]), order2 = std::log2(errors[1] / errors[2]);
  EXPECT_LT(errors[2], 0.02);
  EXPECT_GT(order2, 1.8);
  navox::test::validate_line("Na creep through a slot, flux vs power-law Poiseuille: order (8, 16, 32 voxels)", "2",
                             "%.3f, %.3f (error %.2g at 32)", order1, order2, errors[2]);
}

TEST(CreepChannel, CylindricalChannelFluxApproachesTheAnalyticRate) {
  std::vector<double> ratios;
  for (std::int64_t cells : {8, 16, 32}) {
    const Flow f = channel(cells);
    ratios.push_back(f.q / f.exact);
    std::printf("channel, %lld voxels across: Q/Q_exact = %.5f (Newton %d)\n", (long long)cells, f.q / f.exact,
                f.newton);
  }
  EXPECT_LT(std::abs(ratios[2] - 1), std::abs(ratios[0] - 1));
  EXPECT_NEAR(ratios[2], 1.0, 0.05);
  navox::test::validate_line("Na creep through a cylindrical channel, Q / analytic (8, 16, 32 voxels across)",
                             "-> 1", "%.4f, %.4f, %.4f", ratios[0], ratios[1], ratios[2]);
}
