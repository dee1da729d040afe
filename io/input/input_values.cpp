// Section's typed accessors: quantities, numbers, integers, booleans, strings,
// choices, lists of strings and file paths, each recorded in the resolved input.
#include "io/input/section_reader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

namespace navox::input {

double Section::quantity(const std::string& key, units::Dim dim) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  double v = r.quantity(e.value, r.child(key), value_mark(e), dim);
  r.record(key, YAML::Node(format_quantity(v, dim)));
  r.note(key, Reader::kind_of(dim));
  return v;
}

double Section::quantity(const std::string& key, units::Dim dim, double default_si) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  double v = e ? r.quantity(e->value, r.child(key), value_mark(*e), dim) : default_si;
  r.record(key, YAML::Node(format_quantity(v, dim)));
  r.note(key, Reader::kind_of(dim), format_quantity(default_si, dim));
  return v;
}

std::array<double, 3> Section::quantity3(const std::string& key, units::Dim dim) const {
  Reader r(*doc_->impl_, path_);
  auto v = r.quantity3(r.require(key), dim);
  r.record3(key, v, dim);
  r.note(key, Reader::kind_of(dim) + ", one or [x, y, z]");
  return v;
}

std::array<double, 3> Section::quantity3(const std::string& key, units::Dim dim, std::array<double, 3> default_si) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  auto v = e ? r.quantity3(*e, dim) : default_si;
  r.record3(key, v, dim);
  r.note(key, Reader::kind_of(dim) + ", one or [x, y, z]", Reader::text_of(default_si, dim));
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
  r.note(key, Reader::kind_of(min, max));
  return v;
}

std::int64_t Section::integer(const std::string& key, std::int64_t def, std::int64_t min, std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  std::int64_t v = e ? r.integer(e->value, r.child(key), value_mark(*e), min, max) : def;
  r.record(key, YAML::Node(v));
  r.note(key, Reader::kind_of(min, max), std::to_string(def));
  return v;
}

std::array<std::int64_t, 3> Section::integer3(const std::string& key, std::int64_t min, std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  auto v = r.integer3(r.require(key), min, max);
  r.record3(key, v);
  r.note(key, Reader::kind_of(min, max) + ", one or [x, y, z]");
  return v;
}

std::array<std::int64_t, 3> Section::integer3(const std::string& key, std::array<std::int64_t, 3> def, std::int64_t min,
                                              std::int64_t max) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  auto v = e ? r.integer3(*e, min, max) : def;
  r.record3(key, v);
  r.note(key, Reader::kind_of(min, max) + ", one or [x, y, z]", Reader::text_of(def));
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
  r.note(key, "true | false", def ? "true" : "false");
  return v;
}

std::string Section::string(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  std::string v = r.string(e.value, r.child(key), value_mark(e));
  r.record(key, YAML::Node(v));
  r.note(key, "text");
  return v;
}

std::string Section::string(const std::string& key, const std::string& def) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  std::string v = e ? r.string(e->value, r.child(key), value_mark(*e)) : def;
  r.record(key, YAML::Node(v));
  r.note(key, "text", def);
  return v;
}

std::string Section::choice(const std::string& key, const std::vector<std::string>& options) const {
  Reader r(*doc_->impl_, path_);
  std::string v = r.choice(r.require(key), options);
  r.record(key, YAML::Node(v));
  r.note(key, "one of: " + join(options));
  return v;
}

std::string Section::choice(const std::string& key, const std::vector<std::string>& options, const std::string& def) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  std::string v = e ? r.choice(*e, options) : def;
  r.record(key, YAML::Node(v));
  r.note(key, "one of: " + join(options), def);
  return v;
}

std::string Section::name(const std::string& key, const std::vector<std::string>& names,
                          const std::string& where) const {
  Reader r(*doc_->impl_, path_);
  std::string v = r.choice(r.require(key), names);
  r.record(key, YAML::Node(v));
  r.note(key, "a name in " + where);
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
  std::string fallback = "[";
  for (std::size_t i = 0; i < def.size(); ++i) fallback += (i ? ", " : "") + def[i];
  r.note(key, "text or a list of texts", fallback + "]");
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
  r.note(key, "file path (relative to the deck)");
  return p.lexically_normal().string();
}

std::string Section::file_path(const std::string& key, const std::string& default_path) const {
  if (has(key)) {
    std::string p = file_path(key);
    Reader(*doc_->impl_, path_).note(key, "file path (relative to the deck)", default_path);
    return p;
  }
  Reader r(*doc_->impl_, path_);
  // A default stands for a path written in the file: relative to the file too.
  std::filesystem::path p = default_path;
  if (p.is_relative()) p = std::filesystem::path(doc_->base_dir()) / p;
  r.record(key, YAML::Node(std::filesystem::absolute(p).lexically_normal().string()));
  r.note(key, "file path (relative to the deck)", default_path);
  return p.lexically_normal().string();
}

} // namespace navox::input
