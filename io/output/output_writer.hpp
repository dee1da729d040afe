#pragma once
/// Writes every output step in both formats and keeps the run's collections
/// (`<prefix>.xmf`, `<prefix>.pvd`) listing only steps whose files are complete.
///
/// Layout of `directory`:
///   <prefix>_<step>.h5 + <prefix>_<step>.xmf    HDF5 (collective) + XDMF sidecar
///   <prefix>_<step>.pvti + <prefix>_<step>/p<rank>.vti   VTK summary + pieces
///   <prefix>.xmf, <prefix>.pvd                  temporal collections with physical times
///   <prefix>.steps                              "step time" of every step written
///   .navox.lock                                 held (flock) by the run writing here
///
/// A directory another run holds is refused, and a new run removes the step files
/// an earlier run left there, so the collections never mix two runs. A run that
/// resumes from a checkpoint at step N keeps the steps up to N and removes the later
/// ones (the resumed run writes them again).
#include "io/output/hdf5_writer.hpp"
#include "io/output/output_field.hpp"
#include "io/output/vtk_writer.hpp"
#include "io/output/xdmf.hpp"
#include "mesh/grid.hpp"

#include <string>
#include <vector>

namespace navox::io {

struct OutputSpec {
  std::string directory = "output";
  std::string prefix = "navox";
  long every = 1;     ///< write every N time steps (and always the first and last)
  bool hdf5 = true;
  bool vtk = true;
  std::string time_series = "navox.csv"; ///< CSV time series, in `directory`
  std::string nuclei = "navox_nuclei.csv"; ///< CSV of nucleation events, in `directory`
};

class OutputWriter {
public:
  /// `materials` documents the label values, e.g. "0=NBH;1=Cu;2=pore". Collective.
  /// With resume_step >= 0, continues the collections of the steps up to it.
  OutputWriter(const Grid& grid, OutputSpec spec, std::string materials, long resume_step = -1);
  /// After a resume: rewrites the collections for the kept steps, whose files hold `fields`. Collective.
  void resume_collections(const std::vector<OutputField>& fields);
  ~OutputWriter();
  OutputWriter(const OutputWriter&) = delete;
  OutputWriter& operator=(const OutputWriter&) = delete;
  /// Writes one step. Collective; returns the files written (on rank 0: all, else its own).
  void write(const StepInfo& info, const std::vector<OutputField>& fields);
  const OutputSpec& spec() const { return spec_; }
  /// Base name of a step's files, e.g. "navox_000010".
  std::string step_name(long step) const;

private:
  const Grid& grid_;
  OutputSpec spec_;
  std::string materials_;
  std::vector<XdmfStep> xdmf_steps_;
  std::vector<PvdEntry> pvd_entries_;
  std::vector<std::pair<long, double>> written_; ///< rank 0: (step, time) of every step written
  void write_collections();
  int lock_fd_ = -1; ///< rank 0: the directory's lock, held while this writer lives
};

/// Writes `text` to `path` through a temporary file and a rename, so a reader
/// (or a killed job) never sees a half-written collection.
void write_text_atomically(const std::string& path, const std::string& text);

} // namespace navox::io
