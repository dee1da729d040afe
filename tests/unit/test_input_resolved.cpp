// The resolved input (`navox check`): SI values and defaults in the order asked, read
// back to the same values; absent sections with their defaults or as comments.
#include "io/input/input.hpp"
#include "support/input_deck.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

using namespace navox::input;
using navox::units::Dim;
using namespace navox::test::deck;

TEST(InputResolved, PrintsSiValuesAndDefaultsInAskedOrder) {
  auto doc = Document::parse(good, "deck.yaml");
  read_deck(*doc);
  EXPECT_EQ(doc->resolved_yaml(), R"(grid:
  spacing: [1.3e-06 m, 1.3e-06 m, 2e-06 m]
  cells: [64, 64, 64]
physics:
  current_density: 10 A/m^2
  temperature: 298.15 K
  porosity: 0
restart: false
output:
  every: 10
  format: vtk
  fields: [potential, concentration]
)");
}

TEST(InputResolved, ReadsBackToTheSameValues) {
  auto doc = Document::parse(good, "deck.yaml");
  doc->set("physics.porosity=0.35");
  doc->set("restart=yes");
  Deck first = read_deck(*doc);
  auto again = Document::parse(doc->resolved_yaml(), "resolved.yaml");
  Deck second = read_deck(*again);
  for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(first.spacing[i], second.spacing[i]);
  EXPECT_EQ(first.cells, second.cells);
  EXPECT_DOUBLE_EQ(first.current_density, second.current_density);
  EXPECT_DOUBLE_EQ(first.temperature, second.temperature);
  EXPECT_DOUBLE_EQ(first.porosity, second.porosity);
  EXPECT_EQ(first.restart, second.restart);
  EXPECT_EQ(first.every, second.every);
  EXPECT_EQ(first.format, second.format);
  EXPECT_EQ(first.fields, second.fields);
  EXPECT_EQ(again->resolved_yaml(), doc->resolved_yaml());
}

TEST(InputResolved, SectionsListsAndEmptyMaps) {
  auto doc = Document::parse("t:\n  - {v: 1}\n  - {v: 2, w: 3 um}\nempty:\n", "deck.yaml");
  Section root = doc->root();
  for (const auto& item : root.sections("t")) {
    item.integer("v", 0, 9);
    item.quantity("w", Dim::length, 0.0);
  }
  root.optional_section("empty");
  EXPECT_EQ(doc->resolved_yaml(), R"(t:
  - v: 1
    w: 0 m
  - v: 2
    w: 3e-06 m
empty: {}
)");
  EXPECT_NO_THROW(Document::parse(doc->resolved_yaml(), "again.yaml"));
}

// User-found problem guarded: the resolved input (`navox check`) left out the
// defaults of sections the deck does not have. A section that only holds values
// prints its defaults as if written; one whose presence switches a feature on
// prints them as comments, so that the printed input, read back, is the same.
TEST(InputResolved, AbsentSectionsPrintTheirDefaults) {
  auto read = [](Document& doc) {
    Section root = doc.root();
    Section values = root.section_or_defaults("conditions");
    values.quantity("temperature", Dim::temperature, 298.15);
    const bool on = root.has("feature");
    Section feature = root.section_or_comment("feature");
    feature.number("rate", 0.1);
    feature.section_or_comment("noise").integer("seed", 1, 0, 9);
    root.section_or_defaults("report").file_path("output", "report.json");
    doc.finish();
    return on;
  };
  auto doc = Document::parse("other: {}\n", "deck.yaml");
  doc->root().optional_section("other");
  EXPECT_FALSE(read(*doc));
  const std::string text = doc->resolved_yaml();
  const std::string report = std::filesystem::absolute("report.json").lexically_normal().string();
  EXPECT_EQ(text, "other: {}\nconditions:\n  temperature: 298.15 K\nreport:\n  output: " + report +
                      "\n# Optional sections not in the input (each is off while absent), with the defaults they "
                      "would take:\n#   feature:\n#     rate: 0.1\n#     noise:\n#       seed: 1\n");
  auto again = Document::parse(text, "again.yaml");
  again->root().optional_section("other");
  EXPECT_FALSE(read(*again));
  EXPECT_EQ(again->resolved_yaml(), text);
  // Present, the feature section is printed as given, and its absent part as a comment.
  auto on = Document::parse("feature: {rate: 2}\n", "deck.yaml");
  EXPECT_TRUE(read(*on));
  EXPECT_NE(on->resolved_yaml().find("feature:\n  rate: 2\n"), std::string::npos) << on->resolved_yaml();
  EXPECT_NE(on->resolved_yaml().find("#   feature:\n#     noise:\n#       seed: 1\n"), std::string::npos)
      << on->resolved_yaml();
}
