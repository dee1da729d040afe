#pragma once
/// Chord-length distribution of a voxel phase along x, y and z.
///
/// A chord is a maximal run of consecutive phase voxels along a grid line; its
/// length is the run length in voxels times the spacing along that axis. Runs cut
/// by the domain faces are counted at their cut length. The number-weighted
/// distribution and its mean are the usual chord-length measure of pore size.
///
/// Parallel: each rank measures the runs inside its block and, for every grid line
/// through the block, the run touching the block's low end (head), the run
/// touching its high end (tail) and whether the whole segment is phase. These line
/// records (6 integers per line: small next to the block) are gathered on every
/// rank, sorted along each line and joined across block ends. Integer counts,
/// identical on any rank count.
#include "mesh/grid.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace navox {

struct ChordLengths {
  /// counts[axis][L]: chords of L voxels along axis (index 0 unused; size dims[axis] + 1).
  std::array<std::vector<std::int64_t>, 3> counts;

  std::int64_t chords(int axis) const;
  /// Number-weighted mean chord length along axis [m]; 0 when there is no chord.
  double mean_length(int axis, double spacing) const;
};

/// `in_phase` flags this rank's owned voxels (Box::offset order). Collective; the
/// result is on every rank.
ChordLengths chord_lengths(const Grid& grid, const std::vector<char>& in_phase);

} // namespace navox
