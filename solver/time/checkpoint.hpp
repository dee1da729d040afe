#pragma once
/// A run's checkpoints: the whole State in `<directory>/checkpoint_<step>.h5`
/// (io/output/checkpoint_file.hpp), written atomically (a temporary file, fsync,
/// rename, fsync of the directory), so a kill or a full disk during a write leaves
/// the previous checkpoints as they were; the newest `keep` stay.
///
/// Reading "latest" takes the newest checkpoint whose checksum holds, saying which
/// ones it passed over and why.
#include "mesh/grid.hpp"

#include <string>

namespace navox {

class State;
namespace io {
class Log;
}

class Checkpoints {
public:
  Checkpoints(const Grid& grid, std::string directory, int keep, const io::Log& log);

  /// Writes `state` at (step, t), or what it saved in `slot` when one is named (the
  /// state itself left alone), and removes checkpoints beyond the newest `keep`;
  /// returns the file's path. Collective; throws CollectiveError with errno text.
  std::string write(const State& state, long step, double t, const std::string& slot = "");
  /// Reads `which` (a path, or "latest") into `state`; returns the path read, or ""
  /// when "latest" finds no checkpoint at all. Collective; throws CollectiveError
  /// when the named file, or every checkpoint found, cannot be used.
  std::string read(State& state, const std::string& which);
  /// Removes every checkpoint and leftover temporary file (a fresh run). Collective.
  void clear();

private:
  const Grid& grid_;
  std::string directory_;
  int keep_;
  const io::Log& log_;
};

} // namespace navox
