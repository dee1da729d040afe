#pragma once
// The V8 cell of tests/data/electrochem/nucleation_v8.yaml, plated with settings
// on top of the deck (shared by the V8 and the rank-count tests).
#include "io/config.hpp"
#include "io/input.hpp"
#include "io/log.hpp"
#include "physics/sodium_metal.hpp"
#include "solver/simulation.hpp"
#include "support/test_paths.hpp"

#include <mpi.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace navox::test::v8 {

/// n x n x 5 labels: NBH below z = 4, the gap layer at z = 4 with an Al contact on every other column.
inline void write_contacts(const std::string& path, int n) {
  std::ofstream out(path, std::ios::binary);
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const char label = k < 4 ? 0 : (i % 2 == 0 && j % 2 == 0) ? 1 : 2;
        out.put(label);
      }
}

struct Plating {
  std::vector<navox::StepReport> reports;
  std::string nuclei; ///< the nuclei CSV
  double dip = 0;     ///< largest |V| [V]
  double plateau = 0; ///< |V| at the end [V]
};

/// Runs the deck on n x n columns with `settings` ("key=value") applied on top.
inline Plating plate(const std::string& name, const std::vector<std::string>& settings, int n = 32) {
  int size = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::string out = navox::test::scratch_dir("nucleation_v8_" + name);
  if (rank == 0) write_contacts(out + "/contacts.raw", n);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string deck = navox::test::source_path("tests/data/electrochem/nucleation_v8.yaml");
  std::ifstream in(deck);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = navox::input::Document::parse(text.str(), deck);
  doc->set("output.directory=" + out);
  doc->set("microstructure.volume.path=" + out + "/contacts.raw");
  doc->set("microstructure.volume.dims=[" + std::to_string(n) + ", " + std::to_string(n) + ", 5]");
  for (const auto& s : settings) doc->set(s);
  navox::io::Config config = navox::io::read_config(doc->root());
  doc->finish();
  navox::io::Log log(MPI_COMM_WORLD, false);
  navox::Simulation sim(MPI_COMM_WORLD, config, log);
  Plating p{sim.run(), out + "/navox_nuclei.csv"};
  for (const auto& r : p.reports) p.dip = std::max(p.dip, -r.voltage);
  p.plateau = -p.reports.back().voltage;
  return p;
}

inline std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

} // namespace navox::test::v8
