#pragma once
/// The input deck: YAML read with a schema that lives in the code that reads it.
///
/// Each reader asks a `Section` for the keys it knows (`quantity`, `integer`,
/// `choice`, ...); every key asked for, present or not, becomes part of the
/// section's schema. `Document::finish()` then rejects keys nobody asked for,
/// with a did-you-mean suggestion from the keys that were asked for. Errors name
/// the file, line and column, and the dotted key path (`grid.spacing`).
/// Values set with `--set a.b=value` report "--set a.b" instead of a line.
///
/// Every accessor also records the resolved value (SI, defaults included) so that
/// `navox check` can print the fully resolved input, which is itself valid input.
#include "io/input/units.hpp"
#include "mesh/error.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace YAML {
class Node;
}

namespace navox::input {

struct Location {
  std::string file; ///< input file name, or "--set key" for command-line overrides
  int line = 0;     ///< 1-based; 0 when unknown
  int column = 0;   ///< 1-based; 0 when unknown
  std::string str() const; ///< "file:line:col"
};

/// Anything wrong with the input. what() = "file:line:col: path: message".
class InputError : public navox::Error {
public:
  InputError(Location loc, std::string path, std::string message);
  const Location& location() const { return loc_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

private:
  Location loc_;
  std::string path_;
  std::string message_;
};

/// The closest candidate by edit distance, if close enough to be a likely typo.
std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

class Document;

/// A SchemaKey::fallback that differs with the deck (a library's value, the metal's).
inline constexpr const char* kDependsOnDeck = "depends (see meaning)";

/// One key of the deck's schema, as a reader asked for it (Document::schema).
struct SchemaKey {
  std::string path;     ///< "grid.spacing", "protocol.steps[].plate.capacity", "materials.<name>.phase"
  std::string kind;     ///< what it takes: "length [m]", "integer 1..64", "one of: a, b", "map", ...
  bool required = false;
  std::string fallback; ///< the default as the resolved input prints it; "" = absent means off / none
  std::string meaning;  ///< from Section::explain; "" where the reader gave none
};

/// The same key asked for again (another list item, reader or deck) into what `into`
/// says of it: optional wins over required; a missing kind, default or meaning is
/// taken; two different defaults make it kDependsOnDeck (a library's value, the metal's).
void merge_key(SchemaKey& into, const SchemaKey& again);

/// A YAML map at a key path. Cheap to copy (refers to the Document).
class Section {
public:
  const std::string& path() const; ///< "" for the root, else "grid.spacing"-style
  Location location() const;       ///< where this map starts
  bool has(const std::string& key) const;

  // Scalars. The overload without a default makes the key required.
  double quantity(const std::string& key, units::Dim dim) const;
  double quantity(const std::string& key, units::Dim dim, double default_si) const;
  /// A scalar quantity for all three axes or a list of three: "1 um" or [1 um, 1 um, 2 um].
  std::array<double, 3> quantity3(const std::string& key, units::Dim dim) const;
  std::array<double, 3> quantity3(const std::string& key, units::Dim dim, std::array<double, 3> default_si) const;
  double number(const std::string& key) const;
  double number(const std::string& key, double def) const;
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) const;
  std::int64_t integer(const std::string& key, std::int64_t def, std::int64_t min, std::int64_t max) const;
  /// Three integers: a scalar for all three axes or a list of three.
  std::array<std::int64_t, 3> integer3(const std::string& key, std::int64_t min, std::int64_t max) const;
  std::array<std::int64_t, 3> integer3(const std::string& key, std::array<std::int64_t, 3> def, std::int64_t min, std::int64_t max) const;
  bool boolean(const std::string& key, bool def) const;
  std::string string(const std::string& key) const;
  std::string string(const std::string& key, const std::string& def) const;
  /// One of `options`; an unknown value gets a did-you-mean.
  std::string choice(const std::string& key, const std::vector<std::string>& options) const;
  std::string choice(const std::string& key, const std::vector<std::string>& options, const std::string& def) const;
  /// One of the names the deck itself defines (`names`, e.g. its materials): checked as
  /// choice() checks, listed in the schema as "a name in <where>", not as one deck's names.
  std::string name(const std::string& key, const std::vector<std::string>& names, const std::string& where) const;
  /// A list of strings (a single string is a list of one).
  std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& def) const;
  /// A path, resolved relative to the directory of the input file.
  std::string file_path(const std::string& key) const;
  /// The same, or `default_path` when the key is absent (relative to the directory of
  /// the input file too, as if written there).
  std::string file_path(const std::string& key, const std::string& default_path) const;

  // Nested maps.
  Section section(const std::string& key) const;                   ///< required
  std::optional<Section> optional_section(const std::string& key) const;
  /// The section at `key`, or an empty one when it is absent, whose defaults then
  /// appear in the resolved input as if written: for sections whose presence changes
  /// nothing but the values (`conditions`, `sodium`).
  Section section_or_defaults(const std::string& key) const;
  /// The section at `key`, or an empty one when it is absent, whose defaults then
  /// appear in the resolved input only as a comment: for sections whose presence
  /// turns a feature on (`sodium.phase_field`), so that the printed input, read
  /// back, leaves the feature off.
  Section section_or_comment(const std::string& key) const;
  std::vector<Section> sections(const std::string& key) const;     ///< a list of maps (required)
  /// For maps whose keys are user names (materials): all keys, in file order.
  /// Each key then counts as known; read its value with `section(key)` or `string(key)`.
  std::vector<std::string> user_keys() const;
  /// The same, for the schema: the reference lists its keys as `placeholder` ("<name>").
  std::vector<std::string> user_keys(const std::string& placeholder) const;

  /// What this section's keys mean, for the input reference (Document::schema): one
  /// short sentence each, units and defaults left to the schema. A key path below
  /// this section ("interface.preset") or "" for the section itself also works.
  void explain(std::initializer_list<std::pair<std::string_view, std::string_view>> meanings) const;

  /// Throws InputError at `key` (or at this section when key is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

private:
  friend class Document;
  Section(Document* doc, std::string path);
  Document* doc_;
  std::string path_;
};

class Document {
public:
  /// Parses YAML text; `file` is the name used in messages and the base for relative paths.
  /// Rejects YAML syntax errors and duplicate keys (naming both lines).
  static std::unique_ptr<Document> parse(const std::string& text, const std::string& file);
  ~Document();

  /// Applies one "a.b.c=value" override (value parsed as YAML); creates missing maps.
  void set(const std::string& assignment);
  Section root();
  /// Rejects every key that no reader asked for, with a did-you-mean. Call once after reading.
  void finish();
  /// The resolved input (SI values with units, defaults filled in) as YAML text;
  /// sections read with Section::section_or_comment but absent follow as comment lines.
  std::string resolved_yaml() const;
  const std::string& file() const;
  std::string base_dir() const;
  /// Every key the readers asked for so far, in the order first asked, with what it
  /// takes, its default and its meaning: the input reference (`navox reference`).
  std::vector<SchemaKey> schema() const;

  struct Impl;

private:
  friend class Section;
  Document();
  std::unique_ptr<Impl> impl_;
};

} // namespace navox::input
