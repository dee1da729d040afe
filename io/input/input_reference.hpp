#pragma once
/// The input reference: the deck schema that the readers record as they read
/// (Document::schema), gathered over several decks (each reaches the keys of its
/// own choices: one volume format, one generator, some protocol steps) and written
/// as Markdown, one table per top-level section. `navox reference` prints it;
/// docs/input-reference.md is its output, and a test keeps the two the same.
#include "io/input/input.hpp"

#include <string>
#include <vector>

namespace navox::input {

/// Adds the keys of `more` that `into` lacks, after it; a key in both is merged (merge_key).
void merge_schema(std::vector<SchemaKey>& into, const std::vector<SchemaKey>& more);

/// Markdown: a table per top-level section (key, what it takes, default, meaning);
/// `decks` are named in the header as what the schema was gathered from.
std::string reference_markdown(const std::vector<SchemaKey>& keys, const std::vector<std::string>& decks);

} // namespace navox::input
