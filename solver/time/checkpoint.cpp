#include "solver/time/checkpoint.hpp"

#include "io/output/checkpoint_file.hpp"
#include "io/output/log.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "solver/time/state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <regex>

namespace fs = std::filesystem;

namespace navox {

namespace {

const std::regex kName(R"(checkpoint_(\d{8})\.h5)");

std::string file_name(long step) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "checkpoint_%08ld.h5", step);
  return buf;
}

/// The checkpoints in `dir`, newest first (rank 0's view, broadcast).
std::vector<std::string> listed(MPI_Comm comm, const std::string& dir) {
  std::string joined;
  on_root(comm, [&] {
    std::vector<std::pair<long, std::string>> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::smatch m;
      const std::string name = e.path().filename().string();
      if (std::regex_match(name, m, kName)) found.emplace_back(std::stol(m[1]), e.path().string());
    }
    std::sort(found.rbegin(), found.rend());
    for (const auto& f : found) joined += f.second + "\n";
  });
  broadcast(comm, 0, joined);
  std::vector<std::string> out;
  for (std::size_t a = 0, b; (b = joined.find('\n', a)) != std::string::npos; a = b + 1) out.push_back(joined.substr(a, b - a));
  return out;
}

void sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path + " to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd), error = errno;
  ::close(fd);
  if (rc != 0) throw Error("cannot sync " + path + ": " + std::strerror(error));
}

io::CheckpointContent layout(const State& state) {
  io::CheckpointContent c;
  for (const auto& name : state.field_names()) c.blocks.push_back({name, 1, {}, {}});
  for (const auto& name : state.block_names()) c.blocks.push_back({name, state.block_components(name), {}, {}});
  for (const auto& name : state.real_names()) c.reals.emplace_back(name, 0.0);
  for (const auto& name : state.integer_names()) c.integers.emplace_back(name, 0);
  return c;
}

} // namespace

Checkpoints::Checkpoints(const Grid& grid, std::string directory, int keep, const io::Log& log)
    : grid_(grid), directory_(std::move(directory)), keep_(keep), log_(log) {}

std::string Checkpoints::write(const State& state, long step, double t, const std::string& slot) {
  io::CheckpointContent c = layout(state);
  c.step = step;
  c.time = t;
  for (auto& b : c.blocks) {
    const std::string name = b.name;
    b.fill = [this, &state, name, &slot](std::vector<double>& out) {
      out = !slot.empty()             ? state.saved_block(slot, name)
            : state.has_field(name) ? scalar_block(grid_, state.field(name))
                                    : state.block(name);
    };
  }
  for (auto& [name, v] : c.reals) v = slot.empty() ? state.real(name) : state.saved_real(slot, name);
  for (auto& [name, v] : c.integers) v = slot.empty() ? state.integer(name) : state.saved_integer(slot, name);

  const std::string path = (fs::path(directory_) / file_name(step)).string(), tmp = path + ".tmp";
  io::write_checkpoint_file(grid_, tmp, c);
  // Only now, with every rank's part closed, does the file replace anything.
  on_root(grid_.comm(), [&] {
    sync_path(tmp, O_RDONLY);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
    sync_path(directory_, O_RDONLY | O_DIRECTORY);
  });
  const auto all = listed(grid_.comm(), directory_);
  on_root(grid_.comm(), [&] {
    for (std::size_t n = static_cast<std::size_t>(keep_); n < all.size(); ++n) fs::remove(all[n]);
  });
  return path;
}

std::string Checkpoints::read(State& state, const std::string& which) {
  std::vector<std::string> candidates;
  if (which == "latest") {
    candidates = listed(grid_.comm(), directory_);
    if (candidates.empty()) return "";
  } else {
    candidates.push_back(which);
  }
  std::string reasons;
  for (const auto& path : candidates) {
    try {
      const io::CheckpointContent c = io::read_checkpoint_file(grid_, path, layout(state));
      for (const auto& b : c.blocks) {
        if (state.has_field(b.name)) set_scalar_block(grid_, state.field(b.name), b.values);
        else state.set_block(b.name, b.values);
      }
      for (const auto& [name, v] : c.reals) state.real(name) = v;
      for (const auto& [name, v] : c.integers) state.integer(name) = v;
      state.changed_all();
      log_.info("restart: from %s (step %ld, t = %.6g s)", path.c_str(), c.step, c.time);
      return path;
    } catch (const CollectiveError& e) {
      if (which != "latest") throw;
      log_.info("restart: checkpoint %s cannot be used (%s); trying the one before it", path.c_str(), e.what());
      reasons += std::string(reasons.empty() ? "" : "; ") + e.what();
    }
  }
  throw CollectiveError("no usable checkpoint in " + directory_ + ": " + reasons);
}

void Checkpoints::clear() {
  on_root(grid_.comm(), [&] {
    std::error_code ec;
    std::vector<fs::path> old;
    for (const auto& e : fs::directory_iterator(directory_, ec)) {
      const std::string name = e.path().filename().string();
      if (std::regex_match(name, kName) || (name.rfind("checkpoint_", 0) == 0 && name.size() > 4 &&
                                            name.compare(name.size() - 4, 4, ".tmp") == 0))
        old.push_back(e.path());
    }
    for (const auto& p : old) fs::remove(p);
  });
}

} // namespace navox
