// The input layer: reading values and defaults through Section, located errors,
// the malformed decks under tests/data/inputs, and did-you-mean.
#include "io/input/input.hpp"
#include "support/input_deck.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace navox::input;
using navox::units::Dim;
using namespace navox::test::deck;

namespace {

using navox::test::read_text;

/// Reads tests/data/inputs/<name> through the deck schema and returns the error it raises.
InputError error_in(const std::string& name) {
  const std::string file = navox::test::source_path("tests/data/inputs/" + name);
  try {
    auto doc = Document::parse(read_text(file), file);
    read_deck(*doc);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << name << " was accepted";
  return InputError(Location{}, "", "");
}

void expect_at(const InputError& e, const std::string& name, int line, int column, const std::string& path) {
  EXPECT_EQ(e.location().file, navox::test::source_path("tests/data/inputs/" + name)) << e.what();
  EXPECT_EQ(e.location().line, line) << e.what();
  EXPECT_EQ(e.location().column, column) << e.what();
  EXPECT_EQ(e.path(), path) << e.what();
}

} // namespace

// --- reading -------------------------------------------------------------------

TEST(Input, ReadsValuesAndDefaults) {
  auto doc = Document::parse(good, "deck.yaml");
  Deck d = read_deck(*doc);
  EXPECT_DOUBLE_EQ(d.spacing[0], 1.3e-6);
  EXPECT_DOUBLE_EQ(d.spacing[2], 2e-6);
  EXPECT_EQ(d.cells, (std::array<std::int64_t, 3>{64, 64, 64}));
  EXPECT_DOUBLE_EQ(d.current_density, 10.0);
  EXPECT_DOUBLE_EQ(d.temperature, 298.15);
  EXPECT_EQ(d.porosity, 0.0);
  EXPECT_FALSE(d.restart);
  EXPECT_EQ(d.every, 10);
  EXPECT_EQ(d.format, "vtk");
  EXPECT_EQ(d.fields, (std::vector<std::string>{"potential", "concentration"}));
}

TEST(Input, EmptyDocumentIsAnEmptyMap) {
  auto doc = Document::parse("# nothing yet\n", "deck.yaml");
  EXPECT_FALSE(doc->root().has("grid"));
  EXPECT_NO_THROW(doc->finish());
}

TEST(Input, BooleansAndStrings) {
  auto doc = Document::parse("a: yes\nb: Off\nc: true\nd: maybe\nname: cell 1\n", "deck.yaml");
  Section root = doc->root();
  EXPECT_TRUE(root.boolean("a", false));
  EXPECT_FALSE(root.boolean("b", true));
  EXPECT_TRUE(root.boolean("c", false));
  EXPECT_TRUE(root.boolean("missing", true));
  EXPECT_EQ(root.string("name"), "cell 1");
  EXPECT_EQ(root.string("other", "x"), "x");
  InputError e = error_of([&] { root.boolean("d", false); });
  EXPECT_EQ(e.message(), "expected true or false, got \"maybe\"");
  EXPECT_EQ(e.location().line, 4);
  EXPECT_EQ(e.location().column, 4);
}

TEST(Input, WrongShapes) {
  auto doc = Document::parse("grid: 5\nlist: [1, 2]\nspacing: [1 um, 2 um]\nn: {a: 1}\nsingle: vtk\n", "deck.yaml");
  Section root = doc->root();
  EXPECT_EQ(error_of([&] { root.section("grid"); }).message(), "expected a map, got \"5\"");
  EXPECT_EQ(error_of([&] { root.integer("n", 1, 0, 10); }).message(), "expected an integer, got a map");
  EXPECT_EQ(error_of([&] { root.sections("grid"); }).message(), "expected a list of maps, got \"5\"");
  EXPECT_EQ(error_of([&] { root.sections("list"); }).message(), "expected a map, got \"1\"");
  EXPECT_EQ(error_of([&] { root.sections("list"); }).path(), "list[0]");
  EXPECT_EQ(error_of([&] { root.quantity("n", Dim::length); }).message(), "expected a length, got a map");
  EXPECT_EQ(error_of([&] { root.quantity3("spacing", Dim::length); }).message(),
            "expected a list of 3 (x, y, z), got 2 items");
  EXPECT_EQ(error_of([&] { root.strings("n", {}); }).message(), "expected a string or a list of strings, got a map");
  EXPECT_EQ(root.strings("single", {}), std::vector<std::string>{"vtk"});
}

TEST(Input, IntegersAreExact) {
  auto doc = Document::parse("a: 1.5\nb: 1e3\nc: 99999999999999999999\nd: +7\ne: -2\n", "deck.yaml");
  Section root = doc->root();
  EXPECT_EQ(error_of([&] { root.integer("a", 0, 10); }).message(), "expected an integer, got \"1.5\"");
  EXPECT_EQ(error_of([&] { root.integer("b", 0, 10); }).message(), "expected an integer, got \"1e3\"");
  EXPECT_EQ(error_of([&] { root.integer("c", 0, 10); }).message(),
            "must be between 0 and 10, got 99999999999999999999");
  EXPECT_EQ(root.integer("d", 0, 10), 7);
  EXPECT_EQ(root.integer("e", -5, 5), -2);
}

TEST(Input, QuantityErrorsAreLocated) {
  auto doc = Document::parse("physics:\n  voltage: 3 volts\n", "deck.yaml");
  InputError e = error_of([&] { doc->root().section("physics").quantity("voltage", Dim::voltage); });
  EXPECT_EQ(std::string(e.what()),
            "deck.yaml:2:12: physics.voltage: \"3 volts\": unknown unit \"volts\" for a voltage; use one of: V, mV");
}

TEST(Input, ListsOfSections) {
  auto doc = Document::parse(R"(microstructure:
  segmentation:
    thresholds:
      - {value: 10, material: LLZO}
      - value: 200
        material: 7
        colour: red
)",
                             "deck.yaml");
  Section seg = doc->root().section("microstructure").section("segmentation");
  auto items = seg.sections("thresholds");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].path(), "microstructure.segmentation.thresholds[1]");
  EXPECT_EQ(items[1].location().line, 5);
  EXPECT_EQ(items[0].integer("value", 0, 255), 10);
  EXPECT_EQ(items[0].string("material"), "LLZO");
  EXPECT_EQ(items[1].integer("value", 0, 255), 200);
  EXPECT_EQ(items[1].string("material"), "7");
  InputError e = error_of([&] { doc->finish(); });
  EXPECT_EQ(e.path(), "microstructure.segmentation.thresholds[1].colour");
  EXPECT_EQ(e.location().line, 7);
  EXPECT_EQ(e.message(), "unknown key \"colour\"; known keys: value, material");
}

TEST(Input, UserKeysAreAllKnown) {
  auto doc = Document::parse(R"(materials:
  LLZO: {conductivity: 0.9 mS/cm}
  Na: {conductivity: 2e7 S/m, colour: grey}
)",
                             "deck.yaml");
  Section materials = doc->root().section("materials");
  auto names = materials.user_keys();
  EXPECT_EQ(names, (std::vector<std::string>{"LLZO", "Na"}));
  for (const auto& name : names) materials.section(name).quantity("conductivity", Dim::conductivity);
  // The names are fine; what is inside each material is still checked.
  InputError e = error_of([&] { doc->finish(); });
  EXPECT_EQ(e.path(), "materials.Na.colour");
  EXPECT_EQ(e.location().line, 3);
  EXPECT_EQ(e.location().column, 31);
}

TEST(Input, UnvisitedMapsAreReportedByTheirParent) {
  auto doc = Document::parse("grid:\n  spacing: 1 um\nextra:\n  a: 1\n  b: 2\n", "deck.yaml");
  doc->root().section("grid").quantity("spacing", Dim::length);
  InputError e = error_of([&] { doc->finish(); });
  EXPECT_EQ(e.path(), "extra");
  EXPECT_EQ(e.location().line, 3);
  EXPECT_EQ(e.message(), "unknown key \"extra\"; known keys: grid");
}

TEST(Input, FirstUnknownKeyInFileOrder) {
  auto doc = Document::parse("zeta: 1\ngrid:\n  spacng: 1 um\nalpha: 2\n", "deck.yaml");
  Section root = doc->root();
  root.section("grid").quantity("spacing", Dim::length, 1e-6);
  EXPECT_EQ(error_of([&] { doc->finish(); }).path(), "zeta");
}

TEST(Input, FailPointsIntoValues) {
  auto doc = Document::parse("output:\n  fields: [potential, stress, bogus]\n", "deck.yaml");
  Section output = doc->root().section("output");
  output.strings("fields", {});
  InputError e = error_of([&] { output.fail("fields[2]", "unknown field \"bogus\""); });
  EXPECT_EQ(std::string(e.what()), "deck.yaml:2:31: output.fields[2]: unknown field \"bogus\"");
  EXPECT_EQ(error_of([&] { output.fail("", "needs fields"); }).location().line, 2);
  EXPECT_EQ(error_of([&] { output.fail("nothere", "x"); }).path(), "output.nothere");
}

TEST(Input, FilePathsAreRelativeToTheInputFile) {
  auto doc = Document::parse("a: micro/scan.tif\nb: /data/scan.tif\nc: ../scan.tif\n", "/runs/cell1/deck.yaml");
  Section root = doc->root();
  EXPECT_EQ(doc->base_dir(), "/runs/cell1");
  EXPECT_EQ(root.file_path("a"), "/runs/cell1/micro/scan.tif");
  EXPECT_EQ(root.file_path("b"), "/data/scan.tif");
  EXPECT_EQ(root.file_path("c"), "/runs/scan.tif");
  // A default stands for a path written in the file (analysis.output): beside the deck too.
  EXPECT_EQ(root.file_path("d", "analysis.json"), "/runs/cell1/analysis.json");
  EXPECT_EQ(root.file_path("e", "/tmp/analysis.json"), "/tmp/analysis.json");
  auto here = Document::parse("a: scan.tif\n", "deck.yaml");
  EXPECT_EQ(here->base_dir(), ".");
  EXPECT_EQ(here->root().file_path("a"), "scan.tif");
  // The resolved input may be saved elsewhere, so it carries absolute paths.
  const std::string absolute = (std::filesystem::current_path() / "scan.tif").string();
  EXPECT_EQ(here->resolved_yaml(), "a: " + absolute + "\n");
}

TEST(Input, LocationAndMessageFormat) {
  EXPECT_EQ((Location{"deck.yaml", 3, 7}.str()), "deck.yaml:3:7");
  EXPECT_EQ((Location{"--set grid.spacing", 0, 0}.str()), "--set grid.spacing");
  EXPECT_EQ(std::string(InputError(Location{"deck.yaml", 3, 7}, "grid.spacing", "bad").what()),
            "deck.yaml:3:7: grid.spacing: bad");
  EXPECT_EQ(std::string(InputError(Location{"deck.yaml", 1, 1}, "", "bad").what()), "deck.yaml:1:1: bad");
}

TEST(Input, RootMustBeAMap) {
  InputError e = error_of([] { Document::parse("- a\n- b\n", "deck.yaml"); });
  EXPECT_EQ(e.message(), "expected a map of sections, got a list");
  EXPECT_EQ(e.location().line, 1);
}

TEST(Input, DuplicateKeysInsideLists) {
  InputError e = error_of([] { Document::parse("t:\n  - {a: 1, b: 2, a: 3}\n", "deck.yaml"); });
  EXPECT_EQ(e.path(), "t[0].a");
  EXPECT_EQ(e.message(), "duplicate key \"a\" (first at line 2)");
  EXPECT_EQ(e.location().column, 18);
}

// --- the malformed files -------------------------------------------------------

TEST(InputFiles, UnknownKeyWithTypo) {
  InputError e = error_in("bad_unknown_key.yaml");
  expect_at(e, "bad_unknown_key.yaml", 6, 3, "physics.tempertaure");
  EXPECT_EQ(e.message(), "unknown key \"tempertaure\"; did you mean \"temperature\"?");
}

TEST(InputFiles, DuplicateKey) {
  InputError e = error_in("bad_duplicate_key.yaml");
  expect_at(e, "bad_duplicate_key.yaml", 4, 3, "grid.spacing");
  EXPECT_EQ(e.message(), "duplicate key \"spacing\" (first at line 2)");
}

TEST(InputFiles, WrongType) {
  InputError e = error_in("bad_wrong_type.yaml");
  expect_at(e, "bad_wrong_type.yaml", 6, 10, "output.every");
  EXPECT_EQ(e.message(), "expected an integer, got \"ten\"");
}

TEST(InputFiles, BadUnit) {
  InputError e = error_in("bad_unit.yaml");
  expect_at(e, "bad_unit.yaml", 2, 19, "grid.spacing[1]");
  EXPECT_EQ(e.message(), "\"1.3 furlongs\": unknown unit \"furlongs\" for a length; use one of: m, mm, um, nm");
}

TEST(InputFiles, BareNumberWithoutUnit) {
  InputError e = error_in("bad_missing_unit.yaml");
  expect_at(e, "bad_missing_unit.yaml", 4, 20, "physics.current_density");
  EXPECT_EQ(e.message(), "\"10\": a current density needs a unit, e.g. \"10 mA/cm^2\"");
}

TEST(InputFiles, MissingRequiredKey) {
  InputError e = error_in("bad_missing_key.yaml");
  expect_at(e, "bad_missing_key.yaml", 2, 3, "grid.spacing");
  EXPECT_EQ(e.message(), "missing required key \"spacing\"");
}

TEST(InputFiles, YamlSyntaxError) {
  InputError e = error_in("bad_syntax.yaml");
  expect_at(e, "bad_syntax.yaml", 3, 8, ""); // yaml-cpp notices at the next ":"
  EXPECT_EQ(e.message(), "end of sequence flow not found");
}

TEST(InputFiles, UnknownChoice) {
  InputError e = error_in("bad_choice.yaml");
  expect_at(e, "bad_choice.yaml", 6, 11, "output.format");
  EXPECT_EQ(e.message(), "unknown value \"hdf\" for output.format; did you mean \"hdf5\"? (one of: hdf5, vtk)");
}

TEST(InputFiles, IntegerOutOfRange) {
  InputError e = error_in("bad_range.yaml");
  expect_at(e, "bad_range.yaml", 3, 15, "grid.cells[1]");
  EXPECT_EQ(e.message(), "must be between 1 and 1000000, got 0");
}

// --- did you mean ----------------------------------------------------------------

TEST(DidYouMean, FindsLikelyTypos) {
  const std::vector<std::string> keys{"spacing", "cells", "origin", "temperature"};
  EXPECT_EQ(did_you_mean("spacng", keys), "spacing");
  EXPECT_EQ(did_you_mean("sapcing", keys), "spacing"); // transposition
  EXPECT_EQ(did_you_mean("Spacing", keys), "spacing"); // case
  EXPECT_EQ(did_you_mean("cels", keys), "cells");
  EXPECT_EQ(did_you_mean("tmeperatrue", keys), "temperature");
  EXPECT_EQ(did_you_mean("voltage", keys), std::nullopt);
  EXPECT_EQ(did_you_mean("x", {}), std::nullopt);
}

TEST(DidYouMean, ThresholdGrowsWithLength) {
  // 3 edits in a 12-letter word is still a typo; in a 6-letter one it is another word.
  EXPECT_EQ(did_you_mean("kondactivty", {"conductivity"}), "conductivity");
  EXPECT_EQ(did_you_mean("abcdef", {"abcxyz"}), std::nullopt);
}

// The schema the readers record (Document::schema, the input reference): every key
// asked for, in the order asked, with what it takes, its default (or required, or
// optional without one), and its meaning; list items as [], user names as placeholders.
TEST(Input, SchemaRecordsWhatEachKeyTakes) {
  auto doc = Document::parse("grid: {spacing: 1 um}\n"
                             "materials: {NBH: {phase: SE}, Cu: {phase: CC}}\n"
                             "steps: [{current: 1 mA/cm^2}, {current: 2 mA/cm^2, cutoff: 1 V}]\n",
                             "deck.yaml");
  Section root = doc->root();
  Section grid = root.section("grid");
  grid.explain({{"", "the voxel grid"}, {"spacing", "the voxel size"}});
  grid.quantity3("spacing", Dim::length);
  grid.integer("every", 3, 1, 10);
  const Section materials = root.section("materials");
  for (const auto& name : materials.user_keys("<name>")) {
    const Section m = materials.section(name);
    m.explain({{"phase", "what the material is"}});
    m.choice("phase", {"SE", "CC"});
    if (name == "Cu") m.quantity("conductivity", Dim::conductivity, 1e7);
  }
  for (const Section& s : root.sections("steps")) {
    s.quantity("current", Dim::current_density);
    if (s.has("cutoff")) s.quantity("cutoff", Dim::voltage);
  }
  root.optional_section("output");
  doc->finish();
  const auto keys = doc->schema();
  std::vector<std::string> paths;
  for (const auto& k : keys) paths.push_back(k.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"grid", "grid.spacing", "grid.every", "materials", "materials.<name>",
                                             "materials.<name>.phase", "materials.<name>.conductivity", "steps",
                                             "steps[].current", "steps[].cutoff", "output"}));
  auto at = [&](const std::string& p) {
    for (const auto& k : keys)
      if (k.path == p) return k;
    ADD_FAILURE() << "no " << p;
    return navox::input::SchemaKey{};
  };
  EXPECT_EQ(at("grid").meaning, "the voxel grid");
  EXPECT_EQ(at("grid.spacing").kind, "length [m], one or [x, y, z]");
  EXPECT_TRUE(at("grid.spacing").required);
  EXPECT_EQ(at("grid.spacing").meaning, "the voxel size");
  EXPECT_EQ(at("grid.every").kind, "integer 1..10");
  EXPECT_FALSE(at("grid.every").required);
  EXPECT_EQ(at("grid.every").fallback, "3");
  EXPECT_EQ(at("materials.<name>.phase").kind, "one of: SE, CC");
  EXPECT_EQ(at("materials.<name>.phase").meaning, "what the material is");
  EXPECT_EQ(at("materials.<name>.conductivity").fallback, "10000000 S/m");
  EXPECT_TRUE(at("steps[].current").required);
  // Read only when present (has(), then a required read): optional, no default.
  EXPECT_FALSE(at("steps[].cutoff").required);
  EXPECT_EQ(at("steps[].cutoff").fallback, "");
  EXPECT_EQ(at("steps[].cutoff").kind, "voltage [V]");
  EXPECT_EQ(at("output").kind, "map");
  EXPECT_FALSE(at("output").required);
}
