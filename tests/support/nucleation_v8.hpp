#pragma once
// The V8 cell of tests/data/electrochem/nucleation_v8.yaml, plated with settings
// on top of the deck (shared by the V8 and the rank-count tests).
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"
#include "support/test_paths.hpp"

#include <mpi.h>

#include <algorithm>
#include <fstream>

namespace navox::test::v8 {

/// n x n x 5 labels: NBH below z = 4, the gap layer at z = 4 with an Al contact on every
/// other column; each voxel split into r x r x r (the same cell at voxel size h / r).
inline void write_contacts(const std::string& path, int n, int r = 1) {
  std::ofstream out(path, std::ios::binary);
  for (int k = 0; k < 5 * r; ++k)
    for (int j = 0; j < n * r; ++j)
      for (int i = 0; i < n * r; ++i) {
        const int I = i / r, J = j / r, K = k / r;
        const char label = K < 4 ? 0 : (I % 2 == 0 && J % 2 == 0) ? 1 : 2;
        out.put(label);
      }
}

struct Plating {
  std::vector<navox::StepReport> reports;
  std::string nuclei; ///< the nuclei CSV
  double dip = 0;     ///< largest |V| [V]
  double plateau = 0; ///< |V| at the end [V]
};

/// Runs the deck on n x n columns with `settings` ("key=value") applied on top, on
/// voxels of 0.25 um / r.
inline Plating plate(const std::string& name, const std::vector<std::string>& settings, int n = 32, int r = 1) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::string volume = navox::test::scratch_dir("nucleation_v8_" + name + "_volume");
  if (rank == 0) write_contacts(volume + "/contacts.raw", n, r);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string m = std::to_string(n * r);
  std::vector<std::string> all{"microstructure.volume.path=" + volume + "/contacts.raw",
                                "microstructure.volume.dims=[" + m + ", " + m + ", " + std::to_string(5 * r) + "]",
                                "grid.spacing=" + std::to_string(0.25 / r) + " um"};
  all.insert(all.end(), settings.begin(), settings.end());
  auto run = navox::test::run_deck("tests/data/electrochem/nucleation_v8.yaml", "nucleation_v8_" + name, all);
  Plating p{run.reports, run.directory + "/navox_nuclei.csv"};
  for (const auto& r : p.reports) p.dip = std::max(p.dip, -r["V"]);
  p.plateau = -p.reports.back()["V"];
  return p;
}

inline std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

} // namespace navox::test::v8
