#include "io/output/output_writer.hpp"

#include "mesh/collective.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

namespace fs = std::filesystem;

namespace navox::io {

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("cannot write " + tmp + ": " + std::strerror(error));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot write " + tmp + ": " + std::strerror(error));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

namespace {

/// Takes the directory's lock without waiting; returns the descriptor that holds it.
int lock_directory(const fs::path& dir) {
  const std::string path = (dir / ".navox.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[128] = {0};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    if (error == EWOULDBLOCK)
      throw Error("output directory " + dir.string() + " is in use by another navox run" +
                  (who.empty() ? "" : " (" + who + ")") + ": give this run another output.directory");
    throw Error("cannot lock " + path + ": " + std::strerror(error));
  }
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  const std::string me = "process " + std::to_string(::getpid()) + " on " + host + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    const int error = errno;
    ::close(fd);
    throw Error("cannot write " + path + ": " + std::strerror(error));
  }
  return fd;
}

} // namespace

OutputWriter::OutputWriter(const Grid& grid, OutputSpec spec, std::string materials, long resume_step)
    : grid_(grid), spec_(std::move(spec)), materials_(std::move(materials)) {
  on_root(grid_.comm(), [&] {
    const fs::path dir(spec_.directory);
    fs::create_directories(dir);
    lock_fd_ = lock_directory(dir);
    const fs::path index = dir / (spec_.prefix + ".steps");
    if (resume_step >= 0) {
      std::ifstream in(index);
      long step = 0;
      double time = 0;
      while (in >> step >> time)
        if (step <= resume_step) written_.emplace_back(step, time);
    }
    // A fresh run starts fresh collections and removes the steps an earlier run left
    // (files and VTK piece folders named <prefix>_<6 digits>), so none outlives it;
    // a resumed run removes only the steps after its checkpoint.
    if (resume_step < 0)
      for (const char* ext : {".xmf", ".pvd", ".steps"}) fs::remove(dir / (spec_.prefix + ext));
    const std::regex step(std::regex_replace(spec_.prefix, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                          R"(_(\d{6})(\.h5|\.xmf|\.pvti)?)");
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::smatch m;
      const std::string name = entry.path().filename().string();
      if (std::regex_match(name, m, step) && (resume_step < 0 || std::stol(m[1]) > resume_step))
        stale.push_back(entry.path());
    }
    for (const auto& p : stale) fs::remove_all(p);
  });
}

void OutputWriter::resume_collections(const std::vector<OutputField>& fields) {
  on_root(grid_.comm(), [&] {
    for (const auto& [step, time] : written_) {
      const std::string base = step_name(step);
      if (spec_.hdf5) {
        xdmf_steps_.push_back(XdmfStep::of(time, base + ".h5", fields, materials_));
      }
      if (spec_.vtk) pvd_entries_.push_back({time, base + ".pvti"});
    }
    write_collections();
  });
}

void OutputWriter::write_collections() {
  const fs::path dir(spec_.directory);
  if (spec_.hdf5) write_text_atomically((dir / (spec_.prefix + ".xmf")).string(), xdmf_collection(grid_.spec(), xdmf_steps_));
  if (spec_.vtk) write_text_atomically((dir / (spec_.prefix + ".pvd")).string(), pvd_collection(pvd_entries_));
  std::string index;
  char line[64];
  for (const auto& [step, time] : written_) {
    std::snprintf(line, sizeof line, "%ld %.17g\n", step, time);
    index += line;
  }
  write_text_atomically((dir / (spec_.prefix + ".steps")).string(), index);
}

OutputWriter::~OutputWriter() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

namespace {

/// The VTK piece a rank writes inside a step's folder.
std::string piece_name(int rank) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "p%04d.vti", rank);
  return buf;
}

} // namespace

std::string OutputWriter::step_name(long step) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "_%06ld", step);
  return spec_.prefix + buf;
}

void OutputWriter::write(const StepInfo& info, const std::vector<OutputField>& fields) {
  const fs::path dir(spec_.directory);
  const std::string base = step_name(info.step);
  if (spec_.hdf5) {
    // Collective inside; a write failing on some ranks only is agreed on before anyone throws.
    write_hdf5_step(grid_, (dir / (base + ".h5")).string(), info, fields, materials_);
  }
  const VtkStepInfo vtk_info{info.time, materials_};
  if (spec_.vtk) {
    on_root(grid_.comm(), [&] { fs::create_directories(dir / base); });
    collectively(grid_.comm(), [&] { write_vti_piece(grid_, (dir / base / piece_name(grid_.rank())).string(), fields, vtk_info); });
  }
  on_root(grid_.comm(), [&] {
    if (spec_.hdf5) {
      const XdmfStep x = XdmfStep::of(info.time, base + ".h5", fields, materials_);
      write_text_atomically((dir / (base + ".xmf")).string(), xdmf_step(grid_.spec(), x));
      xdmf_steps_.push_back(x);
    }
    if (spec_.vtk) {
      std::vector<std::string> pieces;
      for (int r = 0; r < grid_.size(); ++r) pieces.push_back(base + "/" + piece_name(r));
      write_text_atomically((dir / (base + ".pvti")).string(), pvti_summary(grid_, fields, pieces, vtk_info));
      pvd_entries_.push_back({info.time, base + ".pvti"});
    }
    written_.emplace_back(info.step, info.time);
    write_collections();
  });
}

} // namespace navox::io
