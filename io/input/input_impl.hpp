#pragma once
/// Internals shared by input_document.cpp, input_section.cpp and input_values.cpp;
/// not for other code.
#include "io/input/input.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace navox::input {

/// A map some reader visited through a Section, keyed by its path in Document::Impl.
struct VisitedMap {
  YAML::Node node;                ///< the input map; Null for an empty section ("output:")
  YAML::Mark mark;                ///< where the section starts
  YAML::Node resolved;            ///< the map in the resolved tree
  std::vector<std::string> known; ///< keys asked for, in the order asked
  bool all_known = false;         ///< set by user_keys()
  bool commented = false;         ///< absent, printed as a comment (Section::section_or_comment)
  /// For a map of user names (Section::user_keys): how the schema names its keys ("<name>").
  std::string placeholder;
  std::vector<std::string> probed; ///< keys asked for with Section::has (absent = optional)
};

struct Document::Impl {
  std::string file;
  YAML::Node root;
  YAML::Node resolved{YAML::NodeType::Map};
  /// Absent feature sections with their defaults, printed as comments after `resolved`.
  YAML::Node commented{YAML::NodeType::Map};
  std::map<std::string, VisitedMap> maps;
  /// Key path -> "--set key" for every node an override created or replaced.
  std::map<std::string, std::string> set_origins;

  /// Where the node at `path` came from: its --set override, else `mark` in the file.
  Location locate(const std::string& path, const YAML::Mark& mark) const;
  /// Registers a map reached at `path` whose resolved values go into `resolved`;
  /// a map visited before keeps its schema and resolved values.
  VisitedMap& visit(const std::string& path, const YAML::Node& node, const YAML::Mark& mark,
                    const YAML::Node& resolved);
  /// The map at `path` in the commented tree, created (with its parents) if needed.
  YAML::Node commented_map(const std::string& path);

  /// The schema as the readers asked for it, by schema path, in the order first asked.
  std::map<std::string, SchemaKey> schema;
  std::vector<std::string> schema_order;
  std::map<std::string, std::string> meanings; ///< schema path -> Section::explain's text
  /// "protocol.steps[2].plate" -> "protocol.steps[].plate"; "materials.NBH" ->
  /// "materials.<name>" (a map of user names, with its placeholder).
  std::string schema_path(const std::string& path) const;
  /// Records what `key` of the map at `path` takes; `fallback` nullopt: required.
  void note(const std::string& path, const std::string& key, std::string kind, std::optional<std::string> fallback);
};

struct Entry {
  YAML::Node key;
  YAML::Node value;
};

/// The pair for `key` in a map node (first match; duplicates are rejected at parse).
std::optional<Entry> find_key(const YAML::Node& map, const std::string& key);

/// Where a value is reported: a null value has no position of its own, so its key's.
YAML::Mark value_mark(const Entry& entry);

/// "grid" + "spacing" -> "grid.spacing"; "fields" + "[2]" -> "fields[2]".
std::string join_path(const std::string& parent, const std::string& key);

/// One step of a key path: a map key, or a list index when `index` is set.
struct PathStep {
  std::string key;
  std::optional<std::size_t> index;
};
/// Splits "a.b[1].c"; nullopt when malformed (empty key, bad index).
std::optional<std::vector<PathStep>> split_path(const std::string& path);

/// For messages: "a, b, c".
std::string join(const std::vector<std::string>& items);

/// For messages: "\"ten\"", "a map", "a list", "nothing".
std::string describe(const YAML::Node& node);

/// Lists and maps inside each other that a deck may have: real decks use under 10;
/// far fewer than yaml-cpp's recursion guard (~500), which fails with only "bad file".
constexpr int kMaxNesting = 64;

/// A place in a text, 0-based like YAML::Mark.
struct TextPosition {
  int line = 0, column = 0;
};

/// Where `text` first nests lists and maps more than `limit` levels deep, if it
/// does (nesting.cpp); linear in the text, so it runs before yaml-cpp recurses.
std::optional<TextPosition> too_deep(const std::string& text, int limit);

} // namespace navox::input
