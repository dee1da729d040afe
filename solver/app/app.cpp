#include "solver/app/app.hpp"

#include "io/input/config.hpp"
#include "io/input/input_reference.hpp"
#include "io/output/log.hpp"
#include "io/output/output_writer.hpp"
#include "mesh/collective.hpp"
#include "navox/version.hpp"
#include "solver/analysis/analyze.hpp"
#include "solver/app/memory_guard.hpp"
#include "solver/app/stop_signals.hpp"
#include "solver/time/simulation.hpp"

#include <hdf5.h>
#include <petscsys.h>
#include <petsctime.h>
#include <vtkVersion.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace navox {

std::string version_text() {
  char petsc[256];
  PetscGetVersion(petsc, sizeof petsc);
  std::string petsc_line(petsc);
  petsc_line.erase(petsc_line.find_last_not_of(' ') + 1); // PETSc's string ends in a space
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(mpi, &len);
  std::string mpi_line(mpi, len);
  mpi_line = mpi_line.substr(0, mpi_line.find_first_of("\n,"));
  std::ostringstream os;
  os << "navox " << NAVOX_VERSION << "\n"
     << "  " << petsc_line << ", " << 8 * sizeof(PetscInt) << "-bit indices\n"
     << "  HDF5 " << maj << "." << min << "." << rel << " (parallel)\n"
     << "  VTK " << vtkVersion::GetVTKVersion() << "\n"
     << "  " << mpi_line << "\n";
  return os.str();
}

namespace {

/// Rank 0 reads the file once (no metadata storm on a parallel file system) and broadcasts it.
std::string read_input_text(MPI_Comm comm, const std::string& path) {
  std::string text;
  on_root(comm, [&] {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open the input file");
    std::ostringstream os;
    os << in.rdbuf();
    text = os.str();
  });
  broadcast(comm, 0, text);
  return text;
}

struct Parsed {
  std::unique_ptr<input::Document> doc;
  io::Config config;
};

/// Parsing is deterministic, so every rank fails alike; `collectively` still guards it.
Parsed parse_input(MPI_Comm comm, const CommandLine& cl, io::Purpose purpose) {
  const std::string text = read_input_text(comm, cl.input);
  Parsed p;
  collectively(comm, [&] {
    p.doc = input::Document::parse(text, cl.input);
    for (const auto& o : cl.overrides) p.doc->set(o);
    p.config = read_deck(p.doc->root(), purpose);
    p.config.file = cl.input;
    p.doc->finish();
  });
  return p;
}

} // namespace

int command_check(MPI_Comm comm, const CommandLine& cl) {
  // Decks for `analyze` need no time or output: check accepts both kinds and says which.
  Parsed p = parse_input(comm, cl, io::Purpose::check);
  // Everything short of reading voxels: the volume file's header against its dims and
  // dtype, the crop inside the volume, generated and stacked layers that fit together.
  std::unique_ptr<io::LabelSource> cell;
  collectively(comm, [&] { cell = io::open_microstructure(p.config); });
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    const auto& d = p.config.grid.dims;
    std::printf("# %s: valid. Resolved input (SI units):\n%s\n", cl.input.c_str(), p.doc->resolved_yaml().c_str());
    std::printf("# cell: %lld x %lld x %lld voxels: %s\n", (long long)d[0], (long long)d[1], (long long)d[2],
                cell->describe().c_str());
    if (!p.config.protocol)
      std::printf("# no \"protocol\" section: potentiostatic at conditions.electrode_potential\n");
    if (!p.config.has_time || !p.config.has_output)
      std::printf("# no \"time\"/\"output\" section: valid for `navox analyze`, not for `navox run`\n");
    std::fflush(stdout);
  }
  return 0;
}

int command_reference(MPI_Comm comm, const CommandLine& cl) {
  std::vector<input::SchemaKey> keys;
  for (const std::string& deck : cl.decks) {
    CommandLine one = cl;
    one.input = deck;
    Parsed p = parse_input(comm, one, io::Purpose::check);
    input::merge_schema(keys, p.doc->schema());
  }
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    std::fputs(input::reference_markdown(keys, cl.decks).c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

int command_run(MPI_Comm comm, const CommandLine& cl) {
  Parsed p = parse_input(comm, cl, io::Purpose::run);
  io::Log log(comm);
  int size = 1;
  MPI_Comm_size(comm, &size);
  log.info("navox %s: %s on %d rank%s", NAVOX_VERSION, cl.input.c_str(), size, size == 1 ? "" : "s");
  StopSignals signals;
  Simulation sim(comm, std::move(p.config), log);
  sim.run({cl.restart, StopSignals::flag(), false}); // the rows are in the time-series file
  if (sim.interrupted()) {
    log.info("stopped by a signal: checkpoint written; continue with: navox run %s --restart latest", cl.input.c_str());
    return kExitCheckpointed;
  }
  return 0;
}

int command_analyze(MPI_Comm comm, const CommandLine& cl) {
  Parsed p = parse_input(comm, cl, io::Purpose::analyze);
  io::Config& config = p.config;
  io::Log log(comm);
  int size = 1;
  MPI_Comm_size(comm, &size);
  log.info("navox %s analyze: %s on %d rank%s", NAVOX_VERSION, cl.input.c_str(), size, size == 1 ? "" : "s");
  // The analysis treats the side faces as walls (clusters, boundary contact, interfaces,
  // chords and the conduction solves): a periodic deck is refused, not reinterpreted.
  if (config.grid.periodic_lateral)
    collectively(comm, [&] {
      p.doc->root().section("grid").fail(
          "lateral_boundary", "periodic is not supported by `navox analyze`, which treats the side faces as walls; "
                              "analyse with zero_flux (--set grid.lateral_boundary=zero_flux)");
    });
  const AnalysisReport report = analyze_cell(comm, config, log);
  on_root(comm, [&] { write_analysis_reports(config, report, size); });
  std::filesystem::path csv = config.analysis.output;
  csv.replace_extension(".csv");
  log.info("report: %s, %s (and _interfaces.csv, _chords.csv%s)", config.analysis.output.c_str(),
           csv.string().c_str(), report.ensemble ? ", _ensemble.csv" : "");
  if (config.has_output) log.info("fields: %s/%s_000000.*", config.output.directory.c_str(), config.output.prefix.c_str());
  return 0;
}

} // namespace navox
