// navox: parallel 3D microstructure solver for anode-free sodium solid-state cells.
//
// Errors every rank agrees on (bad input, unreadable data, a diverged solve) are
// printed once by rank 0 and every rank exits with status 1. Anything else is
// printed by the rank that saw it and the job is aborted, so no rank hangs.
#include "mesh/collective.hpp"
#include "solver/app/app.hpp"
#include "solver/app/cli.hpp"

#include "io/output/hdf5_writer.hpp"

#include <petscsys.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  navox::CommandLine cl = navox::parse_command_line(argc, argv);
  if (!cl.error.empty()) cl.command = navox::CommandLine::Command::help;
  // A run handles SIGTERM and SIGUSR1 itself (StopSignals). PETSc's handler would be
  // put back by PetscFinalize, where a late second signal would then kill the
  // process that is about to exit with 75.
  if (cl.command == navox::CommandLine::Command::run) cl.petsc_args.emplace_back("-no_signal_handler");
  int pargc = static_cast<int>(cl.petsc_args.size());
  std::vector<char*> pargv;
  for (auto& a : cl.petsc_args) pargv.push_back(a.data());
  pargv.push_back(nullptr);
  char** pargv_ptr = pargv.data();
  if (PetscInitialize(&pargc, &pargv_ptr, nullptr, nullptr) != 0) return 1;
  MPI_Comm comm = PETSC_COMM_WORLD;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);

  int status = 1;
  try {
    switch (cl.command) {
    case navox::CommandLine::Command::version:
      if (rank == 0) std::fputs(navox::version_text().c_str(), stdout);
      status = 0;
      break;
    case navox::CommandLine::Command::help:
      if (rank == 0) {
        if (!cl.error.empty()) std::fprintf(stderr, "navox: %s\n", cl.error.c_str());
        std::fputs(navox::usage().c_str(), cl.error.empty() ? stdout : stderr);
      }
      status = cl.error.empty() ? 0 : 2;
      break;
    case navox::CommandLine::Command::check: status = navox::command_check(comm, cl); break;
    case navox::CommandLine::Command::run: status = navox::command_run(comm, cl); break;
    case navox::CommandLine::Command::analyze: status = navox::command_analyze(comm, cl); break;
    case navox::CommandLine::Command::reference: status = navox::command_reference(comm, cl); break;
    }
  } catch (const navox::CollectiveError& e) {
    if (rank == 0) std::fprintf(stderr, "navox: error: %s\n", e.what());
    status = 1;
    // A step file abandoned after a write failed on some ranks: MPI_Finalize would make
    // parallel HDF5 close it collectively, which diverges after such a failure. Every
    // rank agreed on the failure, so every rank leaves here, at once.
    if (navox::io::hdf5_output_abandoned()) {
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(status);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "navox: error on rank %d: %s\n", rank, e.what());
    std::fflush(stderr);
    MPI_Abort(comm, 1);
  }
  PetscFinalize();
  return status;
}
