#include "io/input/input_impl.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace navox::input {
namespace {

std::string with_article(std::string_view noun) {
  const bool vowel = std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

std::string format_number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", value);
  return buf;
}

/// "<value> <si unit>" so that the resolved input reads back as input.
std::string format_quantity(double si, units::Dim dim) {
  std::string text = format_number(si);
  if (dim != units::Dim::dimensionless) text += " " + std::string(units::si_unit(dim));
  return text;
}

YAML::Node flow_list() {
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

} // namespace

Section::Section(Document* doc, std::string path) : doc_(doc), path_(std::move(path)) {}

const std::string& Section::path() const { return path_; }

Location Section::location() const {
  const Document::Impl& impl = *doc_->impl_;
  return impl.locate(path_, impl.maps.at(path_).mark);
}

bool Section::has(const std::string& key) const { return Reader(*doc_->impl_, path_).lookup(key).has_value(); }

double Section::quantity(const std::string& key, units::Dim dim) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  double v = r.quantity(e.value, r.child(key), value_mark(e), dim);
  r.record(key, YAML::Node(format_quantity(v, dim)));
  return v;
}

double Section::quantity(const std::string& key, units::Dim dim, double default_si) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  double v = e ? r.quantity(e->value, r.child(key), value_mark(*e), dim) : default_si;
  r.record(key, YAML::Node(format_quantity(v, dim)));
  return v;
}

std::array<double, 3> Section::quantity3(const std::string& key, units::Dim dim) const {
  Reader r(*doc_->impl_, path_);
  auto v = r.quantity3(r.require(key), dim);
  r.record3(key, v, dim);
  return v;
}

std::array<double, 3> Section::quantity3(const std::string& key, units::Dim dim, std::array<double, 3> default_si) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  auto v = e ? r.quantity3(*e, dim) : default_si;
  r.record3(key, v, dim);
  return v;
}

double Section::number(const std::string& key) const { return quantity(key, units::Dim::dimensionless); }

double Section::number(const std::string& key, double def) const {
  return quantity(key, units::Dim::dimensionless, def);
}

std::int64_t Section::integer(const std::string& key, std::int64_t min, std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  std::int64_t v = r.integer(e.value, r.child(key), value_mark(e), min, max);
  r.record(key, YAML::Node(v));
  return v;
}

std::int64_t Section::integer(const std::string& key, std::int64_t def, std::int64_t min, std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  std::int64_t v = e ? r.integer(e->value, r.child(key), value_mark(*e), min, max) : def;
  r.record(key, YAML::Node(v));
  return v;
}

std::array<std::int64_t, 3> Section::integer3(const std::string& key, std::int64_t min, std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  auto v = r.integer3(r.require(key), min, max);
  r.record3(key, v);
  return v;
}

std::array<std::int64_t, 3> Section::integer3(const std::string& key, std::array<std::int64_t, 3> def, std::int64_t min,
                                              std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  auto v = e ? r.integer3(*e, min, max) : def;
  r.record3(key, v);
  return v;
}

bool Section::boolean(const std::string& key, bool def) const {
  Reader r(*doc_->impl_, path_);
  bool v = def;
  if (auto e = r.lookup(key)) {
    std::string text = e->value.IsScalar() ? e->value.Scalar() : std::string();
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    if (text == "true" || text == "yes" || text == "on")
      v = true;
    else if (text == "false" || text == "no" || text == "off")
      v = false;
    else
      r.fail(r.child(key), value_mark(*e), "expected true or false, got " + describe(e->value));
  }
  r.record(key, YAML::Node(v));
  return v;
}

std::string Section::string(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  std::string v = r.string(e.value, r.child(key), value_mark(e));
  r.record(key, YAML::Node(v));
  return v;
}

std::string Section::string(const std::string& key, const std::string& def) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  std::string v = e ? r.string(e->value, r.child(key), value_mark(*e)) : def;
  r.record(key, YAML::Node(v));
  return v;
}

std::string Section::choice(const std::string& key, const std::vector<std::string>& options) const {
  Reader r(*doc_->impl_, path_);
  std::string v = r.choice(r.require(key), options);
  r.record(key, YAML::Node(v));
  return v;
}

std::string Section::choice(const std::string& key, const std::vector<std::string>& options, const std::string& def) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  std::string v = e ? r.choice(*e, options) : def;
  r.record(key, YAML::Node(v));
  return v;
}

std::vector<std::string> Section::strings(const std::string& key, const std::vector<std::string>& def) const {
  Reader r(*doc_->impl_, path_);
  std::vector<std::string> v = def;
  if (auto e = r.lookup(key)) {
    const std::string path = r.child(key);
    v.clear();
    if (e->value.IsScalar()) {
      v.push_back(e->value.Scalar());
    } else if (e->value.IsSequence()) {
      for (std::size_t i = 0; i < e->value.size(); ++i) {
        const YAML::Node item = std::as_const(e->value)[i];
        v.push_back(r.string(item, path + "[" + std::to_string(i) + "]", item.Mark()));
      }
    } else {
      r.fail(path, value_mark(*e), "expected a string or a list of strings, got " + describe(e->value));
    }
  }
  YAML::Node list = flow_list();
  for (const auto& s : v) list.push_back(s);
  r.record(key, list);
  return v;
}

std::string Section::file_path(const std::string& key) const {
  Document::Impl& impl = *doc_->impl_;
  Reader r(impl, path_);
  Entry e = r.require(key);
  const std::string path = r.child(key);
  std::filesystem::path p = r.string(e.value, path, value_mark(e));
  if (p.empty()) r.fail(path, value_mark(e), "expected a file name, got an empty string");
  // A path typed on the command line means what the shell means: relative to the
  // working directory. Only paths written in the file are relative to the file.
  const bool from_file = impl.locate(path, value_mark(e)).file == impl.file;
  if (p.is_relative() && from_file) p = std::filesystem::path(doc_->base_dir()) / p;
  // The resolved input is printed to be saved and rerun from anywhere.
  r.record(key, YAML::Node(std::filesystem::absolute(p).lexically_normal().string()));
  return p.lexically_normal().string();
}

std::string Section::file_path(const std::string& key, const std::string& default_path) const {
  if (has(key)) return file_path(key);
  Reader r(*doc_->impl_, path_);
  const std::filesystem::path p = std::filesystem::path(default_path).lexically_normal();
  r.record(key, YAML::Node(std::filesystem::absolute(p).lexically_normal().string()));
  return p.string();
}

Section Section::section(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  r.record(key, r.enter(r.child(key), e.value, value_mark(e)));
  return Section(doc_, r.child(key));
}

std::optional<Section> Section::optional_section(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  if (!e) return std::nullopt;
  r.record(key, r.enter(r.child(key), e->value, value_mark(*e)));
  return Section(doc_, r.child(key));
}

Section Section::section_or_defaults(const std::string& key) const {
  if (has(key)) return section(key);
  Document::Impl& impl = *doc_->impl_;
  const VisitedMap& parent = impl.maps.at(path_);
  Reader r(impl, path_);
  const std::string path = r.child(key);
  r.record(key, r.enter(path, YAML::Node(YAML::NodeType::Null), parent.mark));
  impl.maps.at(path).commented = parent.commented;
  return Section(doc_, path);
}

Section Section::section_or_comment(const std::string& key) const {
  if (has(key)) return section(key);
  Document::Impl& impl = *doc_->impl_;
  VisitedMap& parent = impl.maps.at(path_);
  const std::string path = join_path(path_, key);
  YAML::Node resolved(YAML::NodeType::Map);
  // Under a commented section the child goes into its (commented) map; else into the comment tree.
  if (parent.commented)
    parent.resolved[key] = resolved;
  else
    impl.commented_map(path_)[key] = resolved;
  impl.visit(path, YAML::Node(YAML::NodeType::Null), parent.mark, resolved).commented = true;
  return Section(doc_, path);
}

std::vector<Section> Section::sections(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  const std::string path = r.child(key);
  if (!e.value.IsSequence()) r.fail(path, value_mark(e), "expected a list of maps, got " + describe(e.value));
  std::vector<Section> out;
  YAML::Node resolved(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < e.value.size(); ++i) {
    const YAML::Node item = std::as_const(e.value)[i];
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    resolved.push_back(r.enter(item_path, item, item.IsNull() ? e.value.Mark() : item.Mark()));
    out.push_back(Section(doc_, item_path));
  }
  r.record(key, resolved);
  return out;
}

std::vector<std::string> Section::user_keys() const {
  VisitedMap& map = doc_->impl_->maps.at(path_);
  map.all_known = true;
  std::vector<std::string> keys;
  if (map.node.IsMap())
    for (auto it = map.node.begin(); it != map.node.end(); ++it) keys.push_back(it->first.Scalar());
  return keys;
}

void Section::fail(const std::string& key, const std::string& message) const {
  const Document::Impl& impl = *doc_->impl_;
  const VisitedMap& map = impl.maps.at(path_);
  if (key.empty()) throw InputError(location(), path_, message);
  // `key` may reach into the value: "fields[2]", "thresholds[1].material".
  YAML::Mark mark = map.mark;
  if (auto e = find_key(map.node, key)) {
    mark = value_mark(*e);
  } else if (auto steps = split_path(key)) {
    YAML::Node node = map.node;
    YAML::Mark at = map.mark;
    bool found = true;
    for (const auto& step : *steps) {
      const YAML::Node& here = node;
      std::optional<Entry> next;
      if (step.index && here.IsSequence() && *step.index < here.size())
        next = Entry{here[*step.index], here[*step.index]};
      else if (!step.index)
        next = find_key(here, step.key);
      if (!next) {
        found = false;
        break;
      }
      at = value_mark(*next);
      node.reset(next->value);
    }
    if (found) mark = at;
  }
  throw InputError(impl.locate(join_path(path_, key), mark), join_path(path_, key), message);
}

} // namespace navox::input
