#pragma once
/// `<prefix>_cycles.csv`: one row per protocol cycle (one `repeat` of the deck's step
/// list, MODEL.md §3.6): the faradaic charge plated into and stripped out of the
/// working electrode in the cycle, its Coulombic efficiency, and the state of the Na
/// at the cycle's end, read by name from the time-series columns:
///
///   cycle,charge_in [C/m^2],charge_out [C/m^2],ce,trapped_na_volume [m^3],
///   isolated_na_volume [m^3],contact_fraction,void_fraction,na_volume [m^3],t [s]
///
/// ce = charge_out / charge_in (nan when nothing was plated); a column whose physics
/// the deck leaves off (void_fraction without `vacancies:`) is nan. The charges are
/// per x-y area of the cell, from the faradaic current (the double layer's charge
/// stores no Na), so that over a cycle charge_in − charge_out = F/Ω × Δ(Na volume)/area.
/// The cycle's running sums live in the State (a retried step and a restart see
/// them); a restart keeps the rows of the cycles closed before its checkpoint. A run
/// that time.end stops part way through a cycle writes that cycle's row too.
#include "io/output/time_series.hpp"

#include <memory>
#include <string>
#include <vector>

namespace navox {

class State;

class CycleTable {
public:
  /// Registers the running sums in `state` (before a checkpoint is read into it).
  explicit CycleTable(State& state);
  /// Opens the file (`root` writes it); on a restart, after the State was restored,
  /// keeping the rows of the cycles closed before the checkpoint.
  void open_file(const std::string& path, bool root, bool resumed);

  /// The cycle whose sums are being gathered (0-based).
  int open_cycle() const { return static_cast<int>(cycle_); }
  /// Whether a step has been accepted in the open cycle.
  bool started() const { return steps_ > 0; }
  /// An accepted step's faradaic charge per area [C/m^2]: + stripped, − plated.
  void add(double faradaic_charge);
  /// The open cycle's row so far, from the time-series `names` and `values` at time t.
  std::vector<double> row(const std::vector<std::string>& names, const std::vector<double>& values, double t) const;
  /// The sums start again, for cycle `next`.
  void open(int next);
  /// Writes a row (rank 0; call inside collectively()).
  void write(const std::vector<double>& row) { table_->row(row); }

  /// The time-series columns copied at a cycle's end, in the table's order.
  static const std::vector<io::TimeSeries::Column>& copied();

private:
  double &charge_in_, &charge_out_;
  std::int64_t &cycle_, &steps_;
  std::unique_ptr<io::TimeSeries> table_;
};

} // namespace navox
