// The deck keys of greyscale analysis (io/input/config.cpp, microstructure_input.cpp):
// the neutral phase SOLID (analysis only: a run, and `check` of a run's deck, refuse
// it at the material's phase key), `segmentation.otsu` (alone, two known materials)
// and `analysis.threshold_ensemble` (a threshold segmentation only).
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "solver/time/module.hpp"

#include <gtest/gtest.h>

namespace {

using navox::input::Document;
using navox::input::InputError;
using navox::io::Purpose;

navox::io::Config read(const std::string& text, Purpose purpose) {
  auto doc = Document::parse(text, "deck.yaml");
  navox::io::Config c = navox::read_deck(doc->root(), purpose);
  doc->finish();
  return c;
}

std::string error_of(const std::string& text, Purpose purpose) {
  try {
    read(text, purpose);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << text;
  return "";
}

/// A 4x4x4 raw volume of pore and NMC; `segmentation` and `extra` (sections after grid) as given.
std::string deck(const std::string& segmentation, const std::string& extra = "") {
  return "materials:\n"
         "  pore: {phase: PORE}\n"
         "  NMC:\n"
         "    phase: SOLID\n"
         "microstructure:\n"
         "  volume:\n"
         "    format: raw\n"
         "    path: grey.raw\n"
         "    dims: [4, 4, 4]\n"
         "    dtype: uint8\n"
         "    segmentation:\n" +
         segmentation + "grid: {spacing: 1 um}\n" + extra;
}

const std::string kOtsu = "      otsu: {below: pore, above: NMC}\n";
const std::string kRunSections = "time: {end: 1 s, dt: 1 s}\noutput: {directory: out}\n";

TEST(SolidPhase, AnalyzeAcceptsItAndSelectsItByPhase) {
  const auto c = read(deck(kOtsu, "analysis: {phase: SOLID}\n"), Purpose::analyze);
  ASSERT_EQ(c.materials.size(), 2u);
  EXPECT_EQ(c.materials[1].phase, navox::Phase::SOLID);
  EXPECT_STREQ(navox::phase_name(navox::Phase::SOLID), "SOLID");
  EXPECT_FALSE(navox::holds_sodium(navox::Phase::SOLID));
  EXPECT_FALSE(navox::is_run_phase(navox::Phase::SOLID));
  EXPECT_EQ(c.analysis.materials, std::vector<int>{1});
  EXPECT_EQ(c.analysis.phase, "SOLID");
  // A run's deck is still fine for analyze (its time and output are optional there).
  EXPECT_NO_THROW(read(deck(kOtsu, kRunSections), Purpose::analyze));
}

TEST(SolidPhase, RunRefusesItAtThePhaseKey) {
  const std::string expected = "deck.yaml:4:12: materials.NMC.phase: SOLID is a phase for navox analyze only; a run "
                               "models SE, CC, PORE and NA";
  EXPECT_EQ(error_of(deck(kOtsu, kRunSections), Purpose::run), expected);
  // check of a run's deck (time and output) refuses it alike; of an analysis deck it does not.
  EXPECT_EQ(error_of(deck(kOtsu, kRunSections), Purpose::check), expected);
  EXPECT_NO_THROW(read(deck(kOtsu), Purpose::check));
  EXPECT_NO_THROW(read(deck(kOtsu, "time: {end: 1 s, dt: 1 s}\n"), Purpose::check));
}

TEST(OtsuInput, ReadsTwoMaterials) {
  const auto c = read(deck(kOtsu), Purpose::analyze);
  const auto& seg = c.microstructure.volume->segmentation;
  ASSERT_TRUE(seg.otsu);
  EXPECT_EQ(seg.otsu->below, 0);
  EXPECT_EQ(seg.otsu->above, 1);
  EXPECT_TRUE(seg.ranges.empty());
  EXPECT_FALSE(seg.threshold()); // found when the volume is read
}

TEST(OtsuInput, RefusedWithRangesOrLabelMapOrUnknownMaterials) {
  EXPECT_EQ(error_of(deck(kOtsu + "      ranges: [{from: 0, to: 100, material: pore}, {from: 100, to: 256, material: "
                                  "NMC}]\n"),
                     Purpose::analyze),
            "deck.yaml:12:13: microstructure.volume.segmentation.otsu: finds the one threshold between two materials: "
            "give it alone, without label_map or ranges");
  EXPECT_NE(error_of(deck("      label_map: {0: pore}\n" + kOtsu), Purpose::analyze).find("give it alone"),
            std::string::npos);
  const std::string unknown = error_of(deck("      otsu: {below: pores, above: NMC}\n"), Purpose::analyze);
  EXPECT_NE(unknown.find("deck.yaml:12:21:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("segmentation.otsu.below"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("pore"), std::string::npos) << unknown; // did you mean
  EXPECT_NE(error_of(deck("      otsu: {below: NMC, above: NMC}\n"), Purpose::analyze).find("another material"),
            std::string::npos);
}

TEST(ThresholdEnsembleInput, NeedsAThresholdSegmentation) {
  const std::string ensemble = "analysis:\n  threshold_ensemble: {levels: 2, step: 5}\n";
  const auto c = read(deck(kOtsu, ensemble), Purpose::analyze);
  ASSERT_TRUE(c.analysis.threshold_ensemble);
  EXPECT_EQ(c.analysis.threshold_ensemble->levels, 2);
  EXPECT_EQ(c.analysis.threshold_ensemble->step, 5.0);
  const std::string two = "      ranges: [{from: 0, to: 100, material: pore}, {from: 100, to: 256, material: NMC}]\n";
  EXPECT_NO_THROW(read(deck(two, ensemble), Purpose::analyze));
  const std::string apart = "      ranges: [{from: 0, to: 90, material: pore}, {from: 100, to: 256, material: NMC}]\n";
  EXPECT_EQ(error_of(deck(apart, ensemble), Purpose::analyze),
            "deck.yaml:15:23: analysis.threshold_ensemble: needs a threshold segmentation of microstructure.volume: "
            "otsu, or two ranges sharing one boundary (and no label_map)");
  EXPECT_NE(error_of(deck("      label_map: {0: pore, 1: NMC}\n", ensemble), Purpose::analyze)
                .find("needs a threshold segmentation"),
            std::string::npos);
  EXPECT_NE(error_of(deck(kOtsu, "analysis:\n  threshold_ensemble: {levels: 2, step: 0}\n"), Purpose::analyze)
                .find("threshold_ensemble.step: must be positive"),
            std::string::npos);
  EXPECT_NE(error_of(deck(kOtsu, "analysis:\n  threshold_ensemble: {levels: 2, stepp: 1}\n"), Purpose::analyze)
                .find("step"),
            std::string::npos);
}

} // namespace
