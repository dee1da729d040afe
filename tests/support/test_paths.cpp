#include "support/test_paths.hpp"

#include <mpi.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace navox::test {

std::string source_path(const std::string& relative) { return (fs::path(NAVOX_SOURCE_DIR) / relative).string(); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> shared_data(const std::string& relative) {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("NAVOX_SHARED_DATA")) roots.emplace_back(env);
  roots.push_back(fs::path(NAVOX_SOURCE_DIR).parent_path() / "shared" / "data");
  for (const auto& root : roots) {
    fs::path p = root / relative;
    if (fs::exists(p)) return p.string();
  }
  return std::nullopt;
}

std::string navox_binary() { return NAVOX_BINARY; }

std::string scratch_dir(const std::string& name) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  fs::path dir = fs::current_path() / "scratch" / (name + ".np" + std::to_string(size));
  if (rank == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return dir.string();
}

} // namespace navox::test
