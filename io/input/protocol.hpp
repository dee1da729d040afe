#pragma once
/// The cycling protocol of a run: the `protocol:` section, read into a flat list of steps.
///
/// ```yaml
/// protocol:
///   repeat: 2                 # optional (default 1): the whole sequence N times = N cycles
///   steps:                    # a list of one-key maps; the key is the step kind
///     - plate: {current_density: 1 mA/cm^2, capacity: 1 mAh/cm^2, cutoff: -1 V}
///     - rest:  {duration: 10 min}
///     - strip: {current_density: 1 mA/cm^2, cutoff: 0.5 V}
///     - ramp:  {from: 0.1 mA/cm^2, to: 2 mA/cm^2, duration: 1 h, direction: plate, cutoff: -1 V}
///     - hold:  {voltage: -20 mV, duration: 1 h, capacity: 0.5 mAh/cm^2}
///     - staircase: {from: 0.1 mA/cm^2, step: 0.1 mA/cm^2, to: 5 mA/cm^2, step_time: 5 min,
///                   direction: strip, cutoff: 1 V}
/// ```
/// Users write magnitudes; the direction comes from the step kind (plate: cathodic
/// at the working electrode, current < 0; strip: anodic, current > 0).
///
/// Step keys (all converted to SI at parsing):
///  - plate, strip: `current_density` (required, > 0); ends on any of `duration`,
///    `capacity` (|charge| passed in the step), or a voltage cutoff — at least one is
///    required. `cutoff` is one voltage: for plate the lower limit (voltage_min; the
///    step ends when V falls to it), for strip the upper limit (voltage_max). Any sign
///    is accepted; in a Na|SE|Na cell a plating cutoff is usually negative. Instead of
///    (or beside) `cutoff`, `voltage_min` / `voltage_max` may be given explicitly, but
///    not the same limit twice.
///  - ramp: `from`, `to` (current density magnitudes, >= 0, not both 0), `duration`
///    (required), `direction` (plate | strip); optional `capacity`, `cutoff`,
///    `voltage_min`, `voltage_max` as above. The current is linear in time.
///  - rest: `duration` (required); zero current.
///  - hold: `voltage` (the held cell voltage, required) and `duration` and/or `capacity`.
///  - staircase: a critical-current-density test. `from`, `step`, `to` (current density
///    magnitudes > 0), `step_time` and `direction` required, and a cutoff (`cutoff`,
///    `voltage_min`, `voltage_max` as above) required: the voltage at which the cell
///    counts as failed. Expands into one galvanostatic step per current from, from +
///    step, ..., to, each `step_time` long. The first current whose step ends at its
///    cutoff is the critical current density; the staircase's remaining steps are
///    skipped (solver/time/time_loop.cpp).
#include "io/input/input.hpp"

#include <limits>
#include <string>
#include <vector>

namespace navox::io {

struct ProtocolStep {
  static constexpr double inf = std::numeric_limits<double>::infinity();
  enum class Mode { galvanostatic, potentiostatic, rest };
  Mode mode = Mode::rest;
  std::string kind;          ///< the input's name: "plate", "strip", "rest", "hold", "ramp"
  /// Applied current density at the step start [A/m^2]. Positive = anodic at the working
  /// electrode (stripping Na), negative = cathodic (plating). 0 for rest and hold.
  double current_start = 0;
  double current_end = 0;    ///< at the step end (== current_start unless ramp) [A/m^2]
  double voltage = 0;        ///< held cell voltage for potentiostatic steps [V]
  double duration = inf;     ///< [s]; finite for ramp and rest
  double capacity = inf;     ///< limit on |charge| passed in this step [C/m^2]
  double voltage_min = -inf; ///< cutoff: the step ends when V <= voltage_min [V]
  double voltage_max = inf;  ///< cutoff: the step ends when V >= voltage_max [V]
  /// Stack pressure during the step [Pa]: the step's own `stack_pressure`, else the
  /// previous step's, else conditions.stack_pressure.
  double stack_pressure = 0;
  /// The staircase this step belongs to (numbered in the expanded protocol), else -1.
  int staircase = -1;
  /// The cycle (0-based: which `repeat` of the step list) the step belongs to.
  int cycle = 0;

  /// Applied current density at time `tau` into the step [A/m^2]: linear in tau for
  /// ramps (clamped to [0, duration]), constant for plate/strip, 0 for rest and hold
  /// (a potentiostatic step's current is an unknown of the solve, not an input).
  double current_at(double tau) const;
};

struct Protocol {
  std::vector<ProtocolStep> steps; ///< expanded: `repeat` already applied
  int cycles = 1;                  ///< the `repeat` count
  bool sets_stack_pressure = false; ///< a step gives its own stack_pressure
  int items_per_cycle = 0;    ///< the deck's step list items in one cycle (numbers the staircases)
};

/// Reads the `protocol:` section; throws input::InputError (file:line:col) on bad input.
/// `stack_pressure`: conditions.stack_pressure, the pressure until a step changes it [Pa].
Protocol read_protocol(const input::Section& s, double stack_pressure = 0);

} // namespace navox::io
