// Na extruding from a reservoir under pressure through a cylindrical pore of a
// collector plate into empty space (MODEL.md §3.4: "Na extrudes into CC pores"),
// by the creep flow (solver/mechanics/creep_flow.hpp). The rate is the creep law's:
//   - doubling the pressure multiplies it by 2^n = 32 (the law is a power of stress);
//   - at 313 K it is faster by the law's thermal factor, exp[Q/R (1/298.15 − 1/313.15)];
//   - it approaches the fully developed flow through the channel, Q = π K (G/2)^n R^{n+3}/(n+3)
//     with G = P/L, as the channel lengthens (the entry into the pore costs pressure),
//     measured against that flow on the same voxels (periodic channel, body force G);
//   - the Na it carries (CreepFlow::inflow, what the extrusion limit moves) is its flux
//     face by face: the pore receives what leaves the channel, the grid what the
//     reservoir gives; Na sealed in by walls (no free space) moves nowhere;
//   - the Picard matrix is symmetric (so its rows that carry unknowns are factored as
//     LDLᵀ), and that factorisation gives the flow of their LU;
//   - the block preconditioner (-creep_linear_solver block) gives the direct solve's
//     rate, and where its FGMRES fails, its fallback to the direct solve does.
// On 1, 2 and 4 ranks, split along x, y and z: the same rate.
#include "mesh/grid.hpp"
#include "solver/mechanics/creep_flow.hpp"
#include "support/creep_box.hpp"
#include "support/partitions.hpp"
#include "support/validate_line.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t kRadius = 4;  // voxels
constexpr std::int64_t kWidth = 2 * kRadius + 4;
constexpr std::int64_t kPore = 3;    // empty layers below the plate
constexpr std::int64_t kTop = 3;     // reservoir layers above it
constexpr double kH = 1e-6;

bool in_channel(std::int64_t i, std::int64_t j) {
  const double c = double(kWidth) / 2, dx = double(i) + 0.5 - c, dy = double(j) + 0.5 - c;
  return dx * dx + dy * dy < double(kRadius * kRadius);
}

/// The wall shear stress of the developed flow is σ_ref/√3 at this gradient.
double gradient() { return 2 * 0.2e6 / std::sqrt(3.0) / (double(kRadius) * kH); }

/// What CreepFlow::inflow() books over the grid [m³/s]: into the empty voxels under the
/// plate, into every voxel; and the flux the reservoir gives through the top.
struct Carried {
  double empty = 0, all = 0, reservoir = 0;
};

/// Volume flux [m³/s] out of the channel into the pore, plate `length` voxels thick.
/// `picard_tolerance` > 0: the extrusion limit's mode (Anderson-accelerated Picard to it).
/// `asymmetry`: |P − Pᵀ|_F / |P|_F of the last Picard matrix P.
double extrusion(std::int64_t length, double pressure, double temperature, std::array<int, 3> processors,
                 double picard_tolerance = 0, Carried* carried = nullptr,
                 navox::CreepFlowSetup::Linear linear = navox::CreepFlowSetup::Linear::lu,
                 double* asymmetry = nullptr) {
  navox::Grid grid(MPI_COMM_WORLD, navox::test::cubic_voxels({kWidth, kWidth, kPore + length + kTop}, kH, processors),
                   {});
  navox::CreepFlowSetup setup = navox::test::free_slip_box(temperature);
  setup.sides[4].kind = navox::CreepFlowSide::no_slip;   // the SE under the pore
  setup.sides[5].kind = navox::CreepFlowSide::reservoir; // Na pressed from above
  setup.sides[5].pressure = pressure;
  setup.picard_tolerance = picard_tolerance;
  setup.linear = linear;
  Vec cells = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    if (k < kPore) return double(navox::CreepFlow::empty);
    if (k >= kPore + length || in_channel(i, j)) return double(navox::CreepFlow::metal);
    return double(navox::CreepFlow::wall);
  });
  navox::CreepFlow flow(grid, setup);
  flow.solve(cells);
  const double q = -flow.flux(2, kPore);
  if (carried) {
    Vec rate = nullptr;
    VecDuplicate(cells, &rate);
    flow.inflow(rate);
    const double v = kH * kH * kH;
    Vec below = navox::test::voxel_field(grid, [&](auto, auto, auto k) { return k < kPore ? v : 0.0; });
    VecDot(rate, below, &carried->empty);
    VecSum(rate, &carried->all);
    carried->all *= v;
    carried->reservoir = -flow.flux(2, kPore + length + kTop);
    VecDestroy(&below);
    VecDestroy(&rate);
  }
  if (asymmetry) {
    Mat p = flow.picard_matrix(), t = nullptr;
    double whole = 0, diff = 0;
    MatNorm(p, NORM_FROBENIUS, &whole);
    MatTranspose(p, MAT_INITIAL_MATRIX, &t);
    MatAXPY(t, -1.0, p, DIFFERENT_NONZERO_PATTERN);
    MatNorm(t, NORM_FROBENIUS, &diff);
    MatDestroy(&t);
    *asymmetry = diff / whole;
  }
  VecDestroy(&cells);
  return q;
}

/// The fully developed flow through the same channel cross-section at G = P/L.
double developed(double g) {
  navox::GridSpec spec;
  // A channel along x (periodic; z is not), its cross-section the pore's, in y-z.
  spec.dims = {2, kWidth, kWidth};
  spec.spacing = {kH, kH, kH};
  spec.periodic_lateral = true;
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::CreepFlowSetup setup;
  setup.body_force = {g, 0, 0};
  Vec cells = navox::test::voxel_field(grid, [&](auto, auto j, auto k) {
    return double(in_channel(j, k) ? navox::CreepFlow::metal : navox::CreepFlow::wall);
  });
  navox::CreepFlow flow(grid, setup);
  flow.solve(cells);
  const double q = flow.flux(0, 0);
  VecDestroy(&cells);
  return q;
}

} // namespace

TEST(NaExtrusion, RateFollowsTheCreepLaw) {
  const std::int64_t length = 8;
  const double p = gradient() * double(length) * kH;
  const double q1 = extrusion(length, p, 298.15, {-1, -1, -1});
  const double q2 = extrusion(length, 2 * p, 298.15, {-1, -1, -1});
  const double warm = extrusion(length, p, 313.15, {-1, -1, -1});
  navox::physics::PowerLawCreep law;
  EXPECT_GT(q1, 0);
  EXPECT_NEAR(q2 / q1 / std::pow(2.0, law.exponent), 1.0, 1e-3);
  EXPECT_NEAR(warm / q1 / law.thermal_factor(313.15), 1.0, 1e-3);
  navox::test::validate_line("Na extrusion through a CC pore: rate(2P)/rate(P)", "2^n = 32", "%.4f", q2 / q1);
  char target[64];
  std::snprintf(target, sizeof target, "the law's thermal factor %.4f", law.thermal_factor(313.15));
  navox::test::validate_line("Na extrusion through a CC pore: rate(313 K)/rate(298 K)", target, "%.4f", warm / q1);

  // The same on every partition.
  for (const auto& split : navox::test::axis_splits()) EXPECT_NEAR(extrusion(length, p, 298.15, split) / q1, 1.0, 1e-6);
}

TEST(NaExtrusion, ApproachesTheDevelopedChannelFlowAsThePoreLengthens) {
  std::vector<double> ratios;
  for (std::int64_t length : {4, 8, 16}) {
    const double g = gradient();
    const double q = extrusion(length, g * double(length) * kH, 298.15, {-1, -1, -1});
    ratios.push_back(q / developed(g));
  }
  EXPECT_LT(ratios[0], ratios[1]);
  EXPECT_LT(ratios[1], ratios[2]);
  EXPECT_LT(ratios[2], 1.0);
  EXPECT_GT(ratios[2], 0.5);
  navox::physics::PowerLawViscosity v;
  const double n = v.law.exponent, r = double(kRadius) * kH;
  const double analytic = M_PI * v.shear_coefficient() * std::pow(gradient() / 2, n) * std::pow(r, n + 3) / (n + 3);
  navox::test::validate_line("Na extrusion through a CC pore (R = 4 um), rate / developed channel flow, L = 4, 8, 16 um",
                             "< 1, -> 1 as L/R grows", "%.3f, %.3f, %.3f (developed flow on these voxels / analytic %.3f)",
                             ratios[0], ratios[1], ratios[2], developed(gradient()) / analytic);
}

TEST(NaExtrusion, AndersonPicardAgreesWithNewton) {
  // The extrusion limit's solver, Anderson-accelerated Picard steps (there to 1e-6 of the
  // loads), here to 1e-4; the rate it gives (∝ p^5) is Newton's (to 1e-8) to that accuracy, on every
  // partition: 1.5e-4 off here, 1.4e-3 with the plain Picard iterations that replace a
  // failed mixing (forced with -creep_anderson_npc_ksp_type richardson
  // -creep_anderson_npc_ksp_max_it 1 -creep_anderson_npc_ksp_rtol 1e-30).
  const std::int64_t length = 8;
  const double p = gradient() * double(length) * kH;
  const double newton = extrusion(length, p, 298.15, {-1, -1, -1});
  const double anderson = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-4);
  EXPECT_NEAR(anderson / newton, 1.0, 2e-3);
  navox::test::validate_line("Na extrusion through a CC pore, Anderson-Picard to 1e-4: rate / Newton's", "1 (2e-3)",
                             "%.5f", anderson / newton);
  for (const auto& split : navox::test::axis_splits())
    EXPECT_NEAR(extrusion(length, p, 298.15, split, 1e-4) / newton, 1.0, 2e-3);
}

TEST(NaExtrusion, ThePicardMatrixIsSymmetricAndItsLDLTGivesTheFlowOfItsLU) {
  // The scaled Picard matrix is symmetric (creep_flow.hpp) with free-slip and no-slip
  // walls, a reservoir, a pore and free surfaces, on every partition; the LDLᵀ of its
  // rows that carry unknowns (the default) gives the rate of their LU to the extrusion
  // limit's tolerance (1e-6 of the loads).
  const std::int64_t length = 8;
  const double p = gradient() * double(length) * kH;
  double asymmetry = 1;
  const double ldlt = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-6, nullptr, navox::CreepFlowSetup::Linear::lu,
                                &asymmetry);
  EXPECT_LT(asymmetry, 1e-14);
  for (const char* prefix : {"-creep_picard_", "-creep_anderson_npc_"})
    PetscOptionsSetValue(nullptr, (std::string(prefix) + "redistribute_telescope_pc_type").c_str(), "lu");
  const double lu = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-6);
  for (const char* prefix : {"-creep_picard_", "-creep_anderson_npc_"})
    PetscOptionsClearValue(nullptr, (std::string(prefix) + "redistribute_telescope_pc_type").c_str());
  EXPECT_NEAR(ldlt / lu, 1.0, 1e-6);
  navox::test::validate_line("Na extrusion through a CC pore: the Picard matrix's |P - P^T|/|P|; rate of its LDL^T / LU's",
                             "< 1e-14; 1 (1e-6)", "%.1e; %.7f", asymmetry, ldlt / lu);
  for (const auto& split : navox::test::axis_splits()) {
    asymmetry = 1;
    EXPECT_NEAR(extrusion(length, p, 298.15, split, 1e-6, nullptr, navox::CreepFlowSetup::Linear::lu, &asymmetry) / lu,
                1.0, 1e-6);
    EXPECT_LT(asymmetry, 1e-14);
  }
}

TEST(NaExtrusion, TheBlockPreconditionerGivesTheFlowOfTheLU) {
  // The Picard steps' linear systems by FGMRES on the Schur block preconditioner (BoomerAMG
  // on the velocities, the viscosity-weighted pressure mass) instead of the LU of their
  // rows: the same rate to the extrusion limit's tolerance (1e-6 of the loads), on every
  // partition.
  const std::int64_t length = 8;
  const double p = gradient() * double(length) * kH;
  const auto block = navox::CreepFlowSetup::Linear::block;
  const double lu = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-6);
  const double fieldsplit = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-6, nullptr, block);
  EXPECT_NEAR(fieldsplit / lu, 1.0, 1e-5);
  navox::test::validate_line("Na extrusion through a CC pore, Picard steps on the block preconditioner: rate / LU's",
                             "1 (1e-5)", "%.7f", fieldsplit / lu);
  for (const auto& split : navox::test::axis_splits())
    EXPECT_NEAR(extrusion(length, p, 298.15, split, 1e-6, nullptr, block) / lu, 1.0, 1e-5);
  // FGMRES held to one iteration never converges: every system falls back to the LU of
  // its rows, and the flow is the LU's again (not a failed solve).
  PetscOptionsSetValue(nullptr, "-creep_block_ksp_max_it", "1");
  const double fallen_back = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-6, nullptr, block);
  PetscOptionsClearValue(nullptr, "-creep_block_ksp_max_it");
  EXPECT_NEAR(fallen_back / lu, 1.0, 1e-5);
}

/// The extrusion of TheBlockPreconditionerGivesTheFlowOfTheLU with a pocket of Na sealed
/// in the plate (walls all round, beside the grid's side) that a source fills: its
/// pressure has no reference but the compressibility. Returns the rate; `pocket` its
/// mean pressure [Pa], `result` the solve's counts.
double extrusion_beside_a_sealed_pocket(std::array<int, 3> processors, navox::CreepFlowSetup::Linear linear,
                                        double& pocket, navox::CreepFlowResult& result) {
  const std::int64_t length = 8;
  navox::Grid grid(MPI_COMM_WORLD, navox::test::cubic_voxels({kWidth, kWidth, kPore + length + kTop}, kH, processors),
                   {});
  navox::CreepFlowSetup setup = navox::test::free_slip_box(298.15);
  setup.sides[4].kind = navox::CreepFlowSide::no_slip;
  setup.sides[5].kind = navox::CreepFlowSide::reservoir;
  setup.sides[5].pressure = gradient() * double(length) * kH;
  setup.picard_tolerance = 1e-6;
  setup.linear = linear;
  auto sealed = [](auto i, auto j, auto k) { return i < 2 && j < 3 && k >= kPore + 2 && k < kPore + 5; };
  Vec cells = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    if (k < kPore) return double(navox::CreepFlow::empty);
    if (k >= kPore + length || in_channel(i, j) || sealed(i, j, k)) return double(navox::CreepFlow::metal);
    return double(navox::CreepFlow::wall);
  });
  Vec source = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return sealed(i, j, k) ? 1e-3 : 0.0; });
  Vec in_pocket = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return sealed(i, j, k) ? 1.0 / 18 : 0.0; });
  navox::CreepFlow flow(grid, setup);
  result = flow.solve(cells, source);
  Vec p = nullptr;
  VecDuplicate(cells, &p);
  flow.pressure(p);
  VecDot(p, in_pocket, &pocket);
  const double q = -flow.flux(2, kPore);
  for (Vec* v : {&p, &in_pocket, &source, &cells}) VecDestroy(v);
  return q;
}

TEST(NaExtrusion, TheBlockPreconditionerHoldsNaSealedByWalls) {
  // Na sealed in by walls: S 1 = C 1 on it (the compressibility), where L and the BFBᵀ's
  // middle vanish; the weighted BFBT gives it back through the pocket's mean
  // (weighted_bfbt.hpp). Without that, some of these systems stop at FGMRES's 400
  // iterations and fall back to the LDLᵀ (1,240 iterations in 20 systems, measured with
  // it taken out); with it they converge in about 12 each (235), and the rate and the
  // pocket's pressure are the direct solve's.
  double pocket_lu = 0, pocket = 0;
  navox::CreepFlowResult lu_result, result;
  const auto block = navox::CreepFlowSetup::Linear::block;
  const double lu = extrusion_beside_a_sealed_pocket({-1, -1, -1}, navox::CreepFlowSetup::Linear::lu, pocket_lu, lu_result);
  EXPECT_GT(std::fabs(pocket_lu), 1e6); // the source against the compressibility alone
  const double q = extrusion_beside_a_sealed_pocket({-1, -1, -1}, block, pocket, result);
  EXPECT_NEAR(q / lu, 1.0, 1e-5);
  EXPECT_NEAR(pocket / pocket_lu, 1.0, 1e-5);
  // A fallback costs FGMRES's 400 iterations; these systems take about 12 each.
  const int systems = result.picard_iterations;
  std::printf("sealed pocket: %d Picard systems, %d FGMRES iterations\n", systems, result.linear_iterations);
  EXPECT_LT(result.linear_iterations, 25 * systems);
  navox::test::validate_line("Na extrusion beside a sealed pocket, block preconditioner: rate and pocket pressure / LU's",
                             "1 (1e-5), 1 (1e-5)", "%.7f, %.7f", q / lu, pocket / pocket_lu);
  for (const auto& split : navox::test::axis_splits()) {
    EXPECT_NEAR(extrusion_beside_a_sealed_pocket(split, block, pocket, result) / lu, 1.0, 1e-5);
    EXPECT_NEAR(pocket / pocket_lu, 1.0, 1e-5);
    EXPECT_LT(result.linear_iterations, 25 * result.picard_iterations);
  }
}

TEST(NaExtrusion, TheNaItCarriesIsItsFluxFaceByFace) {
  // CreepFlow::inflow(), what the extrusion limit moves the Na by: the empty pore under
  // the plate receives what leaves the channel, and over the grid what the flow carries
  // adds up to what the reservoir gives (each face's amount leaves one voxel and enters
  // another), on every partition.
  const std::int64_t length = 8;
  const double p = gradient() * double(length) * kH;
  Carried here;
  const double q = extrusion(length, p, 298.15, {-1, -1, -1}, 1e-4, &here);
  EXPECT_GT(q, 0);
  EXPECT_NEAR(here.empty / q, 1.0, 1e-7); // the flow's 1e-10 compressibility regularisation apart
  EXPECT_NEAR(here.all / here.reservoir, 1.0, 1e-9);
  EXPECT_NEAR(here.reservoir / q, 1.0, 1e-6); // steady: what enters leaves
  navox::test::validate_line("Na carried by the flow, extrusion through a CC pore: into the pore / channel flux; "
                             "over the grid / reservoir flux",
                             "1 (1e-7), 1 (1e-9)", "1 %+.1e, 1 %+.1e", here.empty / q - 1, here.all / here.reservoir - 1);
  for (const auto& split : navox::test::axis_splits()) {
    Carried there;
    extrusion(length, p, 298.15, split, 1e-4, &there);
    EXPECT_NEAR(there.empty / here.empty, 1.0, 2e-3);
    EXPECT_NEAR(there.all / there.reservoir, 1.0, 1e-9);
  }
}

TEST(NaExtrusion, NaSealedInByWallsMovesNowhere) {
  // Plated Na in a box of walls with no free space: the flow has nowhere to carry it
  // (its pressure is the regularisation's), and inflow() moves none of it.
  navox::Grid grid(MPI_COMM_WORLD, navox::test::cubic_voxels({4, 4, 4}, kH, {-1, -1, -1}), {});
  navox::CreepFlowSetup setup = navox::test::free_slip_box(298.15);
  setup.picard_tolerance = 1e-6;
  Vec cells = navox::test::voxel_field(grid, [](auto, auto, auto) { return double(navox::CreepFlow::metal); });
  Vec source = navox::test::voxel_field(grid, [](auto, auto, auto k) { return k == 0 ? 1e-3 : 0.0; });
  navox::CreepFlow flow(grid, setup);
  flow.solve(cells, source);
  Vec rate = nullptr;
  VecDuplicate(cells, &rate);
  VecSet(rate, 1.0);
  flow.inflow(rate);
  PetscReal moved = -1;
  VecNorm(rate, NORM_INFINITY, &moved);
  EXPECT_EQ(moved, 0.0);
  for (Vec* v : {&cells, &source, &rate}) VecDestroy(v);
}
