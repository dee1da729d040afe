#pragma once
/// The HDF5 file of one checkpoint: every evolving quantity of a run, by name,
/// in global voxel order so any partition can read it back.
///
/// Layout: `/blocks/<name>`, a [z][y][x] dataset (1 value per voxel) or [z][y][x][6]
/// (six faces per voxel); `/reals` and `/integers`, one attribute per value; file
/// attributes `step`, `time`, `dims`, `navox_version` and `checksum`.
///
/// The checksum is a sum over every value of a 64-bit hash of (name, global index,
/// bits), so it is the same whatever partition writes or reads the file and any
/// changed bit changes it; a truncated file fails to open or read. Both come back
/// as an Error naming the file and what is wrong with it.
#include "mesh/grid.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace navox::io {

struct CheckpointBlock {
  std::string name;
  int components = 1;          ///< 1 or 6
  std::vector<double> values;  ///< this rank's block: components × (x fastest offset) + component
  /// Where set, what write_checkpoint_file writes instead of `values`: it fills the
  /// block when its turn comes, so one block at a time is held, not all of them.
  std::function<void(std::vector<double>& values)> fill;
};

struct CheckpointContent {
  long step = 0;
  double time = 0;  ///< [s]
  std::vector<CheckpointBlock> blocks;
  std::vector<std::pair<std::string, double>> reals;
  std::vector<std::pair<std::string, std::int64_t>> integers;
};

/// Writes `content` to `path` (created or truncated). Collective; a failure on any
/// rank is agreed on (with errno text) and thrown on every rank.
void write_checkpoint_file(const Grid& grid, const std::string& path, const CheckpointContent& content);

/// Reads the entries named in `layout` (blocks with their components, reals and
/// integers; values ignored) from `path` onto this grid's partition and verifies
/// the checksum over the whole file's entries. Collective; throws CollectiveError.
CheckpointContent read_checkpoint_file(const Grid& grid, const std::string& path, const CheckpointContent& layout);

} // namespace navox::io
