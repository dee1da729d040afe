// `navox analyze` on greyscale volumes (solver/analysis/analyze.hpp):
//  - Otsu's threshold of a noisy two-phase uint16 volume is the maximum of the
//    between-class variance over every threshold (from the whole volume, serially),
//    and the threshold, the fractions, the clusters and the threshold ensemble are
//    the same on 1, 2 and 4 ranks, split along x, y and z and on rank 0 alone;
//  - a stack of ten layers of grey 0, 10, ..., 90: Otsu cuts it at 45 and the
//    ensemble at 25..65 has exactly 3..7 pore layers (volume and connected fraction
//    0.3..0.7, tau along x exactly 1, no path along z); the same from two ranges;
//  - a SOLID material is analysed like any other and is no SE|CC contact.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/log.hpp"
#include "solver/analysis/analyze.hpp"
#include "solver/time/module.hpp"
#include "support/partitions.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>

namespace {

using Grey = std::function<double(int, int, int)>;

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

/// A raw volume (x fastest) written by rank 0; every rank returns once it is complete.
template <class T>
void write_raw(const std::string& path, std::array<int, 3> n, const Grey& grey) {
  if (world_rank() == 0) {
    std::ofstream f(path, std::ios::binary);
    for (int k = 0; k < n[2]; ++k)
      for (int j = 0; j < n[1]; ++j)
        for (int i = 0; i < n[0]; ++i) {
          const T v = static_cast<T>(grey(i, j, k));
          f.write(reinterpret_cast<const char*>(&v), sizeof v);
        }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

/// The analysis of the deck `text` (as if at `file`) on `comm`, with settings on top.
navox::AnalysisReport analyze(MPI_Comm comm, const std::string& text, const std::string& file,
                              const std::vector<std::string>& settings) {
  auto doc = navox::input::Document::parse(text, file);
  for (const auto& s : settings) doc->set(s);
  navox::io::Config config = navox::read_deck(doc->root(), navox::io::Purpose::analyze);
  doc->finish();
  navox::io::Log log(comm, true);
  return navox::analyze_cell(comm, config, log);
}

std::string deck(const std::string& volume, const std::string& dtype, std::array<int, 3> n,
                 const std::string& segmentation, const std::string& analysis) {
  std::ostringstream d;
  d << "materials:\n  pore: {phase: PORE}\n  NMC: {phase: SOLID}\n  LPS: {phase: SE, conductivity: 1 mS/cm}\n"
    << "microstructure:\n  volume:\n    format: raw\n    path: " << volume << "\n    dims: [" << n[0] << ", " << n[1]
    << ", " << n[2] << "]\n    dtype: " << dtype << "\n    segmentation:\n      " << segmentation
    << "\ngrid: {spacing: 1 um}\nanalysis:\n" << analysis;
  return d.str();
}

/// Tortuosity per member and direction (NaN where it does not percolate).
std::vector<double> taus(const navox::ThresholdEnsembleReport& e) {
  std::vector<double> t;
  for (const auto& m : e.members)
    for (const auto& d : m.phase.directions) t.push_back(d.percolates ? d.result.tortuosity : NAN);
  return t;
}

void expect_same(const navox::AnalysisReport& a, const navox::AnalysisReport& b, const std::string& what) {
  ASSERT_TRUE(a.segmentation && b.segmentation && a.segmentation->otsu && b.segmentation->otsu) << what;
  EXPECT_EQ(a.segmentation->otsu->threshold, b.segmentation->otsu->threshold) << what;
  EXPECT_EQ(a.segmentation->otsu->histogram.counts, b.segmentation->otsu->histogram.counts) << what;
  EXPECT_EQ(a.material_fraction, b.material_fraction) << what;
  EXPECT_EQ(a.phase.clusters.phase_fraction, b.phase.clusters.phase_fraction) << what;
  EXPECT_EQ(a.phase.clusters.connected_fraction, b.phase.clusters.connected_fraction) << what;
  EXPECT_EQ(a.phase.clusters.clusters, b.phase.clusters.clusters) << what;
  for (int axis = 0; axis < 3; ++axis)
    EXPECT_EQ(a.faces.faces[std::size_t(axis)], b.faces.faces[std::size_t(axis)]) << what;
  ASSERT_TRUE(a.ensemble && b.ensemble) << what;
  ASSERT_EQ(a.ensemble->members.size(), b.ensemble->members.size()) << what;
  for (std::size_t m = 0; m < a.ensemble->members.size(); ++m) {
    const auto &x = a.ensemble->members[m], &y = b.ensemble->members[m];
    EXPECT_EQ(x.threshold, y.threshold) << what;
    EXPECT_EQ(x.phase.clusters.phase_fraction, y.phase.clusters.phase_fraction) << what << ", member " << m;
    EXPECT_EQ(x.phase.clusters.connected_fraction, y.phase.clusters.connected_fraction) << what << ", member " << m;
  }
  const auto ta = taus(*a.ensemble), tb = taus(*b.ensemble);
  ASSERT_EQ(ta.size(), tb.size()) << what;
  for (std::size_t n = 0; n < ta.size(); ++n) {
    EXPECT_EQ(std::isnan(ta[n]), std::isnan(tb[n])) << what << ", tau " << n;
    if (!std::isnan(ta[n])) {
      EXPECT_NEAR(ta[n], tb[n], 1e-8 * ta[n]) << what << ", tau " << n;
    }
  }
}

/// A connected pore network (the sign of a sum of sines) in grey 12000 +- 10000, the
/// solid in 30000 +- 10000: the two modes overlap, so Otsu has a real choice to make.
double noisy_grey(int i, int j, int k) {
  const bool pore = std::sin(0.7 * i) + std::sin(0.5 * j + 1.0) + std::sin(0.6 * k + 2.0) > 0.3;
  const std::uint32_t h =
      (std::uint32_t(i) * 73856093u) ^ (std::uint32_t(j) * 19349663u) ^ (std::uint32_t(k) * 83492791u);
  const double noise = double((h * 2654435761u) >> 16 & 0xffff) / 65535.0 * 20000.0 - 10000.0;
  return (pore ? 12000.0 : 30000.0) + noise;
}

TEST(ThresholdAnalysis, OtsuAndEnsembleSameOnAnyPartition) {
  const std::array<int, 3> n{20, 18, 16};
  const std::string dir = navox::test::scratch_dir("threshold_noisy");
  write_raw<std::uint16_t>(dir + "/grey.raw", n, noisy_grey);
  const std::string text = deck("grey.raw", "uint16", n, "otsu: {below: pore, above: NMC}",
                                "  phase: PORE\n  directions: [x, z]\n  threshold_ensemble: {levels: 2, step: 1500}\n");
  auto run = [&](MPI_Comm comm, const std::string&, const std::string& split) {
    return analyze(comm, text, dir + "/deck.yaml", {"grid.processors=" + split});
  };
  const navox::AnalysisReport here = analyze(MPI_COMM_WORLD, text, dir + "/deck.yaml", {});

  // Otsu's threshold against the between-class variance of every threshold, computed
  // here from the whole volume in one piece.
  std::vector<double> all;
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) all.push_back(double(std::uint16_t(noisy_grey(i, j, k))));
  std::sort(all.begin(), all.end());
  double sum = 0;
  for (double g : all) sum += g;
  // w0 w1 (mu0 - mu1)^2 of the split grey < t, from the sorted values.
  auto variance = [&](double t) {
    const auto below = std::lower_bound(all.begin(), all.end(), t);
    const double n0 = double(below - all.begin()), n1 = double(all.size()) - n0;
    if (n0 == 0 || n1 == 0) return 0.0;
    double s0 = 0;
    for (auto g = all.begin(); g != below; ++g) s0 += *g;
    const double d = s0 / n0 - (sum - s0) / n1, w0 = n0 / double(all.size());
    return w0 * (1 - w0) * d * d;
  };
  ASSERT_TRUE(here.segmentation && here.segmentation->otsu);
  const double t = here.segmentation->otsu->threshold;
  EXPECT_EQ(here.segmentation->method, "otsu");
  EXPECT_EQ(*here.segmentation->threshold, t);
  EXPECT_TRUE(here.segmentation->otsu->histogram.integers);
  EXPECT_EQ(here.segmentation->otsu->histogram.voxels(), std::int64_t(all.size()));
  double best = 0; // the variance changes only at the grey values present
  for (std::size_t v = 1; v < all.size(); ++v)
    if (all[v] != all[v - 1]) best = std::max(best, variance(all[v]));
  EXPECT_GE(variance(t), best * (1 - 1e-12)) << "threshold " << t;
  EXPECT_GT(t, 15000);
  EXPECT_LT(t, 27000);
  // The ensemble: five thresholds 1500 apart; the pore grows with the threshold.
  ASSERT_TRUE(here.ensemble);
  ASSERT_EQ(here.ensemble->members.size(), 5u);
  for (std::size_t m = 0; m < 5; ++m) {
    EXPECT_EQ(here.ensemble->members[m].threshold, t + (double(m) - 2) * 1500);
    if (m > 0) {
      EXPECT_GT(here.ensemble->members[m].phase.clusters.phase_fraction,
                here.ensemble->members[m - 1].phase.clusters.phase_fraction);
    }
  }
  EXPECT_EQ(here.ensemble->members[2].phase.clusters.phase_fraction, here.phase.clusters.phase_fraction);
  navox::test::compare_partitions<navox::AnalysisReport>("threshold_noisy_runs", here, run, expect_same);
}

TEST(ThresholdAnalysis, LayersGiveTheExactEnsemble) {
  const std::array<int, 3> n{8, 6, 10};
  const std::string dir = navox::test::scratch_dir("threshold_layers");
  write_raw<std::uint8_t>(dir + "/layers.raw", n, [](int, int, int k) { return 10.0 * k; });
  const std::string analysis = "  phase: PORE\n  directions: [x, z]\n  threshold_ensemble: {levels: 2, step: 10}\n"
                               "  output: " + dir + "/analysis.json\n";
  const std::string otsu = deck("layers.raw", "uint8", n, "otsu: {below: pore, above: NMC}", analysis);
  const std::string ranges = deck("layers.raw", "uint8", n,
                                  "ranges: [{from: 0, to: 45, material: pore}, {from: 45, to: 256, material: NMC}]",
                                  analysis);
  for (const std::string& text : {otsu, ranges}) {
    navox::io::Config config;
    auto doc = navox::input::Document::parse(text, dir + "/deck.yaml");
    config = navox::read_deck(doc->root(), navox::io::Purpose::analyze);
    doc->finish();
    const navox::AnalysisReport r = navox::analyze_cell(MPI_COMM_WORLD, config, navox::io::Log(MPI_COMM_WORLD, true));
    ASSERT_TRUE(r.segmentation && r.segmentation->threshold);
    // Ten equal layers 10 apart: the between-class variance is w0 w1 50^2 for every
    // split (the class means are always 50 apart), largest at five and five; any t in
    // 41..50 makes that split, and Otsu takes the middle of the run, 45.
    EXPECT_EQ(*r.segmentation->threshold, 45.0);
    ASSERT_TRUE(r.ensemble);
    const auto& e = *r.ensemble;
    ASSERT_EQ(e.members.size(), 5u);
    for (std::size_t m = 0; m < 5; ++m) {
      const double layers = 3.0 + double(m); // grey 10 k < 25 + 10 m
      EXPECT_EQ(e.members[m].threshold, 25.0 + 10.0 * double(m));
      EXPECT_DOUBLE_EQ(e.members[m].phase.clusters.phase_fraction, layers / 10);
      EXPECT_DOUBLE_EQ(e.members[m].phase.clusters.connected_fraction, layers / 10);
      ASSERT_EQ(e.members[m].phase.directions.size(), 2u);
      EXPECT_TRUE(e.members[m].phase.directions[0].percolates);
      EXPECT_NEAR(e.members[m].phase.directions[0].result.tortuosity, 1.0, 1e-9);
      EXPECT_FALSE(e.members[m].phase.directions[1].percolates);
    }
    std::vector<double> fraction;
    for (const auto& m : e.members) fraction.push_back(m.phase.clusters.phase_fraction);
    const navox::Spread s = navox::spread_of(fraction, 2);
    EXPECT_DOUBLE_EQ(s.at, 0.5);
    EXPECT_DOUBLE_EQ(s.min, 0.3);
    EXPECT_DOUBLE_EQ(s.max, 0.7);
    EXPECT_NEAR(s.std, std::sqrt(0.02), 1e-15); // (0.04 + 0.01 + 0 + 0.01 + 0.04) / 5
    EXPECT_EQ(navox::spread_of({NAN, NAN}, 0).members, 0);

    if (world_rank() == 0) navox::write_analysis_reports(config, r, 1);
  }
  // The CSV of the last (ranges) run: one row per threshold and direction, tau empty
  // where the pore does not percolate.
  if (world_rank() == 0) {
    const std::string csv = navox::test::read_text(dir + "/analysis_ensemble.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "threshold,direction,volume_fraction,connected_fraction,tau");
    EXPECT_NE(csv.find("\n25,x,0.3,0.3,1"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\n25,z,0.3,0.3,\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\n65,z,0.7,0.7,\n"), std::string::npos) << csv;
    const std::string json = navox::test::read_text(dir + "/analysis.json");
    EXPECT_NE(json.find("\"segmentation\": {\"method\": \"ranges\", \"threshold\": 45}"), std::string::npos) << json;
    EXPECT_NE(json.find("\"volume_fraction\": {\"at_threshold\": 0.5, \"min\": 0.3, \"max\": 0.7"), std::string::npos)
        << json;
    EXPECT_NE(json.find("{\"axis\": \"z\", \"at_threshold\": null, \"min\": null, \"max\": null, \"std\": null, "
                        "\"members\": 0}"),
              std::string::npos)
        << json;
  }
}

TEST(ThresholdAnalysis, SolidIsAnalysedLikeAnyMaterialAndIsNoContact) {
  // The layers at the Otsu threshold (5 pore layers, 5 NMC) under a 2 um LPS slab: the
  // NMC spans x, touches the LPS over the whole x-y area, and there is no SE|CC contact.
  const std::array<int, 3> n{8, 6, 10};
  const std::string dir = navox::test::scratch_dir("threshold_solid");
  write_raw<std::uint8_t>(dir + "/layers.raw", n, [](int, int, int k) { return 10.0 * k; });
  const std::string text = deck("layers.raw", "uint8", n, "otsu: {below: pore, above: NMC}",
                                "  phase: SOLID\n  directions: [x, z]\n");
  const navox::AnalysisReport r = analyze(MPI_COMM_WORLD, text, dir + "/deck.yaml",
                                          {"microstructure.above=[{material: LPS, thickness: 2 um}]"});
  ASSERT_EQ(r.material_fraction.size(), 3u);
  EXPECT_DOUBLE_EQ(r.material_fraction[0], 5.0 / 12);
  EXPECT_DOUBLE_EQ(r.material_fraction[1], 5.0 / 12);
  EXPECT_DOUBLE_EQ(r.material_fraction[2], 2.0 / 12);
  EXPECT_DOUBLE_EQ(r.phase.clusters.phase_fraction, 5.0 / 12);
  EXPECT_EQ(r.phase.clusters.clusters, 1);
  EXPECT_EQ(r.faces.count(2, 1, 2), 8 * 6); // NMC|LPS faces normal to z
  EXPECT_EQ(r.faces.count(2, 0, 1), 8 * 6); // pore|NMC
  EXPECT_EQ(r.contact.contact_fraction, 0.0);
  EXPECT_EQ(r.contact.area_ratio, 0.0);
  ASSERT_EQ(r.phase.directions.size(), 2u);
  EXPECT_NEAR(r.phase.directions[0].result.tortuosity, 1.0, 1e-9);
  EXPECT_FALSE(r.phase.directions[1].percolates);
}

} // namespace
