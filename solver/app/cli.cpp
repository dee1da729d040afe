#include "solver/app/cli.hpp"

#include <cstring>

namespace navox {

std::string usage() {
  return "usage:\n"
         "  navox run INPUT.yaml [--set key.path=value ...] [--restart latest|FILE] [PETSc options]\n"
         "                   --restart latest: continue from the newest valid checkpoint in output.directory\n"
         "                   (from the start if there is none); exit status 75: checkpointed after SIGTERM/SIGUSR1\n"
         "  navox check INPUT.yaml [--set key.path=value ...]   validate; print the resolved input in SI\n"
         "  navox analyze INPUT.yaml [--set key.path=value ...] [PETSc options]\n"
         "                   phase fractions, connectivity, effective conductivity and tortuosity\n"
         "  navox reference DECK...                            every key of a deck, its unit, default and meaning\n"
         "                   (Markdown; the schema as the decks reach it: docs/input-reference.md)\n"
         "  navox --version                                    navox, PETSc, HDF5, VTK and MPI versions\n"
         "PETSc options of the ionic solve take the prefix -phi_ (e.g. -phi_ksp_monitor -phi_pc_type gamg),\n"
         "those of the analysis solves -analyze_ (e.g. -analyze_ksp_monitor -analyze_pc_type mg).\n";
}

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine cl;
  cl.petsc_args.push_back(argc > 0 ? argv[0] : "navox");
  if (argc < 2) {
    cl.error = "no command given";
    return cl;
  }
  const std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    cl.command = CommandLine::Command::version;
    return cl;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") return cl;
  if (cmd == "run") cl.command = CommandLine::Command::run;
  else if (cmd == "check") cl.command = CommandLine::Command::check;
  else if (cmd == "analyze") cl.command = CommandLine::Command::analyze;
  else if (cmd == "reference") cl.command = CommandLine::Command::reference;
  else {
    cl.error = "unknown command \"" + cmd + "\"";
    return cl;
  }
  bool after_petsc_option = false; ///< the last argument was a PETSc option: a word now is its value
  for (int a = 2; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--set") {
      if (a + 1 >= argc) {
        cl.error = "--set needs key.path=value";
        return cl;
      }
      cl.overrides.emplace_back(argv[++a]);
    } else if (arg == "--restart" || arg.rfind("--restart=", 0) == 0) {
      if (arg == "--restart" && a + 1 >= argc) {
        cl.error = "--restart needs \"latest\" or a checkpoint file";
        return cl;
      }
      cl.restart = arg == "--restart" ? argv[++a] : arg.substr(10);
      if (cl.restart.empty()) {
        cl.error = "--restart needs \"latest\" or a checkpoint file";
        return cl;
      }
      if (cl.command != CommandLine::Command::run) {
        cl.error = "--restart is an option of navox run";
        return cl;
      }
    } else if (arg.rfind("--set=", 0) == 0) {
      cl.overrides.push_back(arg.substr(6));
    } else if (cl.command == CommandLine::Command::reference && !arg.empty() && arg[0] != '-') {
      cl.decks.push_back(arg);
      if (cl.input.empty()) cl.input = arg;
    } else if (cl.input.empty() && !arg.empty() && arg[0] != '-') {
      cl.input = arg;
    } else if (!arg.empty() && arg[0] != '-' && !after_petsc_option) {
      // A word that is neither the input nor a PETSc option's value would be ignored by PETSc.
      cl.error = "unexpected argument \"" + arg + "\"" +
                 (arg.find('=') != std::string::npos ? " (to change a key of the deck: --set " + arg + ")" : "");
      return cl;
    } else {
      cl.petsc_args.push_back(arg);
      after_petsc_option = !arg.empty() && arg[0] == '-';
      continue;
    }
    after_petsc_option = false;
  }
  if (cl.input.empty()) cl.error = "no input file given";
  return cl;
}

} // namespace navox
