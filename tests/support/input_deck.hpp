#pragma once
// What the input-layer tests share: a small deck schema in the shape of navox's
// readers, a deck it accepts, and the InputError a call raises.
#include "io/input/input.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// A namespace of its own: other test helpers have an error_of of another type.
namespace navox::test::deck {

using navox::input::Document;
using navox::input::InputError;
using navox::input::Location;
using navox::input::Section;
using navox::units::Dim;

/// A small deck schema in the shape of navox's readers.
struct Deck {
  std::array<double, 3> spacing{};
  std::array<std::int64_t, 3> cells{};
  double current_density = 0;
  double temperature = 0;
  double porosity = 0;
  bool restart = false;
  std::int64_t every = 0;
  std::string format;
  std::vector<std::string> fields;
};

/// Reads `doc` through the schema and finishes it (unknown keys are errors).
inline Deck read_deck(Document& doc) {
  Deck d;
  Section root = doc.root();
  Section grid = root.section("grid");
  d.spacing = grid.quantity3("spacing", Dim::length);
  d.cells = grid.integer3("cells", {1, 1, 1}, 1, 1000000);
  Section physics = root.section("physics");
  d.current_density = physics.quantity("current_density", Dim::current_density);
  d.temperature = physics.quantity("temperature", Dim::temperature, 298.15);
  d.porosity = physics.number("porosity", 0.0);
  d.restart = root.boolean("restart", false);
  if (auto output = root.optional_section("output")) {
    d.every = output->integer("every", 10, 1, 1000000);
    d.format = output->choice("format", {"hdf5", "vtk"}, "hdf5");
    d.fields = output->strings("fields", {"potential"});
  }
  doc.finish();
  return d;
}

/// The InputError `f` throws (a test failure, and an empty error, if none).
inline InputError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError";
  return InputError(Location{}, "", "");
}

/// A deck read_deck accepts, with some keys left to their defaults.
inline const char* const good = R"(grid:
  spacing: [1.3 um, 1.3um, 2 um]
  cells: 64
physics:
  current_density: 1 mA/cm^2
  temperature: 25 degC
output:
  format: vtk
  fields: [potential, concentration]
)";

} // namespace navox::test::deck
