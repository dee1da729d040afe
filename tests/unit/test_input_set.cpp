// Command-line overrides (--set key=value): they replace and create keys, errors name
// the override, later ones own their keys, list items, paths, malformed assignments.
#include "io/input/input.hpp"
#include "support/input_deck.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace navox::input;
using navox::units::Dim;
using namespace navox::test::deck;

TEST(InputSet, OverridesAndCreates) {
  auto doc = Document::parse(good, "deck.yaml");
  doc->set("grid.spacing=[1 um, 1 um, 2 um]");
  doc->set("physics.temperature = 60 degC");
  doc->set("output.every=25");
  doc->set("restart=on");
  Deck d = read_deck(*doc);
  EXPECT_DOUBLE_EQ(d.spacing[0], 1e-6);
  EXPECT_DOUBLE_EQ(d.spacing[2], 2e-6);
  EXPECT_DOUBLE_EQ(d.temperature, 333.15);
  EXPECT_EQ(d.every, 25);
  EXPECT_TRUE(d.restart);
  EXPECT_EQ(d.format, "vtk"); // untouched siblings stay
}

TEST(InputSet, CreatesMissingMaps) {
  auto doc = Document::parse("grid:\n  spacing: 1 um\n", "deck.yaml");
  doc->set("solver.newton.max_iterations=30");
  Section newton = doc->root().section("solver").section("newton");
  EXPECT_EQ(newton.integer("max_iterations", 1, 100), 30);
  EXPECT_EQ(newton.location().file, "--set solver.newton.max_iterations");
}

TEST(InputSet, ErrorsNameTheOverride) {
  auto doc = Document::parse(good, "deck.yaml");
  doc->set("physics.current_density=10");
  InputError e = error_of([&] { read_deck(*doc); });
  EXPECT_EQ(std::string(e.what()),
            "--set physics.current_density: physics.current_density: \"10\": a current density needs a unit, e.g. "
            "\"10 mA/cm^2\"");
  EXPECT_EQ(e.location().line, 0);

  auto list = Document::parse(good, "deck.yaml");
  list->set("grid.spacing=[1 um, 1 um, 2 furlongs]");
  InputError l = error_of([&] { read_deck(*list); });
  EXPECT_EQ(l.location().file, "--set grid.spacing");
  EXPECT_EQ(l.path(), "grid.spacing[2]");
}

TEST(InputSet, UnknownOverrideKeyIsCaughtByFinish) {
  auto doc = Document::parse(good, "deck.yaml");
  doc->set("grid.spacng=2 um");
  InputError e = error_of([&] { read_deck(*doc); });
  EXPECT_EQ(e.location().file, "--set grid.spacng");
  EXPECT_EQ(e.path(), "grid.spacng");
  EXPECT_EQ(e.message(), "unknown key \"spacng\"; did you mean \"spacing\"?");
}

TEST(InputSet, LaterOverridesOwnTheirKeys) {
  auto doc = Document::parse(good, "deck.yaml");
  doc->set("physics.temperature=10 degC");
  doc->set("physics={current_density: 1 mA/cm^2, temperature: 5 kelvin}");
  InputError e = error_of([&] { read_deck(*doc); });
  EXPECT_EQ(e.location().file, "--set physics");
  doc->set("physics.temperature=5 K");
  EXPECT_DOUBLE_EQ(read_deck(*doc).temperature, 5.0);
}

TEST(InputSet, ListItems) {
  auto doc = Document::parse("t:\n  - {v: 1}\n  - {v: 2}\n", "deck.yaml");
  doc->set("t[1].v=5");
  auto items = doc->root().sections("t");
  EXPECT_EQ(items[0].integer("v", 0, 9), 1);
  EXPECT_EQ(items[1].integer("v", 0, 9), 5);
  EXPECT_EQ(error_of([&] { doc->set("t[2].v=5"); }).message(), "\"t\" has no item 2");
}

TEST(InputSet, PathsFromTheCommandLineStayRelativeToTheShell) {
  auto doc = Document::parse("a: scan.tif\n", "/runs/cell1/deck.yaml");
  doc->set("b=other.tif");
  EXPECT_EQ(doc->root().file_path("a"), "/runs/cell1/scan.tif");
  EXPECT_EQ(doc->root().file_path("b"), "other.tif");
}

TEST(InputSet, MalformedAssignments) {
  auto doc = Document::parse(good, "deck.yaml");
  for (const char* bad : {"grid.spacing", "=3", " = 3"}) {
    InputError e = error_of([&] { doc->set(bad); });
    EXPECT_EQ(e.location().file, "--set") << bad;
    EXPECT_EQ(e.message(), "expected key=value, got \"" + std::string(bad) + "\"");
  }
  EXPECT_EQ(error_of([&] { doc->set("grid..spacing=1 um"); }).location().file, "--set grid..spacing");
  EXPECT_EQ(error_of([&] { doc->set("grid.spacing=[1 um"); }).location().file, "--set grid.spacing");
  EXPECT_EQ(error_of([&] { doc->set("grid.spacing.x=1 um"); }).message(), "\"grid.spacing\" is not a map");
  EXPECT_EQ(error_of([&] { doc->set("grid={a: 1, a: 2}"); }).location().file, "--set grid");
}
