// Dims whose product with the sample size does not fit 64 bits (from a deck or a
// file header) are an input error naming them, never a wrapped size that then
// sizes a file check or an allocation.
#include "io/readers/volume_source.hpp"
#include "io/sources/ceramic_generator.hpp"
#include "io/sources/generators.hpp"
#include "io/sources/interface_generator.hpp"
#include "io/sources/microstructure.hpp"
#include "support/test_paths.hpp"

#include <hdf5.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <vector>

namespace {

using navox::io::VolumeSpec;
using Dims = std::array<std::int64_t, 3>;

constexpr std::int64_t k2e40 = std::int64_t(1) << 40; // the deck's largest dims entry

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const navox::Error& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

std::string small_file(const std::string& name) {
  const std::string path = navox::test::scratch_dir("size_overflow") + "/" + name;
  std::ofstream(path, std::ios::binary) << std::string(360, '\0');
  return path;
}

TEST(SizeOverflow, RawDimsTimesSampleSize) {
  VolumeSpec s;
  s.format = "raw";
  s.path = small_file("cell.raw");
  s.dims = {4000000000, 4000000000, 8};
  s.dtype = "float64";
  EXPECT_HAS(error_of([&] { navox::io::open_volume(s); }),
             "file " + s.path + ": raw float64 dims 4000000000x4000000000x8 x 8 bytes overflows 64-bit sizes");
  // The data fit, but not once the header is added: 2^63 - 2^40 bytes + 2^40.
  s.dims = {k2e40, (std::int64_t(1) << 23) - 1, 1};
  s.dtype = "uint8";
  s.header_bytes = k2e40;
  EXPECT_HAS(error_of([&] { navox::io::open_volume(s); }), "header bytes overflows 64-bit sizes");
}

TEST(SizeOverflow, Hdf5Extents) {
  // A chunked dataset with nothing written costs no disk: 3e9 x 4e9 uint8 fits
  // HDF5's unsigned 64-bit sizes but not navox's signed ones.
  const std::string path = navox::test::scratch_dir("size_overflow_h5") + "/huge.h5";
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t extent[3] = {1, 4000000000ULL, 3000000000ULL}, chunk[3] = {1, 1024, 1024};
  hid_t space = H5Screate_simple(3, extent, nullptr);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 3, chunk);
  hid_t ds = H5Dcreate2(file, "/huge", H5T_NATIVE_UINT8, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  ASSERT_GE(ds, 0) << "HDF5 refused to create the test dataset";
  H5Dclose(ds);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Fclose(file);
  VolumeSpec s;
  s.format = "hdf5";
  s.path = path;
  s.dataset = "/huge";
  EXPECT_HAS(error_of([&] { navox::io::open_volume(s); }),
             "dataset /huge (uint8) dims 3000000000x4000000000x1 x 1 bytes overflows 64-bit sizes");
}

/// A classic little-endian TIFF of one 8-bit page whose header claims width x
/// height pixels in strips of 2^28 rows, each one byte long at offset 8: a damaged
/// or hostile header. (One strip of all rows would overflow libtiff's own 32-bit
/// strip count, which refuses it before navox sees the dims.)
void write_tiff_header(const std::string& path, std::uint32_t width, std::uint32_t height) {
  const std::uint32_t rows = 1u << 28, strips = (height - 1) / rows + 1;
  const std::uint32_t tags[][3] = {{256, 4, width}, {257, 4, height}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
                                   {273, 4, 0},     {277, 3, 1},      {278, 4, rows}, {279, 4, 0}};
  const std::uint32_t n = sizeof tags / sizeof tags[0];
  const std::uint32_t offsets_at = 8 + 2 + 12 * n + 4, counts_at = offsets_at + 4 * strips;
  std::vector<unsigned char> b = {'I', 'I', 42, 0, 8, 0, 0, 0};
  auto u16 = [&](unsigned v) { b.push_back(v & 0xff), b.push_back((v >> 8) & 0xff); };
  auto u32 = [&](std::uint32_t v) { u16(v & 0xffff), u16(v >> 16); };
  u16(n);
  for (const auto& t : tags) {
    const bool array = t[0] == 273 || t[0] == 279; // strip offsets and byte counts
    u16(t[0]), u16(t[1]), u32(array ? strips : 1);
    if (array) {
      u32(t[0] == 273 ? offsets_at : counts_at);
    } else if (t[1] == 3) {
      u16(t[2]), u16(0);
    } else {
      u32(t[2]);
    }
  }
  u32(0); // no next page
  for (std::uint32_t i = 0; i < strips; ++i) u32(8);
  for (std::uint32_t i = 0; i < strips; ++i) u32(1);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

TEST(SizeOverflow, TiffHeader) {
  const std::string path = navox::test::scratch_dir("size_overflow_tiff") + "/huge.tif";
  write_tiff_header(path, 4000000000u, 4000000000u);
  VolumeSpec s;
  s.format = "tiff";
  s.path = path;
  EXPECT_HAS(error_of([&] { navox::io::open_volume(s); }),
             "file " + path + ": uint8 dims 4000000000x4000000000x1 x 1 bytes overflows 64-bit sizes");
}

TEST(SizeOverflow, GeneratorsAndLayers) {
  const Dims huge{k2e40, k2e40, 8};
  const std::string dims = "dims 1099511627776x1099511627776x8 x 4 bytes overflows 64-bit sizes";
  navox::io::PelletSpec pellet;
  pellet.dims = huge;
  pellet.porosity = 0.2;
  pellet.pore_radius = 1e-6;
  EXPECT_HAS(error_of([&] { navox::io::pellet(pellet); }), "generated pellet " + dims);
  navox::io::SeparatorSpec separator;
  separator.dims = huge;
  separator.pore_depth = 1;
  EXPECT_HAS(error_of([&] { navox::io::separator(separator); }), "generated separator " + dims);
  navox::io::CeramicSpec ceramic;
  ceramic.dims = huge;
  EXPECT_HAS(error_of([&] { navox::io::ceramic(ceramic); }), "generated ceramic " + dims);
  navox::io::InterfaceSpec interface;
  interface.dims = huge;
  EXPECT_HAS(error_of([&] { navox::io::interface_layer(interface); }), "generated interface " + dims);
  EXPECT_HAS(error_of([&] { navox::io::uniform(huge, 0, "NBH"); }), "uniform NBH " + dims);

  // Layers that fit one by one (2^60 voxels, 2^62 bytes) but not stacked (2^63 bytes).
  const std::int64_t m = std::int64_t(1) << 20;
  std::vector<std::unique_ptr<navox::io::LabelSource>> layers;
  layers.push_back(navox::io::uniform({m, m, m}, 0, "NBH"));
  layers.push_back(navox::io::uniform({m, m, m}, 0, "Cu"));
  EXPECT_HAS(error_of([&] { navox::io::stack(std::move(layers)); }), "stacked layers dims");

  interface.dims = {4, 4, 0};
  interface.gap = 1e30;
  EXPECT_HAS(error_of([&] { navox::io::default_interface_thickness(interface); }), "overflows 64-bit sizes");
}

TEST(SizeOverflow, CeramicGrainsFarBelowAVoxel) {
  // The seed lattice of a block spans (block / grain)^3 cells: 1e27 for two voxels.
  navox::io::CeramicSpec c;
  c.dims = {2, 2, 2};
  c.spacing = {1e-6, 1e-6, 1e-6};
  c.grain_size = 1e-15;
  c.gb_material = 1;
  c.gb_thickness = 1e-16;
  navox::Box block;
  block.n = {2, 2, 2};
  auto source = navox::io::ceramic(c);
  EXPECT_HAS(error_of([&] { source->labels(block); }), "seed lattice dims");
}

} // namespace
