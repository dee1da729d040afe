// Section's navigation: where a section is, which keys it has, the sections and
// lists of sections under it, and errors located at its keys.
#include "io/input/section_reader.hpp"

#include <utility>

namespace navox::input {

Section::Section(Document* doc, std::string path) : doc_(doc), path_(std::move(path)) {}

const std::string& Section::path() const { return path_; }

Location Section::location() const {
  const Document::Impl& impl = *doc_->impl_;
  return impl.locate(path_, impl.maps.at(path_).mark);
}

bool Section::has(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  r.probe(key);
  const bool present = r.lookup(key).has_value();
  // A key read only when present is in the schema even where a deck leaves it out;
  // what it takes comes from the read that follows, in a deck that has it.
  if (!present) r.note(key, "", "");
  return present;
}

Section Section::section(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  Entry e = r.require(key);
  r.record(key, r.enter(r.child(key), e.value, value_mark(e)));
  r.note(key, "map");
  return Section(doc_, r.child(key));
}

std::optional<Section> Section::optional_section(const std::string& key) const {
  Reader r(*doc_->impl_, path_);
  auto e = r.lookup(key);
  r.note(key, "map", "");
  if (!e) return std::nullopt;
  r.record(key, r.enter(r.child(key), e->value, value_mark(*e)));
  return Section(doc_, r.child(key));
}

Section Section::section_or_defaults(const std::string& key) const {
  Reader(*doc_->impl_, path_).note(key, "map", "its defaults");
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
  Reader(*doc_->impl_, path_).note(key, "map", "");
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
  r.note(key, "list of maps");
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

std::vector<std::string> Section::user_keys(const std::string& placeholder) const {
  doc_->impl_->maps.at(path_).placeholder = placeholder;
  return user_keys();
}

void Section::explain(std::initializer_list<std::pair<std::string_view, std::string_view>> meanings) const {
  Document::Impl& impl = *doc_->impl_;
  const std::string here = impl.schema_path(path_);
  for (const auto& [key, text] : meanings)
    impl.meanings[key.empty() ? here : join_path(here, std::string(key))] = std::string(text);
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
