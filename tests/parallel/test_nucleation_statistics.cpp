// Nucleation statistics on 16 x 16 bare Al faces held at fixed overpotentials:
//  - each face-step seeds exactly when the counter-based uniform number of
//    (seed, global face, step) falls below 1 - exp(-J A dt): the distributed draw
//    equals a serial replay of that rule, on 1, 2 and 4 ranks;
//  - the nucleus density rises with |eta| as CNT says: ln J estimated from the
//    counts is linear in 1/eta^2 with the slope -16 pi gamma^3 Omega^2 f / (3 F^2 k T);
//  - a nucleus covers a disc of area pi rho_n^2 of the bare surface, across rank
//    boundaries and the periodic wrap, whatever the voxel size.
#include "io/sources/random_keys.hpp"
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "physics/sodium/nucleation.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/nucleation.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/blocking_al.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>

namespace {

constexpr int kN = 16;         // faces per side
constexpr double kH = 0.25e-6; // voxel size [m]
constexpr double kT = 298.15;
constexpr long kSteps = 40;

TEST(NucleationStatistics, CountsFollowTheDrawRuleAndCnt) {
  navox::GridSpec spec;
  spec.dims = {kN, kN, 4};
  spec.spacing = {kH, kH, kH};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi", "xi"});
  // A footprint of one face (0.141 um covers 87 % of its own 0.25 um face and under
  // half of any other): every face-step is an independent trial.
  navox::MaterialTable mats = navox::test::nbh_and_blocking_al();
  mats[1].nucleation.footprint_radius = 0.141e-6;
  const navox::physics::ClassicalNucleation& cnt = mats[1].nucleation;

  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto k) { return k < 3 ? 0.0 : 1.0; });
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    sodium.set_activity(ionic); // marks the SE|Al faces at z = 3 as bare
    navox::NucleationSpec ns;
    ns.seed = 11;
    navox::Nucleation nucleation(grid, mats, ns);
    ASSERT_TRUE(nucleation.enabled());

    const double area = kH * kH, trials = double(kN * kN * kSteps);
    std::vector<double> inv_eta2, log_j;
    for (double eta : {-0.040, -0.045, -0.050, -0.055, -0.060}) {
      // Steps long enough for about 5 % of the faces to seed per step.
      const double dt = 0.05 / (cnt.rate(eta, kT) * area);
      const double p = cnt.probability(eta, kT, area, dt);
      for (auto& f : ionic.faces())
        if (f.bare_collector >= 0) f.eta_old = eta;
      const long before = nucleation.count();
      for (long step = 1; step <= kSteps; ++step) {
        nucleation.draw(ionic, step, dt, kT);
        nucleation.accept(double(step) * dt);
        for (auto& f : ionic.faces()) f.coverage = 0; // count every face-step independently
      }
      const long seeded = nucleation.count() - before;
      // Serial replay of the rule over the global faces (+z faces of the z = 2 layer).
      long expected = 0;
      for (long step = 1; step <= kSteps; ++step)
        for (std::int64_t j = 0; j < kN; ++j)
          for (std::int64_t i = 0; i < kN; ++i) {
            const std::int64_t face = ((2 * kN + j) * kN + i) * 6 + 5;
            const auto key = navox::io::random_keys::cell_key(ns.seed, 6, face, step, 0);
            if (navox::io::random_keys::uniform01(key, 0) < p) ++expected;
          }
      EXPECT_EQ(seeded, expected) << "eta = " << eta;
      // Binomial: within 5 standard deviations of trials x p.
      EXPECT_NEAR(double(seeded), trials * p, 5 * std::sqrt(trials * p * (1 - p))) << "eta = " << eta;
      inv_eta2.push_back(1.0 / (eta * eta));
      log_j.push_back(std::log(-std::log1p(-double(seeded) / trials) / (area * dt)));
    }
    // Least-squares line ln J = a + s / eta^2.
    const double n = double(inv_eta2.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t m = 0; m < inv_eta2.size(); ++m) {
      sx += inv_eta2[m];
      sy += log_j[m];
      sxx += inv_eta2[m] * inv_eta2[m];
      sxy += inv_eta2[m] * log_j[m];
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), intercept = (sy - slope * sx) / n;
    const double theory = -cnt.barrier(-0.05) * 0.05 * 0.05 / (navox::physics::kBoltzmann * kT);
    EXPECT_NEAR(slope / theory, 1.0, 0.02);
    EXPECT_NEAR(intercept, std::log(cnt.rate_prefactor), 0.5);
    for (std::size_t m = 0; m < inv_eta2.size(); ++m)
      EXPECT_NEAR(log_j[m], intercept + slope * inv_eta2[m], 0.15) << "not linear in 1/eta^2";
  }
  VecDestroy(&labels);
}

/// Covered area after one draw of sparse nuclei on a flat bare Al surface of n x n faces of size h.
double covered_area_per_nucleus(double h, int n, double rho, long& nuclei) {
  navox::GridSpec spec;
  spec.dims = {n, n, 3};
  spec.spacing = {h, h, h};
  spec.periodic_lateral = true;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi", "xi"});
  navox::MaterialTable mats = navox::test::nbh_and_blocking_al();
  mats[1].nucleation.footprint_radius = rho;
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto k) { return k < 2 ? 0.0 : 1.0; });
  double covered = 0;
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    sodium.set_activity(ionic);
    navox::NucleationSpec ns;
    navox::Nucleation nucleation(grid, mats, ns);
    const double eta = -0.05;
    // About 3 nuclei on the surface, whatever the face size.
    const double dt = 3.0 / (mats[1].nucleation.rate(eta, kT) * n * n * h * h);
    for (auto& f : ionic.faces())
      if (f.bare_collector >= 0) f.eta_old = eta;
    nucleation.draw(ionic, 1, dt, kT);
    nucleation.accept(dt);
    nuclei = nucleation.count();
    double local = 0;
    for (const auto& f : ionic.faces()) local += f.coverage * h * h;
    MPI_Allreduce(&local, &covered, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    // A rejected step uncovers exactly what the draw covered.
    nucleation.draw(ionic, 2, dt, kT);
    nucleation.discard(ionic);
    double after = 0;
    local = 0;
    for (const auto& f : ionic.faces()) local += f.coverage * h * h;
    MPI_Allreduce(&local, &after, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_DOUBLE_EQ(after, covered);
  }
  VecDestroy(&labels);
  return nuclei > 0 ? covered / double(nuclei) : 0;
}

TEST(NucleationFootprint, CoversPiRhoSquaredWhateverTheVoxelSize) {
  const double rho = 0.5e-6;
  for (double h : {0.25e-6, 0.125e-6}) {
    long nuclei = 0;
    const double per = covered_area_per_nucleus(h, static_cast<int>(std::lround(8e-6 / h)), rho, nuclei);
    ASSERT_GT(nuclei, 0) << "h = " << h;
    // Sparse discs overlap rarely; the 8 x 8 sampling of each face is exact to a few %.
    EXPECT_NEAR(per / (navox::physics::kPi * rho * rho), 1.0, 0.06) << "h = " << h << ", " << nuclei << " nuclei";
  }
}

} // namespace
