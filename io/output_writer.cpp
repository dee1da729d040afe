#include "io/output_writer.hpp"

#include "mesh/collective.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace navox::io {

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw Error("cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
}


OutputWriter::OutputWriter(const Grid& grid, OutputSpec spec, std::string materials)
    : grid_(grid), spec_(std::move(spec)), materials_(std::move(materials)) {
  on_root(grid_.comm(), [&] {
    fs::create_directories(spec_.directory);
    // A fresh run starts fresh collections; stale step files are overwritten as reached.
    for (const char* ext : {".xmf", ".pvd"}) fs::remove(fs::path(spec_.directory) / (spec_.prefix + ext));
  });
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
  if (spec_.vtk) {
    on_root(grid_.comm(), [&] { fs::create_directories(dir / base); });
    collectively(grid_.comm(), [&] { write_vti_piece(grid_, (dir / base / piece_name(grid_.rank())).string(), fields); });
  }
  on_root(grid_.comm(), [&] {
    if (spec_.hdf5) {
      XdmfStep x{info.time, base + ".h5", {}, {}};
      for (const auto& f : fields) {
        x.names.push_back(f.name);
        x.types.push_back(f.type);
      }
      write_text_atomically((dir / (base + ".xmf")).string(), xdmf_step(grid_.spec(), x));
      xdmf_steps_.push_back(x);
      write_text_atomically((dir / (spec_.prefix + ".xmf")).string(), xdmf_collection(grid_.spec(), xdmf_steps_));
    }
    if (spec_.vtk) {
      std::vector<std::string> pieces;
      for (int r = 0; r < grid_.size(); ++r) pieces.push_back(base + "/" + piece_name(r));
      write_text_atomically((dir / (base + ".pvti")).string(), pvti_summary(grid_, fields, pieces));
      pvd_entries_.push_back({info.time, base + ".pvti"});
      write_text_atomically((dir / (spec_.prefix + ".pvd")).string(), pvd_collection(pvd_entries_));
    }
  });
}

} // namespace navox::io
