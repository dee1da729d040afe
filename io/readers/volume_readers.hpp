#pragma once
/// Internal to navox_io: the per-format factories behind open_volume and the
/// checks every reader shares. Not part of the public io API.
#include "io/readers/volume_source.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace navox::io::detail {

std::unique_ptr<VolumeSource> open_tiff(const VolumeSpec& spec);
std::unique_ptr<VolumeSource> open_tiff_sequence(const VolumeSpec& spec);
std::unique_ptr<VolumeSource> open_raw(const VolumeSpec& spec);
std::unique_ptr<VolumeSource> open_hdf5(const VolumeSpec& spec);
std::unique_ptr<VolumeSource> open_vti(const VolumeSpec& spec);

/// Throws navox::Error unless `path` is an existing regular file; libraries'
/// own messages for a missing file are vaguer than this one.
void require_file(const std::string& path);

/// Throws navox::Error unless `block` lies inside a volume of `dims` voxels.
void check_block(const Box& block, const std::array<std::int64_t, 3>& dims, const std::string& file);

/// "100x100x100"
std::string dims_text(const std::array<std::int64_t, 3>& dims);

} // namespace navox::io::detail
