#pragma once
/// The grey-value histogram of a region of a volume, over all ranks.
///
/// Each rank reads its share of the region's z-slices (slabs by rank, a few slices
/// at a time) and bins them; the integer counts are summed with one MPI_Allreduce,
/// so the histogram, and any threshold taken from it, is the same on any number of
/// ranks and partition. Bins:
///  - grey values that are all integers spanning at most kMaxIntegerBins values
///    (8- and 16-bit data, and integer data of a narrow range): one bin per value;
///  - anything else (float data): kFloatBins equal bins from the smallest to the
///    largest value (the largest falls in the last bin).
/// Non-finite values are not counted (the segmentation refuses them later).
#include "io/readers/volume_source.hpp"
#include "io/sources/otsu_threshold.hpp"

#include <mpi.h>

namespace navox::io {

constexpr std::int64_t kMaxIntegerBins = 65536;
constexpr std::int64_t kFloatBins = 4096;

/// The histogram of `region` (source indices) of `volume`. Collective; a read failing
/// on any rank throws the same CollectiveError on every rank.
GreyHistogram grey_histogram(MPI_Comm comm, const VolumeSource& volume, const Box& region);

} // namespace navox::io
