#include "solver/analysis/chord_lengths.hpp"

#include <algorithm>

namespace navox {

namespace {

/// One grid line's segment inside one block (see the header).
struct Segment {
  std::int64_t u, v, start, head, tail, full;
};

/// The histogram along `axis`: interior runs counted locally, block-end runs joined
/// from the records of every rank.
std::vector<std::int64_t> along(const Grid& grid, const std::vector<char>& in, int axis) {
  const Box b = grid.owned();
  const int p = (axis + 1) % 3, q = (axis + 2) % 3; // the two axes across the lines
  const auto length = static_cast<std::size_t>(grid.spec().dims[axis]);
  std::vector<std::int64_t> local(length + 1, 0), total(length + 1, 0);
  std::vector<std::int64_t> records;
  std::array<std::int64_t, 3> x{};
  for (x[q] = b.lo[q]; x[q] < b.hi(q); ++x[q])
    for (x[p] = b.lo[p]; x[p] < b.hi(p); ++x[p]) {
      std::int64_t run = 0, head = -1;
      for (x[axis] = b.lo[axis]; x[axis] < b.hi(axis); ++x[axis]) {
        if (in[static_cast<std::size_t>(b.offset(x[0], x[1], x[2]))]) {
          ++run;
          continue;
        }
        if (head < 0) head = run;   // the first run ends at the first non-phase voxel
        else if (run > 0) ++local[static_cast<std::size_t>(run)];
        run = 0;
      }
      const bool full = head < 0;
      const Segment s{x[p], x[q], b.lo[axis], full ? run : head, run, full ? 1 : 0};
      records.insert(records.end(), {s.u, s.v, s.start, s.head, s.tail, s.full});
    }
  // Every rank gets every record, so every rank joins the same lines alike.
  int ranks = 1;
  MPI_Comm_size(grid.comm(), &ranks);
  const int mine = static_cast<int>(records.size());
  std::vector<int> sizes(static_cast<std::size_t>(ranks)), offsets(static_cast<std::size_t>(ranks), 0);
  MPI_Allgather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, grid.comm());
  for (int r = 1; r < ranks; ++r) offsets[r] = offsets[r - 1] + sizes[r - 1];
  std::vector<std::int64_t> all(static_cast<std::size_t>(offsets.back() + sizes.back()));
  MPI_Allgatherv(records.data(), mine, MPI_INT64_T, all.data(), sizes.data(), offsets.data(), MPI_INT64_T,
                 grid.comm());
  std::vector<Segment> segs(all.size() / 6);
  for (std::size_t n = 0; n < segs.size(); ++n)
    segs[n] = Segment{all[6 * n], all[6 * n + 1], all[6 * n + 2], all[6 * n + 3], all[6 * n + 4], all[6 * n + 5]};
  std::sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& c) {
    return a.v != c.v ? a.v < c.v : (a.u != c.u ? a.u < c.u : a.start < c.start);
  });
  // Only rank 0 adds the joined runs, so the sum over ranks counts each once.
  if (grid.rank() == 0) {
    std::int64_t carry = 0;
    for (std::size_t n = 0; n < segs.size(); ++n) {
      const Segment& s = segs[n];
      if (s.full) {
        carry += s.head;
      } else {
        if (carry + s.head > 0) ++local[static_cast<std::size_t>(carry + s.head)];
        carry = s.tail;
      }
      const bool line_ends = n + 1 == segs.size() || segs[n + 1].u != s.u || segs[n + 1].v != s.v;
      if (line_ends) {
        if (carry > 0) ++local[static_cast<std::size_t>(carry)];
        carry = 0;
      }
    }
  }
  MPI_Allreduce(local.data(), total.data(), static_cast<int>(total.size()), MPI_INT64_T, MPI_SUM, grid.comm());
  return total;
}

} // namespace

std::int64_t ChordLengths::chords(int axis) const {
  std::int64_t n = 0;
  for (auto c : counts[axis]) n += c;
  return n;
}

double ChordLengths::mean_length(int axis, double spacing) const {
  std::int64_t n = 0, voxels = 0;
  for (std::size_t l = 1; l < counts[axis].size(); ++l) {
    n += counts[axis][l];
    voxels += counts[axis][l] * static_cast<std::int64_t>(l);
  }
  return n ? spacing * static_cast<double>(voxels) / static_cast<double>(n) : 0.0;
}

ChordLengths chord_lengths(const Grid& grid, const std::vector<char>& in_phase) {
  ChordLengths r;
  for (int axis = 0; axis < 3; ++axis) r.counts[axis] = along(grid, in_phase, axis);
  return r;
}

} // namespace navox
