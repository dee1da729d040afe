#include "io/output/run_summary.hpp"

#include "mesh/error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

namespace navox::io {

namespace {

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// A JSON object in insertion order: leaves and nested objects.
struct Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> children;
  std::string leaf; ///< the value's text, for a leaf
  bool is_leaf = false;
  Node& child(const std::string& name) {
    for (auto& c : children)
      if (c.first == name) return *c.second;
    children.emplace_back(name, std::make_unique<Node>());
    return *children.back().second;
  }
  void write(std::string& out, int indent) const {
    if (is_leaf) { out += leaf; return; }
    out += "{";
    for (std::size_t n = 0; n < children.size(); ++n) {
      out += n ? ",\n" : "\n";
      out += std::string(static_cast<std::size_t>(indent + 2), ' ') + quoted(children[n].first) + ": ";
      children[n].second->write(out, indent + 2);
    }
    out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "}";
  }
};

} // namespace

std::string summary_json(const std::vector<SummaryValue>& values) {
  Node root;
  for (const SummaryValue& v : values) {
    Node* n = &root;
    std::size_t start = 0, dot;
    while ((dot = v.key.find('.', start)) != std::string::npos) {
      n = &n->child(v.key.substr(start, dot - start));
      if (n->is_leaf) throw Error("run summary: \"" + v.key + "\" nests under a value");
      start = dot + 1;
    }
    Node& leaf = n->child(v.key.substr(start));
    leaf.is_leaf = true;
    leaf.leaf = v.text.empty() ? number(v.value) : quoted(v.text);
  }
  Node& units = root.child("units");
  for (const SummaryValue& v : values) {
    if (!v.text.empty()) continue;
    Node& u = units.child(v.key);
    u.is_leaf = true;
    u.leaf = quoted(v.unit);
  }
  std::string out;
  root.write(out, 0);
  return out + "\n";
}

void write_summary(const std::string& path, const std::vector<SummaryValue>& values) {
  const std::string text = summary_json(values), temporary = path + ".tmp";
  std::FILE* f = std::fopen(temporary.c_str(), "w");
  if (!f) throw Error("cannot write " + temporary + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    std::remove(temporary.c_str());
    throw Error("cannot write " + temporary + ": " + std::strerror(written ? errno : err));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    throw Error("cannot rename " + temporary + " to " + path + ": " + std::strerror(errno));
}

} // namespace navox::io
