/// A cheap pass over the deck's text, before yaml-cpp sees it, that finds where
/// lists and maps nest deeper than any real deck does.
///
/// Why: yaml-cpp parses nested nodes by recursion. Its own guard stops at ~500
/// levels with the bare message "bad file" at a position that may be the end of
/// the text, and every walk over the tree after it (key checks, node counts,
/// printing) recurses again. Refusing here names the line where the nesting
/// goes too deep, in time linear in the text.
///
/// This is not a YAML parser: it counts block indentation levels, "- "/"? "
/// entries at the start of a line and open flow brackets, skipping quoted
/// scalars, comments and block scalars (| and >). Brackets inside a plain
/// scalar ("im[1].tif") are not counted. It may miss an exotic construct; yaml-cpp's
/// guard (caught in Document::parse) is the backstop.
#include "io/input/input_impl.hpp"

#include <vector>

namespace navox::input {

std::optional<TextPosition> too_deep(const std::string& text, int limit) {
  std::vector<int> indents;    // block indentation columns of the enclosing nodes
  int flow = 0;                // open [ and { brackets
  char quote = 0;              // inside a quoted scalar that spans lines: ' or "
  int block_scalar = -1;       // indentation of the line that opened a | or > scalar
  int line = 0;
  for (std::size_t begin = 0; begin < text.size(); ++line) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view row(text.data() + begin, end - begin);
    begin = end + 1;

    std::size_t i = 0;
    while (i < row.size() && row[i] == ' ') ++i;
    const int indent = static_cast<int>(i);
    const bool blank = row.find_first_not_of(" \t\r") == std::string_view::npos;
    if (block_scalar >= 0) {
      if (blank || indent > block_scalar) continue; // the scalar's own text
      block_scalar = -1;
    }
    int depth = 0;
    bool at_start = true; // where a scalar or collection may begin
    if (quote == 0 && flow == 0) {
      if (blank || row[i] == '#') continue;
      if (row.substr(i, 3) == "---" || row.substr(i, 3) == "...") {
        indents.clear(); // a document marker
        continue;
      }
      while (!indents.empty() && indents.back() > indent) indents.pop_back();
      if (indents.empty() || indents.back() < indent) indents.push_back(indent);
      depth = static_cast<int>(indents.size());
      // "- - x" and "? " open one level each on the same line.
      while (i < row.size() && (row[i] == '-' || row[i] == '?') &&
             (i + 1 == row.size() || row[i + 1] == ' ' || row[i + 1] == '\r')) {
        ++depth;
        if (depth + flow > limit) return TextPosition{line, static_cast<int>(i)};
        ++i;
        while (i < row.size() && row[i] == ' ') ++i;
      }
      if (depth > limit) return TextPosition{line, indent};
    } else {
      depth = static_cast<int>(indents.size());
      i = 0;
    }

    for (; i < row.size(); ++i) {
      const char c = row[i];
      if (quote == '"') {
        if (c == '\\') ++i;
        else if (c == '"') quote = 0;
        continue;
      }
      if (quote == '\'') {
        if (c == '\'' && i + 1 < row.size() && row[i + 1] == '\'') ++i;
        else if (c == '\'') quote = 0;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') continue;
      if (c == '#' && (i == 0 || row[i - 1] == ' ' || row[i - 1] == '\t')) break; // a comment
      if (flow > 0 || at_start) {
        if (c == '[' || c == '{') {
          ++flow;
          if (depth + flow > limit) return TextPosition{line, static_cast<int>(i)};
          at_start = true;
          continue;
        }
      }
      if (flow > 0 && (c == ']' || c == '}')) {
        --flow;
        at_start = false;
        continue;
      }
      if (at_start && (c == '"' || c == '\'')) {
        quote = c;
        at_start = false;
        continue;
      }
      if (at_start && (c == '&' || c == '!')) { // an anchor or a tag before the node
        while (i + 1 < row.size() && row[i + 1] != ' ') ++i;
        continue;
      }
      if (at_start && flow == 0 && (c == '|' || c == '>')) {
        block_scalar = indent;
        break;
      }
      // A mapping value, or in flow context an entry, may begin after these.
      const bool next_blank = i + 1 == row.size() || row[i + 1] == ' ' || row[i + 1] == '\r';
      at_start = (c == ':' && (flow > 0 || next_blank)) || (flow > 0 && c == ',');
    }
  }
  return std::nullopt;
}

} // namespace navox::input
