#include "io/input/protocol.hpp"

#include <algorithm>
#include <cmath>

namespace navox::io {

using input::Section;
using units::Dim;

double ProtocolStep::current_at(double tau) const {
  if (mode != Mode::galvanostatic) return 0;
  if (current_end == current_start || !(duration > 0) || !std::isfinite(duration)) return current_start;
  const double f = std::clamp(tau / duration, 0.0, 1.0);
  return current_start + f * (current_end - current_start);
}

namespace {

const std::vector<std::string>& step_kinds() {
  static const std::vector<std::string> kinds{"plate", "strip", "rest", "hold", "ramp", "staircase"};
  return kinds;
}

/// A quantity that must be > 0 when present; `fallback` when absent.
double positive(const Section& s, const std::string& key, Dim dim, double fallback) {
  if (!s.has(key)) return fallback;
  const double v = s.quantity(key, dim);
  if (!(v > 0)) s.fail(key, "must be positive");
  return v;
}

double required_positive(const Section& s, const std::string& key, Dim dim) {
  const double v = s.quantity(key, dim);
  if (!(v > 0)) s.fail(key, "must be positive");
  return v;
}

/// A current density magnitude; the sign comes from the step kind.
double magnitude(const Section& s, const std::string& key, bool allow_zero) {
  const double v = s.quantity(key, Dim::current_density);
  if (allow_zero ? !(v >= 0) : !(v > 0))
    s.fail(key, std::string(allow_zero ? "must not be negative" : "must be positive") +
                    " (a magnitude; the direction comes from the step kind)");
  return v;
}

/// `cutoff` (the limit the direction drives V towards) and explicit voltage_min/max.
void read_cutoffs(const Section& s, bool plating, ProtocolStep& step) {
  s.explain({{"cutoff", "the voltage that ends the step, on the side the step drives V to (plating: a lower limit, "
                        "stripping: an upper one)"},
             {"voltage_min", "ends the step when V falls to it (instead of cutoff, or as well for a strip)"},
             {"voltage_max", "ends the step when V rises to it (instead of cutoff, or as well for a plate)"}});
  const std::string limit = plating ? "voltage_min" : "voltage_max";
  if (s.has("cutoff")) {
    if (s.has(limit)) s.fail(limit, "give either \"cutoff\" or \"" + limit + "\", not both");
    (plating ? step.voltage_min : step.voltage_max) = s.quantity("cutoff", Dim::voltage);
  }
  if (s.has("voltage_min")) step.voltage_min = s.quantity("voltage_min", Dim::voltage);
  if (s.has("voltage_max")) step.voltage_max = s.quantity("voltage_max", Dim::voltage);
  if (std::isfinite(step.voltage_min) && std::isfinite(step.voltage_max) && !(step.voltage_min < step.voltage_max))
    s.fail(s.has("voltage_max") ? "voltage_max" : "cutoff", "the upper voltage cutoff must be above the lower one");
}

ProtocolStep read_galvanostatic(const Section& s, const std::string& kind) {
  ProtocolStep step;
  step.mode = ProtocolStep::Mode::galvanostatic;
  step.kind = kind;
  const bool plating = kind == "plate";
  const double sign = plating ? -1.0 : 1.0;
  s.explain({{"current_density", "the applied current per x-y area of the cell, a magnitude: the step kind gives "
                                 "the sign"},
             {"duration", "ends the step after this time"},
             {"capacity", "ends the step after this charge per x-y area has passed"}});
  step.current_start = step.current_end = sign * magnitude(s, "current_density", false);
  step.duration = positive(s, "duration", Dim::time, ProtocolStep::inf);
  step.capacity = positive(s, "capacity", Dim::areal_capacity, ProtocolStep::inf);
  read_cutoffs(s, plating, step);
  if (!std::isfinite(step.duration) && !std::isfinite(step.capacity) && !std::isfinite(step.voltage_min) &&
      !std::isfinite(step.voltage_max))
    s.fail("", "step never ends: give a duration, a capacity or a cutoff");
  return step;
}

ProtocolStep read_ramp(const Section& s) {
  ProtocolStep step;
  step.mode = ProtocolStep::Mode::galvanostatic;
  step.kind = "ramp";
  s.explain({{"from", "current density magnitude at the start"},
             {"to", "current density magnitude at the end, reached linearly over the duration"},
             {"duration", "how long the ramp lasts"},
             {"direction", "plate (Na to the collector) or strip"},
             {"capacity", "ends the ramp after this charge per x-y area"}});
  const double from = magnitude(s, "from", true);
  const double to = magnitude(s, "to", true);
  if (from == 0 && to == 0) s.fail("to", "a ramp from 0 to 0 is a rest; use \"rest\"");
  step.duration = required_positive(s, "duration", Dim::time);
  const bool plating = s.choice("direction", {"plate", "strip"}) == "plate";
  const double sign = plating ? -1.0 : 1.0;
  step.current_start = sign * from;
  step.current_end = sign * to;
  step.capacity = positive(s, "capacity", Dim::areal_capacity, ProtocolStep::inf);
  read_cutoffs(s, plating, step);
  return step;
}

/// A critical-current staircase: `from`, `from + step`, ... up to `to`, each held for
/// `step_time`; one galvanostatic step per current, all tagged with the staircase.
std::vector<ProtocolStep> read_staircase(const Section& s) {
  ProtocolStep base;
  base.mode = ProtocolStep::Mode::galvanostatic;
  base.kind = "staircase";
  s.explain({{"from", "first current density (magnitude)"},
             {"step", "increase of the current density from one stair to the next"},
             {"to", "last current density; the staircase ends here if no stair reached its cutoff"},
             {"step_time", "how long each current is held"},
             {"direction", "plate or strip: which way the current drives Na"}});
  const double from = magnitude(s, "from", false);
  const double increment = magnitude(s, "step", false);
  const double to = magnitude(s, "to", false);
  if (!(to >= from)) s.fail("to", "must not be below \"from\"");
  base.duration = required_positive(s, "step_time", Dim::time);
  const bool plating = s.choice("direction", {"plate", "strip"}) == "plate";
  read_cutoffs(s, plating, base);
  if (!std::isfinite(base.voltage_min) && !std::isfinite(base.voltage_max))
    s.fail("", "a staircase needs a cutoff: the voltage at which the cell has failed");
  // Currents as from + n step, n counted (not summed) so that `to` is reached exactly.
  const double count = std::floor((to - from) / increment * (1 + 1e-12)) + 1;
  if (count > 10000) s.fail("step", "gives more than 10000 currents between \"from\" and \"to\"");
  std::vector<ProtocolStep> steps;
  for (int n = 0; n < static_cast<int>(count); ++n) {
    ProtocolStep step = base;
    step.current_start = step.current_end = (plating ? -1.0 : 1.0) * (from + n * increment);
    steps.push_back(step);
  }
  return steps;
}

ProtocolStep read_rest(const Section& s) {
  ProtocolStep step;
  step.mode = ProtocolStep::Mode::rest;
  step.kind = "rest";
  s.explain({{"duration", "open circuit (no current) for this long"}});
  step.duration = required_positive(s, "duration", Dim::time);
  return step;
}

ProtocolStep read_hold(const Section& s) {
  ProtocolStep step;
  step.mode = ProtocolStep::Mode::potentiostatic;
  step.kind = "hold";
  s.explain({{"voltage", "the cell voltage held (collector against the counter electrode)"},
             {"duration", "ends the hold after this time"},
             {"capacity", "ends the hold after this charge per x-y area has passed"}});
  step.voltage = s.quantity("voltage", Dim::voltage);
  step.duration = positive(s, "duration", Dim::time, ProtocolStep::inf);
  step.capacity = positive(s, "capacity", Dim::areal_capacity, ProtocolStep::inf);
  if (!std::isfinite(step.duration) && !std::isfinite(step.capacity))
    s.fail("", "step never ends: a hold needs a duration or a capacity");
  return step;
}

std::vector<ProtocolStep> read_step(const Section& item) {
  const auto& kinds = step_kinds();
  std::string one_of = " (one of: ";
  for (std::size_t i = 0; i < kinds.size(); ++i) one_of += (i ? ", " : "") + kinds[i];
  one_of += ")";
  item.explain({{"plate", "constant current plating Na onto the collector side"},
                {"strip", "constant current stripping Na from the collector side"},
                {"rest", "no current: relaxation, creep under the stack pressure"},
                {"hold", "constant voltage"},
                {"ramp", "a current changing linearly in time"},
                {"staircase", "a critical-current-density staircase: currents from, from + step, ... to, each "
                              "held step_time; the first whose step ends at its cutoff is the CCD"}});
  const std::vector<std::string> keys = item.user_keys();
  if (keys.empty()) item.fail("", "a step is a map with one key, the step kind" + one_of);
  if (keys.size() > 1)
    item.fail(keys[1], "a step has one kind, got \"" + keys[0] + "\" and \"" + keys[1] +
                           "\"; write each as its own list item");
  const std::string& kind = keys[0];
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    std::string message = "unknown step \"" + kind + "\"";
    if (auto guess = input::did_you_mean(kind, kinds)) message += "; did you mean \"" + *guess + "\"?";
    item.fail("", message + one_of);
  }
  const Section s = item.section(kind);
  std::vector<ProtocolStep> steps = kind == "staircase" ? read_staircase(s)
                                    : kind == "plate" || kind == "strip"
                                        ? std::vector<ProtocolStep>{read_galvanostatic(s, kind)}
                                    : kind == "ramp" ? std::vector<ProtocolStep>{read_ramp(s)}
                                    : kind == "rest" ? std::vector<ProtocolStep>{read_rest(s)}
                                                     : std::vector<ProtocolStep>{read_hold(s)};
  // Any step may change the stack pressure; NaN = keep the previous one (resolved below).
  double pressure = std::nan("");
  s.explain({{"stack_pressure", "changes the stack pressure from this step on (any step kind); it holds until "
                                "a later step changes it"}});
  if (s.has("stack_pressure")) {
    pressure = s.quantity("stack_pressure", Dim::pressure);
    if (!(pressure >= 0)) s.fail("stack_pressure", "must not be negative (a compressive load)");
  }
  for (ProtocolStep& step : steps) step.stack_pressure = pressure;
  return steps;
}

} // namespace

Protocol read_protocol(const Section& s, double stack_pressure) {
  Protocol p;
  s.explain({{"repeat", "how many times the whole list of steps runs (each pass is a cycle: a row of "
                        "<prefix>_cycles.csv)"},
             {"steps", "the steps, in order: each a map with one key, the step kind"}});
  p.cycles = static_cast<int>(s.integer("repeat", 1, 1, 10000));
  std::vector<ProtocolStep> sequence;
  std::vector<int> item_of; // the deck's list item each step came from
  for (const Section& item : s.sections("steps")) {
    for (const ProtocolStep& step : read_step(item)) {
      sequence.push_back(step);
      item_of.push_back(static_cast<int>(p.items_per_cycle));
    }
    ++p.items_per_cycle;
  }
  if (sequence.empty()) s.fail("steps", "needs at least one step");
  // A step without its own stack pressure keeps the one before it; the first starts
  // from conditions.stack_pressure, and a repeated cycle from the last step's.
  double carried = stack_pressure;
  std::vector<bool> given(sequence.size());
  for (std::size_t n = 0; n < sequence.size(); ++n) given[n] = !std::isnan(sequence[n].stack_pressure);
  p.sets_stack_pressure = std::find(given.begin(), given.end(), true) != given.end();
  p.steps.reserve(sequence.size() * static_cast<std::size_t>(p.cycles));
  for (int c = 0; c < p.cycles; ++c)
    for (std::size_t n = 0; n < sequence.size(); ++n) {
      ProtocolStep step = sequence[n];
      if (given[n]) carried = step.stack_pressure;
      step.stack_pressure = carried;
      if (step.kind == "staircase") step.staircase = c * p.items_per_cycle + item_of[n];
      step.cycle = c;
      p.steps.push_back(step);
    }
  return p;
}

} // namespace navox::io
