// navox's command line (solver/app/cli.cpp): its own arguments, PETSc options with
// their values passed through, and a stray word refused instead of being handed to
// PETSc, which would ignore it (a forgotten --set ran the deck unchanged).
#include "solver/app/cli.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

navox::CommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "navox");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return navox::parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(CommandLine, OwnArgumentsAndPetscOptions) {
  const auto cl = parse({"run", "deck.yaml", "--set", "time.dt=1 s", "-phi_pc_type", "mg", "-log_view",
                         "--set=grid.spacing=1 um", "--restart", "latest"});
  EXPECT_EQ(cl.error, "");
  EXPECT_EQ(cl.input, "deck.yaml");
  EXPECT_EQ(cl.overrides, (std::vector<std::string>{"time.dt=1 s", "grid.spacing=1 um"}));
  EXPECT_EQ(cl.restart, "latest");
  EXPECT_EQ(cl.petsc_args, (std::vector<std::string>{"navox", "-phi_pc_type", "mg", "-log_view"}));
}

TEST(CommandLine, AStrayWordIsRefused) {
  EXPECT_EQ(parse({"run", "deck.yaml", "output.directory=out"}).error,
            "unexpected argument \"output.directory=out\" (to change a key of the deck: --set output.directory=out)");
  EXPECT_EQ(parse({"check", "deck.yaml", "other.yaml"}).error, "unexpected argument \"other.yaml\"");
  // A word right after a PETSc option is its value.
  EXPECT_EQ(parse({"run", "deck.yaml", "-phi_ksp_type", "cg", "-phi_pc_type", "gamg"}).error, "");
  EXPECT_EQ(parse({"run", "deck.yaml", "-phi_ksp_type", "cg", "gamg"}).error, "unexpected argument \"gamg\"");
}

} // namespace
