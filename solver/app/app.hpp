#pragma once
/// The commands behind main: each returns the process exit code and throws
/// navox::Error (CollectiveError when every rank agrees) on failure.
#include "solver/app/cli.hpp"

#include <mpi.h>

#include <string>

namespace navox {

std::string version_text();
/// Reads the input on rank 0, broadcasts it, parses and validates it on every rank.
int command_check(MPI_Comm comm, const CommandLine& cl);
int command_run(MPI_Comm comm, const CommandLine& cl);
/// Microstructure analysis of the input's volume: phase fractions, connected and
/// isolated parts of the analysed phase, effective conductivity and tortuosity
/// along the requested directions; writes a JSON and a CSV report (rank 0).
int command_analyze(MPI_Comm comm, const CommandLine& cl);
/// `navox reference DECK...`: reads each deck as `check` does (none may have an
/// error) and prints the keys they reach, merged, as Markdown (io/input/input_reference.hpp).
int command_reference(MPI_Comm comm, const CommandLine& cl);

} // namespace navox
