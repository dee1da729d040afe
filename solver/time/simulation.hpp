#pragma once
/// One navox run: the voxel grid with its material labels, the State, the physics
/// modules (solver/time/modules.cpp), the protocol-driven adaptive time loop, the
/// output schedule and the checkpoints. The loop names no physics: it asks each
/// module for its part of a step (solver/time/module.hpp).
///
/// Restart points. Every checkpoint.restart_interval steps the loop saves the State (slot
/// "restart") and the solvers drop their history (a lagged preconditioner), so a
/// run continued from that point repeats the uninterrupted one bit for bit. Every
/// checkpoint holds the newest restart point: periodic ones are written at a
/// restart point once due; on a signal, at the end and after a failure at dt_min
/// the run writes the restart point it last passed (at most restart_interval − 1
/// steps back; the restarted run redoes them and overwrites their output).
#include "io/input/config.hpp"
#include "io/output/log.hpp"
#include "mesh/grid.hpp"
#include "solver/time/module.hpp"

#include <petscvec.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

namespace navox {

class State;

/// One accepted step: a row of the time series, by column name.
struct StepReport {
  std::shared_ptr<const std::vector<std::string>> names;
  std::vector<double> values;
  /// The value of column `name` ("t", "V", "na_volume", ...); throws navox::Error if none.
  double operator[](const std::string& name) const;
};

struct RunOptions {
  std::string restart;                              ///< "", "latest" or a checkpoint file
  const volatile std::sig_atomic_t* stop = nullptr; ///< set by a signal: checkpoint and stop
  /// Keep every accepted step's report for run() to return (tests, scripts that embed the
  /// solver). `navox run` does not: its rows are in the time-series file, and a long run
  /// kept ~0.4 kB a step in memory (a million steps: 400 MB).
  bool keep_reports = true;
};

class Simulation {
public:
  /// Opens the microstructure, distributes it and builds the modules; collective,
  /// throws CollectiveError on bad data.
  Simulation(MPI_Comm comm, io::Config config, const io::Log& log);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs the protocol (or the potentiostatic hold to time.end), writing output and
  /// checkpoints as scheduled; returns the accepted steps' reports (of this call; none
  /// without options.keep_reports).
  std::vector<StepReport> run(const RunOptions& options = {});
  /// Whether the last run() stopped for options.stop after writing a checkpoint.
  bool interrupted() const { return interrupted_; }

  const Grid& grid() const { return *grid_; }
  State& state() { return *state_; }
  Vec labels() const;
  Vec phi() const;
  Vec xi() const;

private:
  std::vector<io::OutputField> output_fields() const;
  std::vector<io::TimeSeries::Column> columns() const;

  io::Config config_;
  const io::Log& log_;
  std::unique_ptr<Grid> grid_;
  std::unique_ptr<State> state_;
  std::vector<std::unique_ptr<Module>> modules_;
  bool interrupted_ = false;
};

/// The solution fields, by name.
std::vector<std::string> solution_fields();

} // namespace navox
