#include "io/input/protocol.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using navox::input::Document;
using navox::input::InputError;
using navox::io::Protocol;
using navox::io::ProtocolStep;
using navox::io::read_protocol;

namespace {

constexpr double inf = ProtocolStep::inf;

Protocol read(const std::string& yaml) {
  auto doc = Document::parse(yaml, "deck.yaml");
  Protocol p = read_protocol(doc->root().section("protocol"));
  doc->finish();
  return p;
}

/// The error reading `steps` (indented under protocol.steps) raises.
InputError error_in(const std::string& steps, const std::string& head = "") {
  try {
    read("protocol:\n" + head + "  steps:\n" + steps);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted:\n" << steps;
  return InputError({}, "", "");
}

void expect_error(const InputError& e, int line, int column, const std::string& path, const std::string& message) {
  EXPECT_EQ(e.location().file, "deck.yaml") << e.what();
  EXPECT_EQ(e.location().line, line) << e.what();
  EXPECT_EQ(e.location().column, column) << e.what();
  EXPECT_EQ(e.path(), path) << e.what();
  EXPECT_EQ(e.message(), message) << e.what();
}

const char* const cycle = R"(protocol:
  repeat: 2
  steps:
    - plate: {current_density: 1 mA/cm^2, capacity: 1 mAh/cm^2, cutoff: -1 V}
    - rest:  {duration: 10 min}
    - strip: {current_density: 1 mA/cm^2, cutoff: 0.5 V}
    - ramp:  {from: 0.1 mA/cm^2, to: 2 mA/cm^2, duration: 1 h, direction: plate, cutoff: -1 V}
    - hold:  {voltage: -20 mV, duration: 1 h, capacity: 0.5 mAh/cm^2}
)";

} // namespace

TEST(Protocol, EachStepKindInSI) {
  const Protocol p = read(cycle);
  EXPECT_EQ(p.cycles, 2);
  ASSERT_EQ(p.steps.size(), 10u);
  using Mode = ProtocolStep::Mode;

  const ProtocolStep& plate = p.steps[0];
  EXPECT_EQ(plate.kind, "plate");
  EXPECT_EQ(plate.mode, Mode::galvanostatic);
  EXPECT_DOUBLE_EQ(plate.current_start, -10.0); // 1 mA/cm^2, cathodic
  EXPECT_DOUBLE_EQ(plate.current_end, -10.0);
  EXPECT_DOUBLE_EQ(plate.capacity, 36000.0); // 1 mAh/cm^2 = 3.6 C/cm^2
  EXPECT_DOUBLE_EQ(plate.voltage_min, -1.0);
  EXPECT_EQ(plate.voltage_max, inf);
  EXPECT_EQ(plate.duration, inf);

  const ProtocolStep& rest = p.steps[1];
  EXPECT_EQ(rest.kind, "rest");
  EXPECT_EQ(rest.mode, Mode::rest);
  EXPECT_DOUBLE_EQ(rest.duration, 600.0);
  EXPECT_EQ(rest.current_start, 0.0);
  EXPECT_EQ(rest.capacity, inf);

  const ProtocolStep& strip = p.steps[2];
  EXPECT_EQ(strip.kind, "strip");
  EXPECT_EQ(strip.mode, Mode::galvanostatic);
  EXPECT_DOUBLE_EQ(strip.current_start, 10.0); // anodic
  EXPECT_DOUBLE_EQ(strip.voltage_max, 0.5);
  EXPECT_EQ(strip.voltage_min, -inf);
  EXPECT_EQ(strip.duration, inf);
  EXPECT_EQ(strip.capacity, inf);

  const ProtocolStep& ramp = p.steps[3];
  EXPECT_EQ(ramp.kind, "ramp");
  EXPECT_EQ(ramp.mode, Mode::galvanostatic);
  EXPECT_DOUBLE_EQ(ramp.current_start, -1.0);
  EXPECT_DOUBLE_EQ(ramp.current_end, -20.0);
  EXPECT_DOUBLE_EQ(ramp.duration, 3600.0);
  EXPECT_DOUBLE_EQ(ramp.voltage_min, -1.0);
  EXPECT_EQ(ramp.voltage_max, inf);

  const ProtocolStep& hold = p.steps[4];
  EXPECT_EQ(hold.kind, "hold");
  EXPECT_EQ(hold.mode, Mode::potentiostatic);
  EXPECT_DOUBLE_EQ(hold.voltage, -0.02);
  EXPECT_DOUBLE_EQ(hold.duration, 3600.0);
  EXPECT_DOUBLE_EQ(hold.capacity, 18000.0);
}

TEST(Protocol, RepeatExpandsTheSequence) {
  const Protocol p = read(cycle);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(p.steps[i + 5].kind, p.steps[i].kind);
    EXPECT_EQ(p.steps[i + 5].current_start, p.steps[i].current_start);
    EXPECT_EQ(p.steps[i + 5].duration, p.steps[i].duration);
  }
  const Protocol once = read("protocol:\n  steps:\n    - rest: {duration: 1 s}\n");
  EXPECT_EQ(once.cycles, 1);
  EXPECT_EQ(once.steps.size(), 1u);
}

TEST(Protocol, BlockStyleStepsAndExplicitLimits) {
  const Protocol p = read(R"(protocol:
  steps:
    - strip:
        current_density: 0.5 mA/cm^2
        duration: 2 h
        voltage_min: -1 V
        voltage_max: 1 V
    - plate:
        current_density: 50 A/m^2
        voltage_max: 0.2 V
)");
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_DOUBLE_EQ(p.steps[0].current_start, 5.0);
  EXPECT_DOUBLE_EQ(p.steps[0].duration, 7200.0);
  EXPECT_DOUBLE_EQ(p.steps[0].voltage_min, -1.0);
  EXPECT_DOUBLE_EQ(p.steps[0].voltage_max, 1.0);
  EXPECT_DOUBLE_EQ(p.steps[1].current_start, -50.0);
  EXPECT_DOUBLE_EQ(p.steps[1].voltage_max, 0.2); // any cutoff ends a step
}

TEST(Protocol, CurrentAt) {
  const Protocol p = read(cycle);
  const ProtocolStep& ramp = p.steps[3];
  EXPECT_DOUBLE_EQ(ramp.current_at(0), -1.0);
  EXPECT_DOUBLE_EQ(ramp.current_at(1800), -10.5);
  EXPECT_DOUBLE_EQ(ramp.current_at(3600), -20.0);
  EXPECT_DOUBLE_EQ(ramp.current_at(5000), -20.0); // clamped past the end
  EXPECT_DOUBLE_EQ(ramp.current_at(-1), -1.0);
  EXPECT_DOUBLE_EQ(p.steps[0].current_at(1e6), -10.0); // plate: constant, no duration
  EXPECT_DOUBLE_EQ(p.steps[2].current_at(10), 10.0);
  EXPECT_EQ(p.steps[1].current_at(10), 0.0); // rest
  EXPECT_EQ(p.steps[4].current_at(10), 0.0); // hold: the current is solved for
}

TEST(ProtocolErrors, GalvanostaticStepNeverEnds) {
  expect_error(error_in("    - rest: {duration: 1 min}\n    - plate: {current_density: 1 mA/cm^2}\n"), 4, 14,
               "protocol.steps[1].plate", "step never ends: give a duration, a capacity or a cutoff");
}

TEST(ProtocolErrors, CurrentDensityIsAMagnitude) {
  expect_error(error_in("    - strip: {current_density: -1 mA/cm^2, duration: 1 h}\n"), 3, 32,
               "protocol.steps[0].strip.current_density",
               "must be positive (a magnitude; the direction comes from the step kind)");
  expect_error(error_in("    - plate: {duration: 1 h}\n"), 3, 14, "protocol.steps[0].plate.current_density",
               "missing required key \"current_density\"");
}

TEST(ProtocolErrors, RestNeedsDuration) {
  expect_error(error_in("    - rest: {}\n"), 3, 13, "protocol.steps[0].rest.duration",
               "missing required key \"duration\"");
  expect_error(error_in("    - rest:\n"), 3, 7, "protocol.steps[0].rest.duration", "missing required key \"duration\"");
  expect_error(error_in("    - rest: {duration: 0 s}\n"), 3, 24, "protocol.steps[0].rest.duration", "must be positive");
}

TEST(ProtocolErrors, HoldNeedsVoltageAndAnEnd) {
  expect_error(error_in("    - hold: {voltage: 10 mV}\n"), 3, 13, "protocol.steps[0].hold",
               "step never ends: a hold needs a duration or a capacity");
  expect_error(error_in("    - hold: {duration: 1 h}\n"), 3, 13, "protocol.steps[0].hold.voltage",
               "missing required key \"voltage\"");
}

TEST(ProtocolErrors, RampNeedsDirectionAndDuration) {
  expect_error(error_in("    - ramp: {from: 0 A/m^2, to: 1 mA/cm^2, duration: 1 h}\n"), 3, 13,
               "protocol.steps[0].ramp.direction", "missing required key \"direction\"");
  expect_error(error_in("    - ramp: {from: 0 A/m^2, to: 1 mA/cm^2, direction: strip}\n"), 3, 13,
               "protocol.steps[0].ramp.duration", "missing required key \"duration\"");
  expect_error(error_in("    - ramp: {from: 0 A/m^2, to: 1 mA/cm^2, duration: 1 h, direction: plat}\n"), 3, 70,
               "protocol.steps[0].ramp.direction",
               "unknown value \"plat\" for protocol.steps[0].ramp.direction; did you mean \"plate\"? (one of: plate, "
               "strip)");
  expect_error(error_in("    - ramp: {from: 0 A/m^2, to: 0 A/m^2, duration: 1 h, direction: plate}\n"), 3, 33,
               "protocol.steps[0].ramp.to", "a ramp from 0 to 0 is a rest; use \"rest\"");
}

TEST(ProtocolErrors, UnknownStepKind) {
  expect_error(error_in("    - plait: {current_density: 1 mA/cm^2, duration: 1 h}\n"), 3, 7, "protocol.steps[0]",
               "unknown step \"plait\"; did you mean \"plate\"? (one of: plate, strip, rest, hold, ramp, staircase)");
  expect_error(error_in("    - {}\n"), 3, 7, "protocol.steps[0]",
               "a step is a map with one key, the step kind (one of: plate, strip, rest, hold, ramp, staircase)");
  expect_error(error_in("    - rest: {duration: 1 s}\n      hold: {voltage: 0 V, duration: 1 s}\n"), 4, 13,
               "protocol.steps[0].hold",
               "a step has one kind, got \"rest\" and \"hold\"; write each as its own list item");
  expect_error(error_in("    - rest\n"), 3, 7, "protocol.steps[0]", "expected a map, got \"rest\"");
}

TEST(ProtocolErrors, CutoffGivenTwice) {
  expect_error(error_in("    - plate: {current_density: 1 mA/cm^2, cutoff: -1 V, voltage_min: -2 V}\n"), 3, 70,
               "protocol.steps[0].plate.voltage_min", "give either \"cutoff\" or \"voltage_min\", not both");
  expect_error(error_in("    - strip: {current_density: 1 mA/cm^2, cutoff: 1 V, voltage_min: 2 V}\n"), 3, 51,
               "protocol.steps[0].strip.cutoff", "the upper voltage cutoff must be above the lower one");
}

TEST(ProtocolErrors, RepeatAndEmptySteps) {
  expect_error(error_in("    - rest: {duration: 1 s}\n", "  repeat: 0\n"), 2, 11, "protocol.repeat",
               "must be between 1 and 10000, got 0");
  try {
    read("protocol:\n  steps: []\n");
    ADD_FAILURE() << "empty steps accepted";
  } catch (const InputError& e) {
    expect_error(e, 2, 10, "protocol.steps", "needs at least one step");
  }
  try {
    read("protocol:\n  repeat: 2\n");
    ADD_FAILURE() << "missing steps accepted";
  } catch (const InputError& e) {
    expect_error(e, 2, 3, "protocol.steps", "missing required key \"steps\"");
  }
}

TEST(ProtocolErrors, UnknownKeysInsideAStep) {
  expect_error(error_in("    - rest: {duration: 1 min, current_density: 1 mA/cm^2}\n"), 3, 31,
               "protocol.steps[0].rest.current_density",
               "unknown key \"current_density\"; known keys: duration, stack_pressure");
  expect_error(error_in("    - plate: {current_density: 1 mA/cm^2, cutoff: -1 V, duraton: 1 h}\n"), 3, 57,
               "protocol.steps[0].plate.duraton", "unknown key \"duraton\"; did you mean \"duration\"?");
}

TEST(Protocol, ResolvedInputReadsBackTheSame) {
  auto doc = Document::parse(cycle, "deck.yaml");
  const Protocol first = read_protocol(doc->root().section("protocol"));
  doc->finish();
  const std::string resolved = doc->resolved_yaml();
  const Protocol again = read(resolved);
  ASSERT_EQ(again.steps.size(), first.steps.size()) << resolved;
  EXPECT_EQ(again.cycles, first.cycles);
  for (std::size_t i = 0; i < first.steps.size(); ++i) {
    const ProtocolStep& a = first.steps[i];
    const ProtocolStep& b = again.steps[i];
    EXPECT_EQ(a.kind, b.kind) << resolved;
    EXPECT_EQ(a.mode, b.mode);
    EXPECT_DOUBLE_EQ(a.current_start, b.current_start);
    EXPECT_DOUBLE_EQ(a.current_end, b.current_end);
    EXPECT_DOUBLE_EQ(a.voltage, b.voltage);
    EXPECT_EQ(a.duration, b.duration);
    EXPECT_EQ(a.capacity, b.capacity);
    EXPECT_EQ(a.voltage_min, b.voltage_min);
    EXPECT_EQ(a.voltage_max, b.voltage_max);
  }
}

namespace {

TEST(Protocol, StackPressureIsKeptUntilAStepChangesIt) {
  auto doc = Document::parse("protocol:\n"
                             "  repeat: 2\n"
                             "  steps:\n"
                             "    - plate: {current_density: 1 mA/cm^2, duration: 1 h}\n"
                             "    - rest: {duration: 1 min, stack_pressure: 10 MPa}\n"
                             "    - strip: {current_density: 1 mA/cm^2, duration: 1 h}\n"
                             "    - rest: {duration: 1 min, stack_pressure: 2 bar}\n",
                             "deck.yaml");
  const Protocol p = read_protocol(doc->root().section("protocol"), 5e6);
  doc->finish();
  ASSERT_EQ(p.steps.size(), 8u);
  // The first step starts from conditions.stack_pressure; the repeat continues from the last.
  const double expected[8] = {5e6, 10e6, 10e6, 2e5, 2e5, 10e6, 10e6, 2e5};
  for (std::size_t n = 0; n < 8; ++n) EXPECT_EQ(p.steps[n].stack_pressure, expected[n]) << "step " << n;
  expect_error(error_in("    - rest: {duration: 1 min, stack_pressure: -1 MPa}\n"), 3, 47,
               "protocol.steps[0].rest.stack_pressure", "must not be negative (a compressive load)");
  expect_error(error_in("    - rest: {duration: 1 min, stack_pressure: 1 mV}\n"), 3, 47,
               "protocol.steps[0].rest.stack_pressure",
               "\"1 mV\": unknown unit \"mV\" for a pressure (it is a unit of voltage); use one of: Pa, kPa, MPa, GPa, bar");
}

} // namespace

// A critical-current staircase: one strip step per current, each step_time long, all
// tagged with their staircase; each repeat of the cycle is a staircase of its own.
TEST(Protocol, StaircaseExpandsIntoOneStepPerCurrent) {
  const Protocol p = read("protocol:\n"
                          "  repeat: 2\n"
                          "  steps:\n"
                          "    - staircase: {from: 0.5 mA/cm^2, step: 0.5 mA/cm^2, to: 2 mA/cm^2, step_time: 5 min,\n"
                          "                  direction: strip, cutoff: 1 V}\n"
                          "    - rest: {duration: 1 min}\n");
  ASSERT_EQ(p.steps.size(), 10u);
  const double currents[4] = {5, 10, 15, 20};
  for (int c = 0; c < 2; ++c) {
    for (int n = 0; n < 4; ++n) {
      const ProtocolStep& s = p.steps[std::size_t(5 * c + n)];
      EXPECT_EQ(s.kind, "staircase");
      EXPECT_DOUBLE_EQ(s.current_start, currents[n]);
      EXPECT_DOUBLE_EQ(s.current_at(100), currents[n]);
      EXPECT_DOUBLE_EQ(s.duration, 300.0);
      EXPECT_DOUBLE_EQ(s.voltage_max, 1.0);
      EXPECT_EQ(s.staircase, 2 * c);
    }
    EXPECT_EQ(p.steps[std::size_t(5 * c + 4)].staircase, -1);
  }
  // Plating: cathodic currents, the cutoff a lower limit; `to` reached exactly.
  const Protocol q = read("protocol:\n  steps:\n"
                          "    - staircase: {from: 0.1 mA/cm^2, step: 0.1 mA/cm^2, to: 0.3 mA/cm^2, "
                          "step_time: 30 min, direction: plate, cutoff: -1 V}\n");
  ASSERT_EQ(q.steps.size(), 3u);
  EXPECT_DOUBLE_EQ(q.steps[2].current_start, -3.0);
  EXPECT_DOUBLE_EQ(q.steps[2].voltage_min, -1.0);
}

TEST(ProtocolErrors, StaircaseNeedsACutoffAndAnOrder) {
  expect_error(error_in("    - staircase: {from: 1 mA/cm^2, step: 1 mA/cm^2, to: 3 mA/cm^2, step_time: 5 min, "
                        "direction: strip}\n"),
               3, 18, "protocol.steps[0].staircase",
               "a staircase needs a cutoff: the voltage at which the cell has failed");
  expect_error(error_in("    - staircase: {from: 3 mA/cm^2, step: 1 mA/cm^2, to: 1 mA/cm^2, step_time: 5 min, "
                        "direction: strip, cutoff: 1 V}\n"),
               3, 57, "protocol.steps[0].staircase.to", "must not be below \"from\"");
}
