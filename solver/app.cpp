#include "solver/app.hpp"

#include "io/config.hpp"
#include "io/log.hpp"
#include "mesh/collective.hpp"
#include "navox/version.hpp"
#include "solver/simulation.hpp"

#include <hdf5.h>
#include <petscsys.h>
#include <vtkVersion.h>

#include <fstream>
#include <sstream>

namespace navox {

std::string version_text() {
  char petsc[256];
  PetscGetVersion(petsc, sizeof petsc);
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(mpi, &len);
  std::string mpi_line(mpi, len);
  mpi_line = mpi_line.substr(0, mpi_line.find_first_of("\n,"));
  std::ostringstream os;
  os << "navox " << NAVOX_VERSION << "\n"
     << "  " << petsc << "\n"
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
  unsigned long long len = text.size();
  MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  text.resize(len);
  MPI_Bcast(text.data(), static_cast<int>(len), MPI_CHAR, 0, comm);
  return text;
}

struct Parsed {
  std::unique_ptr<input::Document> doc;
  io::Config config;
};

/// Parsing is deterministic, so every rank fails alike; `collectively` still guards it.
Parsed parse_input(MPI_Comm comm, const CommandLine& cl) {
  const std::string text = read_input_text(comm, cl.input);
  Parsed p;
  collectively(comm, [&] {
    p.doc = input::Document::parse(text, cl.input);
    for (const auto& o : cl.overrides) p.doc->set(o);
    p.config = io::read_config(p.doc->root());
    p.config.file = cl.input;
    p.doc->finish();
  });
  return p;
}

} // namespace

int command_check(MPI_Comm comm, const CommandLine& cl) {
  Parsed p = parse_input(comm, cl);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    std::printf("# %s: valid. Resolved input (SI units):\n%s\n", cl.input.c_str(), p.doc->resolved_yaml().c_str());
    std::fflush(stdout);
  }
  return 0;
}

int command_run(MPI_Comm comm, const CommandLine& cl) {
  Parsed p = parse_input(comm, cl);
  io::Log log(comm);
  int size = 1;
  MPI_Comm_size(comm, &size);
  log.info("navox %s: %s on %d rank%s", NAVOX_VERSION, cl.input.c_str(), size, size == 1 ? "" : "s");
  Simulation sim(comm, std::move(p.config), log);
  sim.run();
  return 0;
}

} // namespace navox
