#include "io/sources/grey_histogram.hpp"

#include "mesh/collective.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace navox::io {

namespace {

/// Calls fn(values) for this rank's slab of `region`, a few slices at a time.
template <class Fn>
void for_each_chunk(MPI_Comm comm, const VolumeSource& volume, const Box& region, Fn&& fn) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::int64_t nz = region.n[2], z0 = region.lo[2] + nz * rank / size, z1 = region.lo[2] + nz * (rank + 1) / size;
  // About 16 M voxels (128 MB of doubles) per read, at least one slice.
  const std::int64_t slice = region.n[0] * region.n[1];
  const std::int64_t step = std::max<std::int64_t>(1, (std::int64_t(1) << 24) / std::max<std::int64_t>(slice, 1));
  for (std::int64_t z = z0; z < z1; z += step) {
    Box chunk = region;
    chunk.lo[2] = z;
    chunk.n[2] = std::min(step, z1 - z);
    fn(volume.read_block(chunk));
  }
}

} // namespace

GreyHistogram grey_histogram(MPI_Comm comm, const VolumeSource& volume, const Box& region) {
  // Pass 1: the range, and whether every value is an integer.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  int integers = 1;
  collectively(comm, [&] {
    for_each_chunk(comm, volume, region, [&](const std::vector<double>& grey) {
      for (double v : grey) {
        if (!std::isfinite(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        if (integers && v != std::floor(v)) integers = 0;
      }
    });
  });
  double range[2] = {-lo, hi}, all[2];
  MPI_Allreduce(range, all, 2, MPI_DOUBLE, MPI_MAX, comm);
  int all_integers = 0;
  MPI_Allreduce(&integers, &all_integers, 1, MPI_INT, MPI_MIN, comm);
  GreyHistogram h;
  h.min = -all[0];
  h.max = all[1];
  if (!(h.max >= h.min)) throw CollectiveError("the volume holds no finite grey value to threshold");
  h.integers = all_integers && h.max - h.min < double(kMaxIntegerBins);
  h.lo = h.min;
  const std::int64_t bins = h.integers ? std::int64_t(h.max - h.min) + 1 : kFloatBins;
  h.width = h.integers ? 1.0 : (h.max - h.min) / double(kFloatBins);
  // Pass 2: the counts (integers, so the sum over ranks is exact in any order).
  std::vector<std::int64_t> local(static_cast<std::size_t>(bins), 0);
  collectively(comm, [&] {
    for_each_chunk(comm, volume, region, [&](const std::vector<double>& grey) {
      for (double v : grey) {
        if (!std::isfinite(v)) continue;
        const double b = h.width > 0 ? std::floor((v - h.lo) / h.width) : 0.0;
        ++local[static_cast<std::size_t>(std::clamp(b, 0.0, double(bins - 1)))];
      }
    });
  });
  h.counts.assign(local.size(), 0);
  MPI_Allreduce(local.data(), h.counts.data(), static_cast<int>(bins), MPI_INT64_T, MPI_SUM, comm);
  return h;
}

} // namespace navox::io
