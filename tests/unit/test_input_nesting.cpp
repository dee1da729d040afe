// Decks that nest lists and maps absurdly deep are refused at once with file:line,
// before yaml-cpp recurses into them (its own guard only says "bad file", at the
// end of the text); ordinary decks, quoted brackets and block scalars pass.
#include "io/input/input.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using navox::input::Document;
using navox::input::InputError;

namespace {

constexpr const char* kRefused = "lists and maps nest more than 64 levels deep: refused";

/// The error parsing `text` raises, or an empty one with a test failure.
InputError parse_error(const std::string& text) {
  try {
    Document::parse(text, "deep.yaml");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 80);
  return InputError({}, "", "");
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(InputNesting, HundredThousandDeepIsRefusedQuicklyWithItsLine) {
  const int n = 100000;
  const std::string decks[] = {
      "grid: {spacing: 1 um}\nextra: " + repeat("[", n) + repeat("]", n) + "\n",
      "grid: {spacing: 1 um}\nextra: " + repeat("{a: ", n) + "1" + repeat("}", n) + "\n",
      "grid: {spacing: 1 um}\nextra:\n  " + repeat("- ", n) + "x\n",
      "grid: {spacing: 1 um}\nextra: " + repeat("[", n) + "\n", // never closed
  };
  for (const auto& text : decks) {
    const auto start = std::chrono::steady_clock::now();
    const InputError e = parse_error(text);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(e.message(), kRefused) << e.what();
    EXPECT_EQ(e.location().file, "deep.yaml");
    EXPECT_EQ(e.location().line, text.find("extra:\n") == std::string::npos ? 2 : 3) << e.what();
    EXPECT_LT(seconds, 2.0) << e.what();
  }
}

TEST(InputNesting, DeepBlockMapsNameTheLineThatGoesTooDeep) {
  std::string text = "grid: {spacing: 1 um}\n";
  for (int i = 0; i < 2000; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  const InputError e = parse_error(text);
  EXPECT_EQ(e.message(), kRefused);
  // Line 1 ("grid:") and the first "k:" share level 1: line n is level n-1, so 66 is the 65th.
  EXPECT_EQ(e.location().line, 66) << e.what();
}

TEST(InputNesting, SetOverridesAreRefusedToo) {
  auto doc = Document::parse("grid: {spacing: 1 um}\n", "ok.yaml");
  try {
    doc->set("extra=" + repeat("[", 1000) + repeat("]", 1000));
    ADD_FAILURE() << "deep --set accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.location().file, "--set extra");
    EXPECT_EQ(e.message(), kRefused);
  }
}

TEST(InputNesting, OrdinaryDecksAndBracketsInTextPass) {
  // 60 levels pass; brackets inside quotes, comments, plain scalars and block
  // scalars are text, not nesting.
  const std::string text = "a: " + repeat("[", 59) + repeat("]", 59) + "\n" +
                           "b: '" + repeat("[", 100) + "'\n" +
                           "c: \"" + repeat("{", 100) + "\"\n" +
                           "d: im" + repeat("[", 100) + ".tif\n" +
                           "e: 1 # " + repeat("[", 100) + "\n" +
                           "f: |\n  " + repeat("[", 100) + "\n  it's\n" +
                           "g: &anchor\n  - [1, [2, [3]]]\n  - {k: [v, 'w]]]']}\n" +
                           "h:\n" + repeat("  ", 1) + "- - - x\n";
  EXPECT_NO_THROW(Document::parse(text, "ok.yaml"));
}

} // namespace
