// The band-limited noise and the conserved Allen–Cahn step's guarantees
// (physics/sodium/langevin_noise.hpp, physics/sodium/allen_cahn.hpp), against hand values:
//  - the filter's covariance from its transfer function equals the one of its
//    real-space kernel (the 7-point stencil convolved with itself m times);
//  - one pass: Σ K² = (1/2)² + 6/12², lag one 2·(1/2)(1/12), lag two 1/12²;
//  - the correlation length ℓ = h √(m/6) gives m = 6 for ℓ = h, 24 for ℓ = 2h;
//  - z is clipped at ±1/8 and ξ + h(ξ)(z − λ) stays in [0, 1] for |z − λ| ≤ 1/4;
//  - |g'(ξ)| ≤ h(ξ)/2 (so |λ| ≤ k/2) and the explicit sub-step keeps ξ in [0, 1].
#include "physics/sodium/allen_cahn.hpp"
#include "physics/sodium/langevin_noise.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

namespace {

using navox::physics::AllenCahn;
using navox::physics::BandLimitedNoise;

/// The m-pass kernel in real space on a (2m+1)^3 box, by repeated convolution.
std::vector<double> kernel(int m, int& width) {
  width = 2 * m + 1;
  const int w = width;
  auto at = [w](int i, int j, int k) { return (k * w + j) * w + i; };
  std::vector<double> k0(static_cast<std::size_t>(w * w * w), 0.0);
  k0[at(m, m, m)] = 1.0;
  for (int p = 0; p < m; ++p) {
    std::vector<double> k1(k0.size(), 0.0);
    for (int k = 0; k < w; ++k)
      for (int j = 0; j < w; ++j)
        for (int i = 0; i < w; ++i) {
          double s = BandLimitedNoise::centre_weight() * k0[at(i, j, k)];
          const int n[6][3] = {{i - 1, j, k}, {i + 1, j, k}, {i, j - 1, k}, {i, j + 1, k}, {i, j, k - 1}, {i, j, k + 1}};
          for (const auto& q : n)
            if (q[0] >= 0 && q[0] < w && q[1] >= 0 && q[1] < w && q[2] >= 0 && q[2] < w)
              s += BandLimitedNoise::kNeighbourWeight * k0[at(q[0], q[1], q[2])];
          k1[at(i, j, k)] = s;
        }
    k0 = k1;
  }
  return k0;
}

double real_space_covariance(int m, int dx, int dy, int dz) {
  int w = 0;
  const std::vector<double> K = kernel(m, w);
  auto at = [w](int i, int j, int k) { return (k * w + j) * w + i; };
  double s = 0;
  for (int k = 0; k < w; ++k)
    for (int j = 0; j < w; ++j)
      for (int i = 0; i < w; ++i) {
        const int a = i + dx, b = j + dy, c = k + dz;
        if (a >= 0 && a < w && b >= 0 && b < w && c >= 0 && c < w) s += K[at(i, j, k)] * K[at(a, b, c)];
      }
  return s;
}

TEST(BandLimitedNoise, OnePassByHand) {
  EXPECT_NEAR(BandLimitedNoise::covariance(1, 0, 0, 0), 0.25 + 6.0 / 144, 1e-14);
  EXPECT_NEAR(BandLimitedNoise::covariance(1, 1, 0, 0), 2 * 0.5 / 12, 1e-14);
  EXPECT_NEAR(BandLimitedNoise::covariance(1, 0, 2, 0), 1.0 / 144, 1e-14);
  EXPECT_NEAR(BandLimitedNoise::covariance(1, 1, 1, 0), 2.0 / 144, 1e-14);
  EXPECT_NEAR(BandLimitedNoise::covariance(1, 3, 0, 0), 0.0, 1e-14);
  EXPECT_EQ(BandLimitedNoise::covariance(0, 0, 0, 0), 1.0);
  EXPECT_EQ(BandLimitedNoise::covariance(0, 1, 0, 0), 0.0);
}

TEST(BandLimitedNoise, TransferFunctionMatchesTheRealSpaceKernel) {
  for (int m : {2, 6})
    for (auto lag : std::vector<std::array<int, 3>>{{0, 0, 0}, {1, 0, 0}, {0, 2, 0}, {1, 1, 1}, {0, 0, 4}})
      EXPECT_NEAR(BandLimitedNoise::covariance(m, lag[0], lag[1], lag[2]),
                  real_space_covariance(m, lag[0], lag[1], lag[2]), 1e-13)
          << "m = " << m << " lag " << lag[0] << lag[1] << lag[2];
  // Band-limited: neighbours are strongly correlated once ℓ = h, the grid scale is gone.
  EXPECT_GT(BandLimitedNoise::covariance(6, 1, 0, 0) / BandLimitedNoise::covariance(6, 0, 0, 0), 0.7);
}

TEST(BandLimitedNoise, PassesFromTheCorrelationLength) {
  EXPECT_EQ(BandLimitedNoise::passes_for(0.0, 1e-6), 0);
  EXPECT_EQ(BandLimitedNoise::passes_for(1e-6, 1e-6), 6);
  EXPECT_EQ(BandLimitedNoise::passes_for(2e-6, 1e-6), 24);
  EXPECT_EQ(BandLimitedNoise::passes_for(0.5e-6, 0.25e-6), 24);
}

TEST(BandLimitedNoise, AmplitudeScalesWithRootDtAndIsClipped) {
  BandLimitedNoise n;
  n.strength = 0.01;
  EXPECT_NEAR(n.amplitude(1.0, 1.0), 0.1, 1e-15);  // √(0.01·1)
  EXPECT_NEAR(n.amplitude(0.5, 4.0), 0.1, 1e-15);  // √(0.01·4)·½
  EXPECT_EQ(n.amplitude(1.0, 4.0), BandLimitedNoise::kClip); // 0.2 > 1/8
  EXPECT_EQ(n.amplitude(100.0, 1.0), BandLimitedNoise::kClip);
  EXPECT_EQ(n.amplitude(-100.0, 1.0), -BandLimitedNoise::kClip);
}

TEST(BandLimitedNoise, IncrementKeepsXiInTheUnitInterval) {
  for (double dz : {-0.25, -0.1, 0.0, 0.1, 0.25})
    for (int s = 0; s <= 1000; ++s) {
      const double xi = s / 1000.0;
      const double out = xi + BandLimitedNoise::interface_weight(xi) * dz;
      EXPECT_GE(out, 0.0);
      EXPECT_LE(out, 1.0);
    }
  EXPECT_EQ(BandLimitedNoise::interface_weight(0.0), 0.0);
  EXPECT_EQ(BandLimitedNoise::interface_weight(1.0), 0.0);
  EXPECT_EQ(BandLimitedNoise::interface_weight(0.5), 1.0);
}

TEST(ConservedAllenCahn, MultiplierBoundAndStableStep) {
  AllenCahn ac;
  ac.rate = 2.0;
  ac.width = 1.5e-6;
  for (int s = 0; s <= 1000; ++s) {
    const double xi = s / 1000.0;
    EXPECT_LE(std::abs(AllenCahn::dg(xi)), 0.5 * AllenCahn::multiplier_weight(xi) + 1e-15);
  }
  const double c = ac.face_coefficient(1e-6); // k δ²/(2h²) = 2·2.25/2
  EXPECT_NEAR(c, 2.25, 1e-12);
  const double tau = ac.stable_step(6 * c);
  EXPECT_NEAR(tau, 1.0 / (13.5 + 8.0), 1e-15);
  // Worst cases of the sub-step: every neighbour empty or full, λ = ±k/2.
  for (double lambda : {-1.0, 0.0, 1.0})
    for (double neighbours : {0.0, 1.0})
      for (int s = 0; s <= 1000; ++s) {
        const double xi = s / 1000.0;
        const double rate = ac.bulk(xi) + 6 * c * (neighbours - xi) - lambda * AllenCahn::multiplier_weight(xi);
        EXPECT_GE(xi + tau * rate, -1e-15);
        EXPECT_LE(xi + tau * rate, 1.0 + 1e-15);
      }
}

} // namespace
