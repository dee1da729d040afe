// Generated SE|CC interface layers: the contact fraction of the voxel layer is the
// target to within one column, the SE surface has the requested RMS roughness,
// the layer is a pure function of (seed, voxel index), and inconsistent
// parameters (surfaces touching more than the target) are refused.
#include "io/sources/interface_generator.hpp"
#include "mesh/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace {

using navox::Box;
using Dims = std::array<std::int64_t, 3>;

constexpr int kSe = 0, kCc = 1, kPore = 2;

navox::io::InterfaceSpec from_preset(const std::string& name, Dims dims) {
  const auto p = navox::io::interface_preset(name);
  navox::io::InterfaceSpec s;
  s.dims = dims;
  s.spacing = {0.25e-6, 0.25e-6, 0.25e-6};
  s.gap = p->gap;
  s.contact_fraction = p->contact_fraction;
  s.roughness = p->roughness;
  s.correlation_length = p->correlation_length;
  s.asperity_size = p->asperity_size;
  s.seed = 11;
  s.se_material = kSe;
  s.cc_material = kCc;
  s.pore_material = kPore;
  s.dims[2] = navox::io::default_interface_thickness(s);
  return s;
}

Box whole(const Dims& d) { return Box{{0, 0, 0}, d}; }

/// Columns whose SE touches the CC across a face normal to z, over all columns.
double contact_fraction(const std::vector<int>& l, const Dims& d) {
  const Box w = whole(d);
  std::int64_t n = 0;
  for (std::int64_t k = 0; k + 1 < d[2]; ++k)
    for (std::int64_t j = 0; j < d[1]; ++j)
      for (std::int64_t i = 0; i < d[0]; ++i)
        n += l[w.offset(i, j, k)] == kSe && l[w.offset(i, j, k + 1)] == kCc;
  return double(n) / double(d[0] * d[1]);
}

/// RMS height of the SE surface (SE voxels per column times h, about its mean).
double se_rms(const std::vector<int>& l, const Dims& d, double h) {
  const Box w = whole(d);
  std::vector<double> top;
  for (std::int64_t j = 0; j < d[1]; ++j)
    for (std::int64_t i = 0; i < d[0]; ++i) {
      std::int64_t n = 0;
      for (std::int64_t k = 0; k < d[2]; ++k) n += l[w.offset(i, j, k)] == kSe;
      top.push_back(double(n) * h);
    }
  double mean = 0, ms = 0;
  for (double t : top) mean += t;
  mean /= double(top.size());
  for (double t : top) ms += (t - mean) * (t - mean);
  return std::sqrt(ms / double(top.size()));
}

TEST(InterfaceGenerator, FoilContactFractionIsTheTargetWithinOneColumn) {
  for (double target : {0.02, 0.05, 0.2, 0.5}) {
    auto s = from_preset("Al_foil", {96, 80, 0});
    s.contact_fraction = target;
    const auto labels = navox::io::interface_layer(s)->labels(whole(s.dims));
    const double got = contact_fraction(labels, s.dims);
    std::printf("Al_foil contact fraction: target %.4f, achieved %.6f\n", target, got);
    EXPECT_LE(std::abs(got - target), 0.5 / double(96 * 80)) << "target " << target;
  }
}

TEST(InterfaceGenerator, FoilGapIsPoreAndFlat) {
  auto s = from_preset("Al_foil", {40, 36, 0});
  const auto labels = navox::io::interface_layer(s)->labels(whole(s.dims));
  // 1 um gap over 0.25 um voxels: 4 PORE voxels in every column without contact.
  const double pore = double(std::count(labels.begin(), labels.end(), kPore));
  EXPECT_NEAR(pore / (40.0 * 36.0), 4 * (1 - s.contact_fraction), 4.0 / (40 * 36));
  EXPECT_LT(se_rms(labels, s.dims, 0.25e-6), 1e-15); // flat: every column has the same SE height
}

TEST(InterfaceGenerator, PressedPelletHasFullContactAndTheRequestedRoughness) {
  auto s = from_preset("pressed_pellet", {128, 128, 0});
  const auto labels = navox::io::interface_layer(s)->labels(whole(s.dims));
  EXPECT_EQ(contact_fraction(labels, s.dims), 1.0);
  EXPECT_EQ(std::count(labels.begin(), labels.end(), kPore), 0);
  const double rms = se_rms(labels, s.dims, 0.25e-6);
  std::printf("pressed_pellet SE roughness: target 1 um RMS, achieved %.4f um\n", rms * 1e6);
  // Voxels add about h^2/12 to the variance (+0.3 % here); clamping at the layer
  // ends (3.5 RMS away) removes almost nothing.
  EXPECT_NEAR(rms / 1e-6, 1.0, 0.02);
}

TEST(InterfaceGenerator, RoughSurfacesWithAGapStillHitTheContactTarget) {
  auto s = from_preset("Al_foil", {64, 64, 0});
  s.roughness = 0.3e-6;
  s.gap = 2e-6;
  s.contact_fraction = 0.1;
  s.dims[2] = navox::io::default_interface_thickness(s);
  const auto labels = navox::io::interface_layer(s)->labels(whole(s.dims));
  EXPECT_LE(std::abs(contact_fraction(labels, s.dims) - 0.1), 0.5 / (64.0 * 64.0));
  EXPECT_NEAR(se_rms(labels, s.dims, 0.25e-6) / 0.3e-6, 1.0, 0.1);
}

TEST(InterfaceGenerator, BlocksMatchTheWholeLayerAndSeedsDiffer) {
  auto s = from_preset("pressed_pellet", {30, 26, 0});
  s.contact_fraction = 0.6;
  s.gap = 2e-6;
  s.dims[2] = navox::io::default_interface_thickness(s);
  const auto src = navox::io::interface_layer(s);
  const auto all = src->labels(whole(s.dims));
  const Box part{{3, 5, 2}, {20, 9, s.dims[2] - 4}};
  std::vector<int> expected;
  for (auto k = part.lo[2]; k < part.hi(2); ++k)
    for (auto j = part.lo[1]; j < part.hi(1); ++j)
      for (auto i = part.lo[0]; i < part.hi(0); ++i) expected.push_back(all[whole(s.dims).offset(i, j, k)]);
  EXPECT_EQ(src->labels(part), expected);
  EXPECT_EQ(navox::io::interface_layer(s)->labels(whole(s.dims)), all);
  s.seed += 1;
  EXPECT_NE(navox::io::interface_layer(s)->labels(whole(s.dims)), all);
}

TEST(InterfaceGenerator, SurfacesTouchingMoreThanTheTargetAreRefused) {
  auto s = from_preset("pressed_pellet", {32, 32, 0});
  s.contact_fraction = 0.1; // with no gap, rough surfaces overlap over about half the area
  try {
    navox::io::interface_layer(s);
    ADD_FAILURE() << "expected an error";
  } catch (const navox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("widen the gap"), std::string::npos) << e.what();
  }
}

} // namespace
