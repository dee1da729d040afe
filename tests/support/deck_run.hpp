#pragma once
// Runs a committed input deck end to end in-process, with "key=value" settings on
// top and its output in a scratch directory of its own.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/log.hpp"
#include "solver/time/simulation.hpp"
#include "support/test_paths.hpp"

#include <mpi.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace navox::test {

struct DeckRun {
  std::vector<navox::StepReport> reports;
  std::string directory; ///< where the output went
};

/// The deck at `relative` (from the source root), output in scratch_dir(name).
inline DeckRun run_deck(const std::string& relative, const std::string& name,
                        const std::vector<std::string>& settings = {}) {
  const std::string deck = source_path(relative);
  std::ifstream in(deck);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = navox::input::Document::parse(text.str(), deck);
  const std::string out = scratch_dir(name);
  doc->set("output.directory=" + out);
  for (const auto& s : settings) doc->set(s);
  navox::io::Config config = navox::read_deck(doc->root());
  doc->finish();
  navox::io::Log log(MPI_COMM_WORLD, false);
  navox::Simulation sim(MPI_COMM_WORLD, config, log);
  return {sim.run(), out};
}

} // namespace navox::test
