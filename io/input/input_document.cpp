#include "io/input/input_impl.hpp"

#include <yaml-cpp/depthguard.h> // YAML::DeepRecursion, not included by yaml.h

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <tuple>

namespace navox::input {
namespace {

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions,
/// the commonest typo ("sapcing").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string trim(const std::string& s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto begin = std::find_if_not(s.begin(), s.end(), space);
  auto end = std::find_if_not(s.rbegin(), s.rend(), space).base();
  return begin < end ? std::string(begin, end) : std::string();
}

/// yaml-cpp keeps both pairs of a repeated key, and later lookups would silently
/// take the first; reject them once, up front, naming both lines.
void check_keys(const Document::Impl& impl, const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) {
    std::map<std::string, YAML::Mark> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar())
        throw InputError(impl.locate(path, it->first.Mark()), path, "keys must be plain names, got " + describe(it->first));
      const std::string& key = it->first.Scalar();
      const std::string child = join_path(path, key);
      auto [first, inserted] = seen.emplace(key, it->first.Mark());
      if (!inserted) {
        throw InputError(impl.locate(child, it->first.Mark()), child,
                         "duplicate key \"" + key + "\" (first at line " + std::to_string(first->second.line + 1) + ")");
      }
      check_keys(impl, it->second, child);
    }
  } else if (node.IsSequence()) {
    std::size_t i = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++i)
      check_keys(impl, *it, path + "[" + std::to_string(i) + "]");
  }
}

/// Empty maps print as "{}" rather than an empty block, which would read back as null.
void style_for_output(YAML::Node node) {
  if (node.IsMap()) {
    node.SetStyle(node.size() == 0 ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
    for (auto it = node.begin(); it != node.end(); ++it) style_for_output(it->second);
  } else if (node.IsSequence() && node.Style() != YAML::EmitterStyle::Flow) {
    for (auto it = node.begin(); it != node.end(); ++it) style_for_output(*it);
  }
}

} // namespace

// --- small shared helpers ----------------------------------------------------

std::string Location::str() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

InputError::InputError(Location loc, std::string path, std::string message)
    : Error(loc.str() + ": " + (path.empty() ? "" : path + ": ") + message), loc_(std::move(loc)),
      path_(std::move(path)), message_(std::move(message)) {}

std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  const std::size_t limit = std::max<std::size_t>(2, w.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    std::size_t d = edit_distance(w, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::optional<Entry> find_key(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return std::nullopt;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->first, it->second};
  return std::nullopt;
}

YAML::Mark value_mark(const Entry& entry) {
  return entry.value.IsNull() ? entry.key.Mark() : entry.value.Mark();
}

std::string join_path(const std::string& parent, const std::string& key) {
  if (parent.empty()) return key;
  return key.rfind('[', 0) == 0 ? parent + key : parent + "." + key;
}

std::optional<std::vector<PathStep>> split_path(const std::string& path) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    std::string key = path.substr(i, end - i);
    if (key.empty()) return std::nullopt;
    steps.push_back({key, std::nullopt});
    i = end;
    while (i < path.size() && path[i] == '[') {
      std::size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return std::nullopt;
      std::string digits = path.substr(i + 1, close - i - 1);
      if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
      steps.push_back({"", std::stoul(digits)});
      i = close + 1;
    }
    if (i == path.size()) break;
    if (path[i] != '.') return std::nullopt;
    ++i;
  }
  return steps;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Scalar: return "\"" + node.Scalar() + "\"";
  case YAML::NodeType::Sequence: return "a list";
  case YAML::NodeType::Map: return "a map";
  default: return "nothing";
  }
}

// --- Document::Impl ------------------------------------------------------------

Location Document::Impl::locate(const std::string& path, const YAML::Mark& mark) const {
  // The innermost override wins: "--set a.b=1" after "--set a={...}" owns a.b.
  std::string prefix = path;
  while (true) {
    auto it = set_origins.find(prefix);
    if (it != set_origins.end()) return Location{it->second, 0, 0};
    std::size_t cut = prefix.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) break;
    prefix.resize(cut);
  }
  if (mark.is_null() || mark.line < 0) return Location{file, 0, 0};
  return Location{file, mark.line + 1, mark.column + 1};
}

VisitedMap& Document::Impl::visit(const std::string& path, const YAML::Node& node, const YAML::Mark& mark,
                                  const YAML::Node& resolved_map) {
  auto it = maps.find(path);
  if (it == maps.end()) it = maps.emplace(path, VisitedMap{node, mark, resolved_map, {}, false, false, {}, {}}).first;
  return it->second;
}

std::string Document::Impl::schema_path(const std::string& path) const {
  if (path.empty()) return path;
  const auto steps = split_path(path);
  if (!steps) return path;
  std::string concrete, schema;
  for (const auto& step : *steps) {
    if (step.index) {
      concrete += "[" + std::to_string(*step.index) + "]";
      schema += "[]";
      continue;
    }
    const auto parent = maps.find(concrete);
    const bool user_name = parent != maps.end() && !parent->second.placeholder.empty();
    schema = join_path(schema, user_name ? parent->second.placeholder : step.key);
    concrete = join_path(concrete, step.key);
  }
  return schema;
}

void Document::Impl::note(const std::string& path, const std::string& key, std::string kind,
                          std::optional<std::string> fallback) {
  const auto map = maps.find(path);
  const bool user_name = map != maps.end() && !map->second.placeholder.empty();
  const std::string at = join_path(schema_path(path), user_name ? map->second.placeholder : key);
  SchemaKey asked{at, std::move(kind), !fallback, fallback.value_or(""), ""};
  auto [it, added] = schema.try_emplace(at, asked);
  if (added)
    schema_order.push_back(at);
  else
    merge_key(it->second, asked);
}

void merge_key(SchemaKey& into, const SchemaKey& again) {
  if (into.meaning.empty()) into.meaning = again.meaning;
  if (into.kind.empty()) into.kind = again.kind;
  if (into.required && !again.required) into.required = false;
  if (into.fallback.empty())
    into.fallback = again.fallback;
  else if (!again.fallback.empty() && again.fallback != into.fallback)
    into.fallback = kDependsOnDeck;
}

YAML::Node Document::Impl::commented_map(const std::string& path) {
  YAML::Node cur = commented;
  if (path.empty()) return cur;
  for (const auto& step : split_path(path).value_or(std::vector<PathStep>{{path, std::nullopt}})) {
    const std::string key = step.index ? "[" + std::to_string(*step.index) + "]" : step.key;
    auto entry = find_key(cur, key);
    if (!entry || !entry->value.IsMap()) cur[key] = YAML::Node(YAML::NodeType::Map);
    cur.reset(cur[key]);
  }
  return cur;
}

// --- Document ------------------------------------------------------------------

namespace {

/// Nodes a deck may expand to: real decks have hundreds. Anchors and aliases share
/// nodes, so a few lines can expand to 10^12 (a "billion laughs"), which every walk
/// over the tree would then take.
constexpr long kMaxNodes = 1000000;

/// Counts the nodes of the expanded tree, stopping once past `limit`.
long count_nodes(const YAML::Node& node, long limit, long count = 0) {
  if (++count > limit) return count;
  if (node.IsSequence() || node.IsMap())
    for (auto it = node.begin(); it != node.end() && count <= limit; ++it) {
      if (node.IsMap()) {
        count = count_nodes(it->first, limit, count);
        if (count <= limit) count = count_nodes(it->second, limit, count);
      } else {
        count = count_nodes(*it, limit, count);
      }
    }
  return count;
}

std::string nesting_message() {
  return "lists and maps nest more than " + std::to_string(kMaxNesting) + " levels deep: refused";
}

YAML::Mark mark_at(const TextPosition& at) {
  YAML::Mark mark;
  mark.line = at.line;
  mark.column = at.column;
  return mark;
}

} // namespace

Document::Document() : impl_(std::make_unique<Impl>()) {}
Document::~Document() = default;

std::unique_ptr<Document> Document::parse(const std::string& text, const std::string& file) {
  std::unique_ptr<Document> doc(new Document());
  Impl& impl = *doc->impl_;
  impl.file = file;
  // Deep nesting is refused before yaml-cpp recurses into it; its own guard
  // ("bad file") is the backstop should the scan miss a construct.
  if (auto at = too_deep(text, kMaxNesting)) throw InputError(impl.locate("", mark_at(*at)), "", nesting_message());
  try {
    impl.root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(impl.locate("", e.mark), "", nesting_message());
  } catch (const YAML::Exception& e) {
    throw InputError(impl.locate("", e.mark), "", e.msg);
  }
  if (!impl.root.IsDefined() || impl.root.IsNull()) impl.root = YAML::Node(YAML::NodeType::Map);
  if (!impl.root.IsMap())
    throw InputError(impl.locate("", impl.root.Mark()), "", "expected a map of sections, got " + describe(impl.root));
  if (count_nodes(impl.root, kMaxNodes) > kMaxNodes)
    throw InputError(impl.locate("", impl.root.Mark()), "",
                     "the input expands to more than " + std::to_string(kMaxNodes) +
                         " values (anchors and aliases repeating each other?): refused");
  check_keys(impl, impl.root, "");
  return doc;
}

void Document::set(const std::string& assignment) {
  Impl& impl = *impl_;
  const std::size_t eq = assignment.find('=');
  const std::string key = trim(assignment.substr(0, eq));
  if (eq == std::string::npos || key.empty())
    throw InputError(Location{"--set", 0, 0}, "", "expected key=value, got \"" + assignment + "\"");
  const std::string origin = "--set " + key;
  const auto steps = split_path(key);
  if (!steps) throw InputError(Location{origin, 0, 0}, key, "not a key path like grid.spacing or a.list[0].b");

  YAML::Node value;
  const std::string value_text = assignment.substr(eq + 1);
  if (too_deep(value_text, kMaxNesting)) throw InputError(Location{origin, 0, 0}, key, nesting_message());
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::DeepRecursion&) {
    throw InputError(Location{origin, 0, 0}, key, nesting_message());
  } catch (const YAML::Exception& e) {
    throw InputError(Location{origin, 0, 0}, key, e.msg);
  }

  YAML::Node cur = impl.root;
  std::string path;
  auto fail = [&](const std::string& message) { throw InputError(Location{origin, 0, 0}, key, message); };
  for (std::size_t s = 0; s < steps->size(); ++s) {
    const PathStep& step = (*steps)[s];
    const bool last = s + 1 == steps->size();
    const std::string parent = path;
    path = step.index ? path + "[" + std::to_string(*step.index) + "]" : join_path(path, step.key);
    if (step.index) {
      if (!cur.IsSequence() || *step.index >= cur.size())
        fail("\"" + parent + "\" has no item " + std::to_string(*step.index));
      YAML::Node item = cur[*step.index];
      if (last) item = value;
      cur.reset(item);
      continue;
    }
    if (cur.IsNull()) cur = YAML::Node(YAML::NodeType::Map);
    if (!cur.IsMap()) fail("\"" + parent + "\" is not a map");
    if (last) {
      cur[step.key] = value;
      break;
    }
    if (auto entry = find_key(cur, step.key)) {
      cur.reset(entry->value);
    } else {
      cur[step.key] = YAML::Node(YAML::NodeType::Map);
      impl.set_origins.emplace(path, origin);
      cur.reset(cur[step.key]);
    }
  }
  // The new value replaces everything that was below it, overrides included.
  for (auto it = impl.set_origins.lower_bound(path); it != impl.set_origins.end() && it->first.rfind(path, 0) == 0;) {
    const char next = it->first.size() > path.size() ? it->first[path.size()] : '\0';
    it = next == '.' || next == '[' ? impl.set_origins.erase(it) : std::next(it);
  }
  impl.set_origins[path] = origin;
  check_keys(impl, value, path);
}

std::vector<SchemaKey> Document::schema() const {
  std::vector<SchemaKey> out;
  for (const auto& path : impl_->schema_order) {
    SchemaKey k = impl_->schema.at(path);
    if (auto m = impl_->meanings.find(path); m != impl_->meanings.end()) k.meaning = m->second;
    out.push_back(std::move(k));
  }
  return out;
}

Section Document::root() {
  impl_->visit("", impl_->root, impl_->root.Mark(), impl_->resolved);
  return Section(this, "");
}

void Document::finish() {
  struct Unknown {
    Location loc;
    std::string path;
    std::string message;
  };
  std::optional<Unknown> first;
  auto order = [](const Location& l) { return std::make_tuple(l.line == 0, l.line, l.column); };
  for (const auto& [path, map] : impl_->maps) {
    if (map.all_known || !map.node.IsMap()) continue;
    for (auto it = map.node.begin(); it != map.node.end(); ++it) {
      const std::string& key = it->first.Scalar();
      if (std::find(map.known.begin(), map.known.end(), key) != map.known.end()) continue;
      const std::string child = join_path(path, key);
      Location loc = impl_->locate(child, it->first.Mark());
      if (first && order(first->loc) <= order(loc)) continue;
      std::string message = "unknown key \"" + key + "\"";
      if (auto guess = did_you_mean(key, map.known))
        message += "; did you mean \"" + *guess + "\"?";
      else if (map.known.empty())
        message += "; this section takes no keys";
      else
        message += "; known keys: " + join(map.known);
      first = Unknown{loc, child, message};
    }
  }
  if (first) throw InputError(first->loc, first->path, first->message);
}

std::string Document::resolved_yaml() const {
  style_for_output(impl_->resolved);
  YAML::Emitter out;
  out << impl_->resolved;
  std::string text = std::string(out.c_str()) + "\n";
  if (impl_->commented.size() == 0) return text;
  style_for_output(impl_->commented);
  YAML::Emitter off;
  off << impl_->commented;
  text += "# Optional sections not in the input (each is off while absent), with the defaults they would take:\n";
  std::istringstream lines(off.c_str());
  for (std::string line; std::getline(lines, line);) text += "#   " + line + "\n";
  return text;
}

const std::string& Document::file() const { return impl_->file; }

std::string Document::base_dir() const {
  std::string dir = std::filesystem::path(impl_->file).parent_path().string();
  return dir.empty() ? "." : dir;
}

} // namespace navox::input
