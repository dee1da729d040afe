#pragma once
/// What every Section accessor works through (input_section.cpp: sections and
/// navigation; input_values.cpp: scalars, lists of strings and file paths):
/// the visited map, key look-up that records the schema, and typed reads that
/// report errors at the key. Internal to io/input; not for other code.
#include "io/input/input_impl.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace navox::input {

inline std::string with_article(std::string_view noun) {
  const bool vowel = std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

inline std::string format_number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", value);
  return buf;
}

/// "<value> <si unit>" so that the resolved input reads back as input.
inline std::string format_quantity(double si, units::Dim dim) {
  std::string text = format_number(si);
  if (dim != units::Dim::dimensionless) text += " " + std::string(units::si_unit(dim));
  return text;
}

inline YAML::Node flow_list() {
  YAML::Node list(YAML::NodeType::Sequence);
  list.SetStyle(YAML::EmitterStyle::Flow);
  return list;
}

/// What one Section call works with: the visited map, and how to report
/// errors at its keys.
class Reader {
public:
  Reader(Document::Impl& impl, const std::string& path) : impl_(impl), path_(path), map_(impl.maps.at(path)) {}

  /// Looks `key` up and adds it to the map's schema whether or not it is there.
  std::optional<Entry> lookup(const std::string& key) {
    if (std::find(map_.known.begin(), map_.known.end(), key) == map_.known.end()) map_.known.push_back(key);
    return find_key(map_.node, key);
  }
  Entry require(const std::string& key) {
    auto entry = lookup(key);
    if (!entry) throw InputError(impl_.locate(path_, map_.mark), child(key), "missing required key \"" + key + "\"");
    return *entry;
  }

  std::string child(const std::string& key) const { return join_path(path_, key); }

  [[noreturn]] void fail(const std::string& path, const YAML::Mark& mark, const std::string& message) const {
    throw InputError(impl_.locate(path, mark), path, message);
  }

  void record(const std::string& key, const YAML::Node& value) { map_.resolved[key] = value; }

  /// Adds `key` to the schema: what it takes and its default (nullopt: required;
  /// a required read of a key the reader first asked for with has() is optional).
  void note(const std::string& key, std::string kind, std::optional<std::string> fallback = std::nullopt) {
    if (!fallback && std::find(map_.probed.begin(), map_.probed.end(), key) != map_.probed.end()) fallback = "";
    impl_.note(path_, key, std::move(kind), std::move(fallback));
  }
  /// `kind` for a quantity: "length [m]"; "number" without a dimension.
  static std::string kind_of(units::Dim dim) {
    if (dim == units::Dim::dimensionless) return "number";
    return std::string(units::dim_name(dim)) + " [" + std::string(units::si_unit(dim)) + "]";
  }
  static std::string kind_of(std::int64_t min, std::int64_t max) {
    if (max == std::numeric_limits<std::int64_t>::max()) return "integer >= " + std::to_string(min);
    return "integer " + std::to_string(min) + ".." + std::to_string(max);
  }
  template <class T>
  static std::string text_of(const std::array<T, 3>& v, units::Dim dim = units::Dim::dimensionless) {
    std::string out = "[";
    for (std::size_t i = 0; i < 3; ++i) {
      if constexpr (std::is_floating_point_v<T>)
        out += (i ? ", " : "") + format_quantity(v[i], dim);
      else
        out += (i ? ", " : "") + std::to_string(v[i]);
    }
    return out + "]";
  }
  void probe(const std::string& key) {
    if (std::find(map_.probed.begin(), map_.probed.end(), key) == map_.probed.end()) map_.probed.push_back(key);
  }

  /// Registers the map `node` found at `path` as a section and returns its resolved map.
  YAML::Node enter(const std::string& path, const YAML::Node& node, const YAML::Mark& mark) {
    if (!node.IsMap() && !node.IsNull()) fail(path, mark, "expected a map, got " + describe(node));
    return impl_.visit(path, node, mark, YAML::Node(YAML::NodeType::Map)).resolved;
  }

  double quantity(const YAML::Node& node, const std::string& path, const YAML::Mark& mark, units::Dim dim) const {
    if (!node.IsScalar()) fail(path, mark, "expected " + with_article(units::dim_name(dim)) + ", got " + describe(node));
    try {
      return units::parse(node.Scalar(), dim);
    } catch (const std::invalid_argument& e) {
      fail(path, mark, e.what());
    }
  }

  std::int64_t integer(const YAML::Node& node, const std::string& path, const YAML::Mark& mark, std::int64_t min,
                       std::int64_t max) const {
    if (!node.IsScalar()) fail(path, mark, "expected an integer, got " + describe(node));
    const std::string& text = node.Scalar();
    std::string_view digits = text;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1); // from_chars takes no '+'
    const char* end = digits.data() + digits.size();
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range))
      fail(path, mark, "expected an integer, got " + describe(node));
    if (ec == std::errc::result_out_of_range || value < min || value > max)
      fail(path, mark, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
    return value;
  }

  std::string string(const YAML::Node& node, const std::string& path, const YAML::Mark& mark) const {
    if (!node.IsScalar()) fail(path, mark, "expected a string, got " + describe(node));
    return node.Scalar();
  }

  /// A scalar for all three axes, or a list of exactly three.
  template <class T, class Read>
  std::array<T, 3> triple(const Entry& entry, const std::string& what, Read read) const {
    const std::string path = child(entry.key.Scalar());
    if (entry.value.IsScalar()) {
      T v = read(entry.value, path, value_mark(entry));
      return {v, v, v};
    }
    if (!entry.value.IsSequence())
      fail(path, value_mark(entry), "expected " + what + " or a list of 3, got " + describe(entry.value));
    if (entry.value.size() != 3)
      fail(path, value_mark(entry), "expected a list of 3 (x, y, z), got " + std::to_string(entry.value.size()) + " items");
    std::array<T, 3> out{};
    for (std::size_t i = 0; i < 3; ++i) {
      const YAML::Node item = entry.value[i];
      out[i] = read(item, path + "[" + std::to_string(i) + "]", item.Mark());
    }
    return out;
  }

  std::array<double, 3> quantity3(const Entry& e, units::Dim dim) const {
    return triple<double>(e, with_article(units::dim_name(dim)),
                          [&](const YAML::Node& n, const std::string& p, const YAML::Mark& m) { return quantity(n, p, m, dim); });
  }
  std::array<std::int64_t, 3> integer3(const Entry& e, std::int64_t min, std::int64_t max) const {
    return triple<std::int64_t>(e, "an integer", [&](const YAML::Node& n, const std::string& p, const YAML::Mark& m) {
      return integer(n, p, m, min, max);
    });
  }
  template <class T>
  void record3(const std::string& key, const std::array<T, 3>& values, units::Dim dim = units::Dim::dimensionless) {
    YAML::Node list = flow_list();
    for (T v : values) {
      if constexpr (std::is_floating_point_v<T>)
        list.push_back(format_quantity(v, dim));
      else
        list.push_back(v);
    }
    record(key, list);
  }

  std::string choice(const Entry& e, const std::vector<std::string>& options) const {
    const std::string path = child(e.key.Scalar());
    std::string v = string(e.value, path, value_mark(e));
    if (std::find(options.begin(), options.end(), v) != options.end()) return v;
    std::string message = "unknown value \"" + v + "\" for " + path;
    if (auto guess = did_you_mean(v, options)) message += "; did you mean \"" + *guess + "\"?";
    fail(path, value_mark(e), message + " (one of: " + join(options) + ")");
  }

private:
  Document::Impl& impl_;
  const std::string& path_;
  VisitedMap& map_;
};

} // namespace navox::input
