#pragma once
// Runs a committed input deck end to end in-process, with "key=value" settings on
// top and its output in a scratch directory of its own.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/hdf5_writer.hpp"
#include "io/output/log.hpp"
#include "mesh/box.hpp"
#include "solver/time/simulation.hpp"
#include "support/test_paths.hpp"

#include <mpi.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace navox::test {

struct DeckRun {
  std::vector<navox::StepReport> reports;
  std::string directory;                  ///< where the output went
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< the grid's voxels along x, y, z
  navox::MaterialTable materials;         ///< the deck's material table (label values index it)
};

/// The deck at `relative` (from the source root) run on `comm`, output in `out` (a
/// directory made beforehand: on a communicator other than MPI_COMM_WORLD,
/// scratch_dir cannot be called, it is collective on MPI_COMM_WORLD).
inline DeckRun run_deck_on(MPI_Comm comm, const std::string& relative, const std::string& out,
                           const std::vector<std::string>& settings = {}, const navox::RunOptions& options = {}) {
  const std::string deck = source_path(relative);
  std::ifstream in(deck);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = navox::input::Document::parse(text.str(), deck);
  doc->set("output.directory=" + out);
  for (const auto& s : settings) doc->set(s);
  navox::io::Config config = navox::read_deck(doc->root());
  doc->finish();
  navox::io::Log log(comm, false);
  navox::Simulation sim(comm, config, log);
  DeckRun run{sim.run(options), out, {}, config.materials};
  for (int d = 0; d < 3; ++d) run.dims[static_cast<std::size_t>(d)] = sim.grid().spec().dims[static_cast<std::size_t>(d)];
  return run;
}

/// The deck at `relative` (from the source root), output in scratch_dir(name).
inline DeckRun run_deck(const std::string& relative, const std::string& name,
                        const std::vector<std::string>& settings = {}) {
  return run_deck_on(MPI_COMM_WORLD, relative, scratch_dir(name), settings);
}

/// Field `name` of the run's last step, as its HDF5 output holds it (the whole grid,
/// x fastest; the deck writes hdf5 at that step).
inline std::vector<double> last_step_field(const DeckRun& run, const std::string& name) {
  navox::Box all;
  for (int d = 0; d < 3; ++d) all.n[d] = run.dims[static_cast<std::size_t>(d)];
  char file[64];
  std::snprintf(file, sizeof file, "/navox_%06ld.h5", long(run.reports.back()["step"]));
  return navox::io::read_hdf5_field(run.directory + file, name, all);
}

} // namespace navox::test
