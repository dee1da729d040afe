#pragma once
/// Voxel volumes on disk (TIFF, TIFF slice sequences, raw, HDF5, VTK .vti).
///
/// A source is addressed in its own index space, x fastest then y then z (z is
/// the slice/page index and the cell's stack axis). `read_block` reads only the
/// voxels of the requested block, so that each MPI rank reads what its part of
/// the grid needs and no rank ever holds the whole volume. Readers make no MPI
/// calls: opening and reading are per-rank and independent.
#include "mesh/box.hpp"
#include "mesh/error.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace navox::io {

enum class Endian { little, big };
enum class AxisOrder { xyz, zyx }; ///< xyz: x fastest (C order of [z][y][x]); zyx: z fastest

/// Everything needed to open a volume; filled from the input's `microstructure.reader`.
struct VolumeSpec {
  std::string format;       ///< "tiff", "tiff_sequence", "raw", "hdf5", "vti"
  std::string path;         ///< file, or printf-style pattern for tiff_sequence ("im%03d.tif")
  std::int64_t first_index = 1;           ///< tiff_sequence: number of the first slice
  std::int64_t count = -1;                ///< tiff_sequence: number of slices (-1: until a file is missing)
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< raw: voxels along x, y, z
  std::string dtype = "uint8";            ///< raw: uint8 int8 uint16 int16 uint32 int32 float32 float64
  Endian endian = Endian::little;         ///< raw
  AxisOrder order = AxisOrder::xyz;       ///< raw
  std::int64_t header_bytes = 0;          ///< raw: bytes to skip at the start
  std::string dataset = "/image";         ///< hdf5: dataset path; dims are read from the file ([z][y][x])
  std::string array;                      ///< vti: point/cell array name (empty: the first)
};

class VolumeSource {
public:
  virtual ~VolumeSource() = default;
  /// Voxels along x, y, z.
  virtual std::array<std::int64_t, 3> dims() const = 0;
  /// One line for the log, e.g. "TIFF 100x100x100 uint8 (LZW) data/im.tif".
  virtual std::string describe() const = 0;
  /// Values of `block` (in source indices, inside dims()) as doubles, x fastest.
  /// Throws navox::Error with the file name on any read failure.
  virtual std::vector<double> read_block(const Box& block) const = 0;
};

/// Opens the volume named by `spec`; throws navox::Error naming the file and
/// what is wrong (missing file, truncated raw data: expected vs actual bytes,
/// inconsistent slice sizes, unsupported sample format or compression).
std::unique_ptr<VolumeSource> open_volume(const VolumeSpec& spec);

} // namespace navox::io
