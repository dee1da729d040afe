#pragma once
/// A physics module: what it reads from the deck, what it adds to the State, what
/// it writes, and its part of a time step. The time loop (solver/time/simulation.cpp)
/// and the step controller know modules only through this interface; the list of
/// modules is solver/time/modules.cpp (one registration line each).
///
/// A step calls, on every module in registration order, each stage in turn:
///   prepare  (set what the solve needs: active faces, nuclei; may shorten dt)
///   solve    (the electrochemistry: fills StepContext::cell)
///   transport (move what the solve produced: plated/stripped Na, settling)
///   relax    (slow evolution over the step: the phase field)
/// then, if no module rejected it, accept(); a rejected step is rolled back by
/// State::restore() alone, so a module keeps nothing outside the State that a
/// retry could see (caches keyed on State::revision are fine).
#include "io/input/config.hpp"
#include "io/output/output_field.hpp"
#include "io/output/run_summary.hpp"
#include "io/output/time_series.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace navox {

class Grid;
class State;
namespace io {
class Log;
} // namespace io

/// What the protocol asks of the cell over the step.
struct Drive {
  bool potentiostatic = true;
  double voltage = 0;     ///< held V [V] (potentiostatic), else the first guess of V
  double current = 0;     ///< prescribed current through the SE|metal faces [A], + = stripping
  double temperature = 298.15; ///< [K]
  double stack_pressure = 0;   ///< load on the pressure plate per x-y area of the cell [Pa]
};

/// The cell's electrical response over the step, filled by the solving module.
struct CellResponse {
  double voltage = 0;           ///< V at the end of the step [V]
  double current = 0;           ///< through the SE|metal faces [A], + = stripping
  double faradaic_current = 0;  ///< its faradaic part [A]
  double voltage_estimate = NAN; ///< after a failed galvanostatic solve: the V it would need [V]
};

struct StepContext {
  long step = 0;   ///< the number of the step being taken (0: the initial state)
  double t = 0;    ///< time at its start [s]
  double dt = 0;   ///< its length [s]; 0 for the initial steady state
  double dt_min = 0; ///< the shortest step the controller takes [s]
  /// This step starts at a restart point: solvers drop any history (a lagged
  /// preconditioner) so that a run restarted here repeats the step bit for bit.
  bool restart_point = false;
  Drive drive;
  CellResponse cell;

  /// A module finding the step unacceptable says why and which share of dt to retry with.
  void reject(std::string why, double share) {
    if (rejected.empty()) rejected = std::move(why), retry_share = share;
    else retry_share = std::min(retry_share, share);
  }
  /// Caps the growth of the next step (a factor on this one).
  void limit_growth(double factor) { growth = std::min(growth, factor); }

  std::string rejected;
  double retry_share = 0.5;
  double growth = 2.0;
};

/// What a module gets when the run starts writing: where its own logs go.
struct RunOutputs {
  std::string directory;
  bool root = false;        ///< this rank writes the files
  bool restart = false;     ///< continuing from a checkpoint at restart_time
  double restart_time = 0;  ///< [s]
};

class Module {
public:
  virtual ~Module() = default;
  virtual const char* name() const = 0;

  /// Cell fields written at each output step: preferably as io::OutputField::make, so
  /// each is computed when the writer reaches it and no two are held at once.
  virtual void outputs(std::vector<io::OutputField>&) const {}
  /// Time-series columns and, in the same order, this step's values.
  virtual void columns(std::vector<io::TimeSeries::Column>&) const {}
  virtual void values(std::vector<double>&) const {}
  /// What the run found, for `<prefix>_summary.json` ("void_onset.time"; NaN: not found).
  virtual void results(std::vector<io::SummaryValue>&) const {}
  /// A few words for the step's log line ("Na = 1.2 um"), or "".
  virtual std::string summary() const { return ""; }
  /// Opens the module's own files (an event log), continuing them on a restart.
  virtual void open(const RunOutputs&) {}

  /// Before the steady solve of the initial state at t = 0 (then solve() runs with
  /// dt = 0, and accept()); not called on a restart.
  virtual void initial(StepContext&) {}
  virtual void prepare(StepContext&) {}
  virtual void solve(StepContext&) {}
  virtual void transport(StepContext&) {}
  virtual void relax(StepContext&) {}
  /// The step was accepted (ctx.t is its end); record what it made.
  virtual void accept(const StepContext&) {}
  /// After accept(): why the run must stop here (a short circuit), or "" to go on.
  /// The same on every rank.
  virtual std::string stop_reason() const { return ""; }
};

/// Everything a module's constructor may use; `find` gives an earlier module.
struct ModuleSetup {
  const Grid& grid;
  State& state;
  const io::Config& config;
  const io::Log& log;
  const std::vector<std::unique_ptr<Module>>& built;
  template <class T>
  T* find(const std::string& name) const {
    for (const auto& m : built)
      if (name == m->name()) return dynamic_cast<T*>(m.get());
    return nullptr;
  }
};

/// A registered module: its name, its input section (nullptr: none) and its
/// factory; a factory returns nullptr when the deck does not switch the module on.
struct ModuleRegistration {
  const char* name;
  io::ModuleInput (*input)();
  std::unique_ptr<Module> (*make)(const ModuleSetup&);
};

/// The modules, in the order their stages run.
const std::vector<ModuleRegistration>& registered_modules();

/// The deck with every registered module's section (io::read_config with their readers).
io::Config read_deck(const input::Section& root, io::Purpose purpose = io::Purpose::run);

} // namespace navox
