#include "solver/time/cycle_table.hpp"

#include "solver/time/state.hpp"

#include <algorithm>
#include <cmath>

namespace navox {

namespace {

std::vector<io::TimeSeries::Column> table_columns() {
  std::vector<io::TimeSeries::Column> c{{"cycle", "", 10}, {"charge_in", "C/m^2"}, {"charge_out", "C/m^2"}, {"ce", ""}};
  for (const auto& k : CycleTable::copied()) c.push_back(k);
  c.push_back({"t", "s"});
  // 15 digits: a user's charge balance from the file holds to the solver's round-off.
  for (auto& column : c) column.digits = 15;
  return c;
}

} // namespace

const std::vector<io::TimeSeries::Column>& CycleTable::copied() {
  static const std::vector<io::TimeSeries::Column> names{{"trapped_na_volume", "m^3"},
                                                         {"isolated_na_volume", "m^3"},
                                                         {"contact_fraction", ""},
                                                         {"void_fraction", ""},
                                                         {"na_volume", "m^3"}};
  return names;
}

CycleTable::CycleTable(State& state)
    : charge_in_(state.real("cycle_charge_in")), charge_out_(state.real("cycle_charge_out")),
      cycle_(state.integer("cycle")), steps_(state.integer("cycle_steps")) {}

void CycleTable::open_file(const std::string& path, bool root, bool resumed) {
  // The first column numbers the cycles from 1: a restart keeps the rows of the
  // cycles closed before it, 1 .. the open cycle's index.
  table_ = std::make_unique<io::TimeSeries>(path, table_columns(), root, resumed, static_cast<double>(cycle_));
}

void CycleTable::add(double faradaic_charge) {
  if (faradaic_charge < 0) charge_in_ -= faradaic_charge;
  else charge_out_ += faradaic_charge;
  ++steps_;
}

std::vector<double> CycleTable::row(const std::vector<std::string>& names, const std::vector<double>& values,
                                    double t) const {
  std::vector<double> r{double(cycle_ + 1), charge_in_, charge_out_,
                        charge_in_ > 0 ? charge_out_ / charge_in_ : std::nan("")};
  for (const auto& c : copied()) {
    const auto at = std::find(names.begin(), names.end(), c.name);
    r.push_back(at == names.end() ? std::nan("") : values[static_cast<std::size_t>(at - names.begin())]);
  }
  r.push_back(t);
  return r;
}

void CycleTable::open(int next) {
  charge_in_ = charge_out_ = 0;
  steps_ = 0;
  cycle_ = next;
}

} // namespace navox
