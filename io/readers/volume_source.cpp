#include "io/readers/volume_source.hpp"

#include "io/readers/volume_readers.hpp"

#include <filesystem>
#include <system_error>

namespace navox::io {

namespace detail {

void require_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw Error("file " + path + " does not exist");
  if (!std::filesystem::is_regular_file(status)) throw Error("file " + path + " is not a regular file");
}

void check_block(const Box& block, const std::array<std::int64_t, 3>& dims, const std::string& file) {
  for (int d = 0; d < 3; ++d) {
    if (block.n[d] < 0 || block.lo[d] < 0 || block.hi(d) > dims[d]) {
      throw Error("file " + file + ": block [" + std::to_string(block.lo[0]) + "," + std::to_string(block.lo[1]) +
                  "," + std::to_string(block.lo[2]) + "] + " + dims_text(block.n) + " is outside the volume (" +
                  dims_text(dims) + ")");
    }
  }
}

std::string dims_text(const std::array<std::int64_t, 3>& dims) {
  return std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
}

} // namespace detail

std::unique_ptr<VolumeSource> open_volume(const VolumeSpec& spec) {
  if (spec.path.empty()) throw Error("volume of format '" + spec.format + "': no path given");
  if (spec.format == "tiff") return detail::open_tiff(spec);
  if (spec.format == "tiff_sequence") return detail::open_tiff_sequence(spec);
  if (spec.format == "raw") return detail::open_raw(spec);
  if (spec.format == "hdf5") return detail::open_hdf5(spec);
  if (spec.format == "vti") return detail::open_vti(spec);
  throw Error("file " + spec.path + ": unknown volume format '" + spec.format +
              "' (known: tiff, tiff_sequence, raw, hdf5, vti)");
}

} // namespace navox::io
