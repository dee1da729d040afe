#pragma once
/// The command line: `navox run|check|analyze INPUT.yaml [--set a.b=v ...] [--restart latest|FILE] [PETSc options]`,
/// `navox reference DECK...`, `navox --version`, `navox --help`. Parsed before PETSc starts so that navox's
/// own arguments never reach PETSc's option database.
#include <string>
#include <vector>

namespace navox {

struct CommandLine {
  enum class Command { run, check, analyze, reference, version, help };
  Command command = Command::help;
  std::string input;
  std::vector<std::string> decks;      ///< reference: every deck named
  std::vector<std::string> overrides;  ///< "a.b.c=value", in order
  std::string restart;                 ///< run: "latest" or a checkpoint file; "" = from the start
  std::vector<std::string> petsc_args; ///< argv[0] then everything navox does not own
  std::string error;                   ///< non-empty: a usage error to report
};

CommandLine parse_command_line(int argc, char** argv);
std::string usage();

} // namespace navox
