#pragma once
/// `<prefix>_summary.json`: what the run itself found (void onset, critical current
/// density, ...), one JSON object whose dotted keys nest ("void_onset.time" is
/// {"void_onset": {"time": ...}}); a value not found (NaN) is null. Units are SI and
/// listed beside the numbers under "units". Rewritten whole (through a temporary file
/// and a rename) whenever the run writes it, so a reader never sees half of one.
#include <string>
#include <utility>
#include <vector>

namespace navox::io {

struct SummaryValue {
  SummaryValue(std::string k, double v, std::string u) : key(std::move(k)), value(v), unit(std::move(u)) {}
  /// A value in words ("completed"), with no unit.
  static SummaryValue words(std::string k, std::string t) {
    SummaryValue s(std::move(k), 0, "");
    s.text = std::move(t);
    return s;
  }
  std::string key;  ///< dotted path
  double value = 0; ///< NaN: not found (null)
  std::string unit;
  std::string text; ///< when not empty, the value is this string (and has no unit)
};

/// The JSON text of `values` (keys in the given order; a key nests under the object
/// its prefix names, which must not also be a value).
std::string summary_json(const std::vector<SummaryValue>& values);
/// Writes summary_json(values) to `path`; throws navox::Error naming the path when it
/// cannot (call on one rank, inside collectively()).
void write_summary(const std::string& path, const std::vector<SummaryValue>& values);

} // namespace navox::io
