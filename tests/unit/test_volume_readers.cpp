// Voxel volume readers: the shared real data sets (when present) and small
// files written here with libtiff, HDF5 and VTK, with known values.
#include "io/readers/volume_source.hpp"
#include "support/test_paths.hpp"

#include <hdf5.h>
#include <tiffio.h>
#include <vtkCellData.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLImageDataWriter.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <vector>

namespace {

using navox::Box;
using navox::io::AxisOrder;
using navox::io::Endian;
using navox::io::open_volume;
using navox::io::VolumeSource;
using navox::io::VolumeSpec;
using Dims = std::array<std::int64_t, 3>;

Box make_box(std::int64_t x, std::int64_t y, std::int64_t z, std::int64_t nx, std::int64_t ny, std::int64_t nz) {
  Box b;
  b.lo = {x, y, z};
  b.n = {nx, ny, nz};
  return b;
}

Box whole(const VolumeSource& s) {
  Box b;
  b.n = s.dims();
  return b;
}

/// The values of `block` cut out of a whole-volume read.
std::vector<double> cut(const std::vector<double>& all, const Dims& dims, const Box& block) {
  std::vector<double> out;
  for (std::int64_t k = block.lo[2]; k < block.hi(2); ++k)
    for (std::int64_t j = block.lo[1]; j < block.hi(1); ++j)
      for (std::int64_t i = block.lo[0]; i < block.hi(0); ++i) out.push_back(all[(k * dims[1] + j) * dims[0] + i]);
  return out;
}

/// A few blocks that straddle edges, single rows/columns and single voxels.
std::vector<Box> probe_blocks(const Dims& d) {
  return {make_box(0, 0, 0, d[0], d[1], 1),
          make_box(d[0] / 3, d[1] / 4, d[2] / 2, d[0] / 2, d[1] / 2, (d[2] + 1) / 2),
          make_box(d[0] - 1, d[1] - 1, d[2] - 1, 1, 1, 1),
          make_box(0, d[1] / 2, 0, d[0], 1, d[2]),
          make_box(d[0] / 2, 0, d[2] - 1, 1, d[1], 1),
          make_box(1 % d[0], 1 % d[1], 0, d[0] - 1 % d[0], d[1] - 1 % d[1], d[2])};
}

/// Every probe block must equal the same voxels of a whole-volume read.
void expect_blocks_match_whole(const VolumeSource& s) {
  const auto all = s.read_block(whole(s));
  ASSERT_EQ(static_cast<std::int64_t>(all.size()), whole(s).size());
  for (const Box& b : probe_blocks(s.dims())) EXPECT_EQ(s.read_block(b), cut(all, s.dims(), b)) << s.describe();
}

std::set<double> value_set(const std::vector<double>& v) { return {v.begin(), v.end()}; }

double fraction_of(const std::vector<double>& v, double value) {
  std::int64_t n = 0;
  for (double x : v) n += x == value;
  return static_cast<double>(n) / static_cast<double>(v.size());
}

/// Runs `f` and returns the navox::Error message it throws ("" if none).
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const navox::Error& e) {
    return e.what();
  }
  return "";
}

VolumeSpec spec_of(const std::string& format, const std::string& path) {
  VolumeSpec s;
  s.format = format;
  s.path = path;
  return s;
}

void write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// ---------------------------------------------------------------------------
// Shared data sets

constexpr const char* kImpala = "openimpala_sample/SampleData_2Phase_stack_3d_";

TEST(VolumeReadersShared, OpenImpalaEncodingsAgree) {
  NAVOX_REQUIRE_SHARED(u8, std::string(kImpala) + "uint8.raw");
  NAVOX_REQUIRE_SHARED(i16, std::string(kImpala) + "int16le.raw");
  NAVOX_REQUIRE_SHARED(u16, std::string(kImpala) + "uint16le.raw");
  NAVOX_REQUIRE_SHARED(f32, std::string(kImpala) + "float32le.raw");
  NAVOX_REQUIRE_SHARED(h5, "openimpala_sample/SampleData_2Phase_3d.hdf5");

  // The files hold one structure, but not one labelling: phase 1 is stored as
  // 1 (uint8, float32, HDF5), 128 (int16le: bytes 80 00) and 257 (uint16le:
  // bytes 01 01). So the values must be exactly these, and the phase masks
  // (value != 0) identical.
  struct Encoding {
    std::string path, dtype;
    double phase1;
  };
  const std::vector<Encoding> encodings{{u8, "uint8", 1}, {i16, "int16", 128}, {u16, "uint16", 257}, {f32, "float32", 1}};
  std::vector<std::pair<std::unique_ptr<VolumeSource>, double>> sources;
  for (const auto& e : encodings) {
    VolumeSpec s = spec_of("raw", e.path);
    s.dims = {100, 100, 100};
    s.dtype = e.dtype;
    sources.emplace_back(open_volume(s), e.phase1);
  }
  sources.emplace_back(open_volume(spec_of("hdf5", h5)), 1);

  const auto reference = sources[0].first->read_block(whole(*sources[0].first));
  EXPECT_EQ(value_set(reference), (std::set<double>{0, 1}));
  EXPECT_EQ(fraction_of(reference, 1), 0.399553); // the README's 0.3996, rounded
  EXPECT_NEAR(fraction_of(reference, 1), 0.3996, 5e-5);
  auto relabel = [](std::vector<double> v, double phase1) {
    for (double& x : v) x = x == phase1 ? 1 : x;
    return v;
  };
  for (const auto& [s, phase1] : sources) {
    EXPECT_EQ(s->dims(), (Dims{100, 100, 100})) << s->describe();
    const auto all = s->read_block(whole(*s));
    EXPECT_EQ(value_set(all), (std::set<double>{0, phase1})) << s->describe();
    EXPECT_EQ(relabel(all, phase1), reference) << s->describe();
    for (const Box& b : probe_blocks(s->dims()))
      EXPECT_EQ(relabel(s->read_block(b), phase1), cut(reference, s->dims(), b)) << s->describe();
  }
}

TEST(VolumeReadersShared, OneBitTiff) {
  NAVOX_REQUIRE_SHARED(path, std::string(kImpala) + "1bit.tif");
  auto s = open_volume(spec_of("tiff", path));
  EXPECT_EQ(s->dims(), (Dims{100, 100, 100}));
  EXPECT_NE(s->describe().find("1-bit"), std::string::npos) << s->describe();
  const auto all = s->read_block(whole(*s));
  EXPECT_EQ(value_set(all), (std::set<double>{0, 1}));
  // A different structure from the raw files (see the data README); min-is-black.
  EXPECT_EQ(fraction_of(all, 1), 0.398309);
  expect_blocks_match_whole(*s);
}

TEST(VolumeReadersShared, SpheresTiffIsMinIsWhite) {
  NAVOX_REQUIRE_SHARED(path, "openimpala_sample/spheres.tif");
  auto s = open_volume(spec_of("tiff", path));
  EXPECT_EQ(s->dims(), (Dims{100, 100, 100}));
  EXPECT_NE(s->describe().find("1-bit min-is-white"), std::string::npos) << s->describe();
  const auto all = s->read_block(whole(*s));
  EXPECT_EQ(value_set(all), (std::set<double>{0, 1}));
  // Min-is-white: 88.8 % of the stored bits are set (black); inverted, the
  // white spheres read as 1.
  EXPECT_EQ(fraction_of(all, 1), 0.111976);
  expect_blocks_match_whole(*s);
}

TEST(VolumeReadersShared, FiberformGreyscale) {
  NAVOX_REQUIRE_SHARED(path, "fiberform_xct/100_fiberform.tif");
  auto s = open_volume(spec_of("tiff", path));
  EXPECT_EQ(s->dims(), (Dims{100, 100, 100}));
  EXPECT_NE(s->describe().find("uint8"), std::string::npos) << s->describe();
  const auto all = s->read_block(whole(*s));
  const auto values = value_set(all);
  EXPECT_GE(*values.begin(), 0);
  EXPECT_LE(*values.rbegin(), 255);
  EXPECT_GT(values.size(), 2u); // greyscale, not yet segmented
  expect_blocks_match_whole(*s);
}

TEST(VolumeReadersShared, CellCtSliceSequence) {
  NAVOX_REQUIRE_SHARED(first, "cell_ct_slices/im001.tif");
  const std::string pattern = first.substr(0, first.size() - std::strlen("001.tif")) + "%03d.tif";
  auto scanned = open_volume(spec_of("tiff_sequence", pattern));
  EXPECT_EQ(scanned->dims(), (Dims{728, 728, 16}));
  VolumeSpec counted = spec_of("tiff_sequence", pattern);
  counted.first_index = 5;
  counted.count = 3;
  auto part = open_volume(counted);
  EXPECT_EQ(part->dims(), (Dims{728, 728, 3}));

  const auto all = scanned->read_block(whole(*scanned));
  for (const Box& b : probe_blocks(scanned->dims())) EXPECT_EQ(scanned->read_block(b), cut(all, scanned->dims(), b));
  // Slices 5..7 of the counted sequence are z = 4..6 of the whole one, and
  // the single-file reader decodes a slice file the same way.
  const Box mid = make_box(100, 200, 0, 300, 250, 3);
  Box shifted = mid;
  shifted.lo[2] = 4;
  EXPECT_EQ(part->read_block(mid), cut(all, scanned->dims(), shifted));
  auto single = open_volume(spec_of("tiff", first.substr(0, first.size() - 7) + "006.tif"));
  EXPECT_EQ(single->dims(), (Dims{728, 728, 1}));
  Box one = mid;
  one.n[2] = 1;
  Box at5 = one;
  at5.lo[2] = 5;
  EXPECT_EQ(single->read_block(one), cut(all, scanned->dims(), at5));
}

// ---------------------------------------------------------------------------
// TIFFs written here

struct TiffCase {
  const char* name;
  int bits;
  int sample_format;
  int compression;
  int rows_per_strip; ///< 0: tiled 16x16
  const char* mode;   ///< "w", "w8" (BigTIFF), "wb" (big-endian)
  int photometric = PHOTOMETRIC_MINISBLACK;
};

/// Known voxel values, exactly representable in every case's sample type.
double known_value(const TiffCase& c, std::int64_t x, std::int64_t y, std::int64_t z) {
  if (c.bits == 1) return (x * y + 3 * z + x) % 3 == 0 ? 1 : 0;
  if (c.sample_format == SAMPLEFORMAT_IEEEFP) return 0.5 * x - 0.25 * y + 1.125 * z - 3;
  if (c.sample_format == SAMPLEFORMAT_INT) return static_cast<double>((x * 37 + y * 11 + z * 101) % 255) - 127;
  if (c.bits == 8) return static_cast<double>((x + 3 * y + 7 * z) % 251);
  if (c.bits == 16) return static_cast<double>((x * 37 + y * 101 + z * 1009) % 65521);
  return static_cast<double>((x * 1000003 + y * 7919 + z * 104729) % 4294967291LL);
}

void put_sample(unsigned char* row, std::int64_t x, const TiffCase& c, double v) {
  if (c.bits == 1) {
    if (v != 0) row[x >> 3] |= static_cast<unsigned char>(0x80 >> (x & 7));
    return;
  }
  unsigned char* p = row + x * (c.bits / 8);
  if (c.sample_format == SAMPLEFORMAT_IEEEFP && c.bits == 32) {
    const float f = static_cast<float>(v);
    std::memcpy(p, &f, 4);
  } else if (c.sample_format == SAMPLEFORMAT_IEEEFP) {
    std::memcpy(p, &v, 8);
  } else if (c.sample_format == SAMPLEFORMAT_INT) {
    const auto i = static_cast<std::int16_t>(v);
    std::memcpy(p, &i, 2);
  } else if (c.bits == 8) {
    *p = static_cast<unsigned char>(v);
  } else if (c.bits == 16) {
    const auto u = static_cast<std::uint16_t>(v);
    std::memcpy(p, &u, 2);
  } else {
    const auto u = static_cast<std::uint32_t>(v);
    std::memcpy(p, &u, 4);
  }
}

void write_tiff(const std::string& path, const TiffCase& c, const Dims& d) {
  TIFF* t = TIFFOpen(path.c_str(), c.mode);
  ASSERT_NE(t, nullptr) << path;
  const std::int64_t row_bytes = (d[0] * c.bits + 7) / 8;
  for (std::int64_t z = 0; z < d[2]; ++z) {
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(d[0]));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(d[1]));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, c.bits);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, c.sample_format);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, c.photometric);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, c.compression);
    TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    if (c.rows_per_strip > 0) {
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, c.rows_per_strip);
      for (std::int64_t y = 0; y < d[1]; ++y) {
        std::vector<unsigned char> row(static_cast<std::size_t>(row_bytes), 0);
        for (std::int64_t x = 0; x < d[0]; ++x) put_sample(row.data(), x, c, known_value(c, x, y, z));
        ASSERT_EQ(TIFFWriteScanline(t, row.data(), static_cast<std::uint32_t>(y), 0), 1);
      }
    } else {
      const std::int64_t tile = 16;
      TIFFSetField(t, TIFFTAG_TILEWIDTH, static_cast<std::uint32_t>(tile));
      TIFFSetField(t, TIFFTAG_TILELENGTH, static_cast<std::uint32_t>(tile));
      const std::int64_t tile_row_bytes = (tile * c.bits + 7) / 8;
      for (std::int64_t ty = 0; ty < d[1]; ty += tile)
        for (std::int64_t tx = 0; tx < d[0]; tx += tile) {
          std::vector<unsigned char> buf(static_cast<std::size_t>(tile_row_bytes * tile), 0);
          for (std::int64_t y = ty; y < std::min(ty + tile, d[1]); ++y)
            for (std::int64_t x = tx; x < std::min(tx + tile, d[0]); ++x)
              put_sample(buf.data() + (y - ty) * tile_row_bytes, x - tx, c, known_value(c, x, y, z));
          ASSERT_GE(TIFFWriteTile(t, buf.data(), static_cast<std::uint32_t>(tx), static_cast<std::uint32_t>(ty), 0, 0), 0);
        }
    }
    ASSERT_EQ(TIFFWriteDirectory(t), 1);
  }
  TIFFClose(t);
}

std::vector<double> expected_block(const TiffCase& c, const Box& b) {
  std::vector<double> out;
  for (std::int64_t k = b.lo[2]; k < b.hi(2); ++k)
    for (std::int64_t j = b.lo[1]; j < b.hi(1); ++j)
      for (std::int64_t i = b.lo[0]; i < b.hi(0); ++i) out.push_back(known_value(c, i, j, k));
  return out;
}

class WrittenTiff : public ::testing::TestWithParam<TiffCase> {};

TEST_P(WrittenTiff, BlocksReadExactly) {
  const TiffCase& c = GetParam();
  const Dims d{37, 29, 5};
  const std::string path = navox::test::scratch_dir(std::string("volume_readers_") + c.name) + "/stack.tif";
  write_tiff(path, c, d);
  auto s = open_volume(spec_of("tiff", path));
  ASSERT_EQ(s->dims(), d);
  EXPECT_EQ(s->read_block(whole(*s)), expected_block(c, whole(*s))) << s->describe();
  // Blocks in decreasing z, so that pages are visited out of file order.
  auto blocks = probe_blocks(d);
  blocks.push_back(make_box(3, 17, 4, 30, 12, 1));
  blocks.push_back(make_box(16, 5, 0, 17, 11, 2));
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
    EXPECT_EQ(s->read_block(*it), expected_block(c, *it)) << s->describe() << " block z " << it->lo[2];
  EXPECT_EQ(s->read_block(make_box(0, 0, 0, 0, 0, 0)).size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    VolumeReaders, WrittenTiff,
    ::testing::Values(TiffCase{"u8_none_strips", 8, SAMPLEFORMAT_UINT, COMPRESSION_NONE, 4, "w"},
                      TiffCase{"u8_deflate_strips", 8, SAMPLEFORMAT_UINT, COMPRESSION_ADOBE_DEFLATE, 5, "w"},
                      TiffCase{"u8_lzw_tiles", 8, SAMPLEFORMAT_UINT, COMPRESSION_LZW, 0, "w"},
                      TiffCase{"u8_packbits_bigtiff", 8, SAMPLEFORMAT_UINT, COMPRESSION_PACKBITS, 3, "w8"},
                      TiffCase{"i16_none_bigendian", 16, SAMPLEFORMAT_INT, COMPRESSION_NONE, 7, "wb"},
                      TiffCase{"u16_lzw_strips", 16, SAMPLEFORMAT_UINT, COMPRESSION_LZW, 6, "w"},
                      TiffCase{"u16_deflate_tiles_bigendian", 16, SAMPLEFORMAT_UINT, COMPRESSION_ADOBE_DEFLATE, 0, "wb"},
                      TiffCase{"u32_packbits_strips", 32, SAMPLEFORMAT_UINT, COMPRESSION_PACKBITS, 2, "w"},
                      TiffCase{"f32_none_strips", 32, SAMPLEFORMAT_IEEEFP, COMPRESSION_NONE, 29, "w"},
                      TiffCase{"f32_deflate_tiles_bigtiff", 32, SAMPLEFORMAT_IEEEFP, COMPRESSION_ADOBE_DEFLATE, 0, "w8"},
                      TiffCase{"f64_lzw_strips_bigendian", 64, SAMPLEFORMAT_IEEEFP, COMPRESSION_LZW, 8, "wb"},
                      TiffCase{"bit1_none_strips", 1, SAMPLEFORMAT_UINT, COMPRESSION_NONE, 5, "w"},
                      TiffCase{"bit1_packbits_strips", 1, SAMPLEFORMAT_UINT, COMPRESSION_PACKBITS, 9, "w"},
                      TiffCase{"bit1_deflate_tiles", 1, SAMPLEFORMAT_UINT, COMPRESSION_ADOBE_DEFLATE, 0, "w"},
                      TiffCase{"bit1_lzw_bigtiff", 1, SAMPLEFORMAT_UINT, COMPRESSION_LZW, 4, "w8"}),
    [](const ::testing::TestParamInfo<TiffCase>& info) { return std::string(info.param.name); });

TEST(VolumeReaders, OneBitMinIsWhiteInverts) {
  TiffCase c{"bit1_white", 1, SAMPLEFORMAT_UINT, COMPRESSION_NONE, 8, "w", PHOTOMETRIC_MINISWHITE};
  const Dims d{20, 10, 3};
  const std::string path = navox::test::scratch_dir("volume_readers_bit1_white") + "/white.tif";
  write_tiff(path, c, d);
  auto s = open_volume(spec_of("tiff", path));
  auto expected = expected_block(c, whole(*s));
  for (double& v : expected) v = 1 - v;
  EXPECT_EQ(s->read_block(whole(*s)), expected);
}

TEST(VolumeReaders, BigTiffIsNamed) {
  TiffCase c{"big", 8, SAMPLEFORMAT_UINT, COMPRESSION_LZW, 4, "w8"};
  const std::string path = navox::test::scratch_dir("volume_readers_big") + "/big.tif";
  write_tiff(path, c, {9, 9, 2});
  const auto text = open_volume(spec_of("tiff", path))->describe();
  EXPECT_NE(text.find("BigTIFF 9x9x2 uint8 (LZW)"), std::string::npos) << text;
}

// ---------------------------------------------------------------------------
// Raw, HDF5 and VTI written here

TEST(VolumeReaders, RawOrdersEndiannessAndHeader) {
  const std::string dir = navox::test::scratch_dir("volume_readers_raw");
  const Dims d{5, 4, 3};
  auto value = [](std::int64_t i, std::int64_t j, std::int64_t k) { return static_cast<double>(i + 10 * j + 100 * k + 7); };
  const int header = 16;
  for (AxisOrder order : {AxisOrder::xyz, AxisOrder::zyx})
    for (Endian endian : {Endian::little, Endian::big}) {
      std::vector<unsigned char> bytes(header, 0xAB);
      auto put = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
        const auto v = static_cast<std::uint16_t>(value(i, j, k));
        const unsigned char hi = static_cast<unsigned char>(v >> 8), lo = static_cast<unsigned char>(v & 0xFF);
        bytes.push_back(endian == Endian::big ? hi : lo);
        bytes.push_back(endian == Endian::big ? lo : hi);
      };
      if (order == AxisOrder::xyz) {
        for (std::int64_t k = 0; k < d[2]; ++k)
          for (std::int64_t j = 0; j < d[1]; ++j)
            for (std::int64_t i = 0; i < d[0]; ++i) put(i, j, k);
      } else {
        for (std::int64_t i = 0; i < d[0]; ++i)
          for (std::int64_t j = 0; j < d[1]; ++j)
            for (std::int64_t k = 0; k < d[2]; ++k) put(i, j, k);
      }
      const std::string path = dir + "/v" + std::to_string(static_cast<int>(order)) +
                               std::to_string(static_cast<int>(endian)) + ".raw";
      write_file(path, bytes);
      VolumeSpec s = spec_of("raw", path);
      s.dims = d;
      s.dtype = "uint16";
      s.endian = endian;
      s.order = order;
      s.header_bytes = header;
      auto src = open_volume(s);
      auto blocks = probe_blocks(d);
      blocks.push_back(whole(*src));
      blocks.push_back(make_box(0, 1, 1, 5, 2, 2));
      blocks.push_back(make_box(1, 0, 0, 3, 4, 3));
      for (const Box& b : blocks) {
        std::vector<double> expected;
        for (std::int64_t k = b.lo[2]; k < b.hi(2); ++k)
          for (std::int64_t j = b.lo[1]; j < b.hi(1); ++j)
            for (std::int64_t i = b.lo[0]; i < b.hi(0); ++i) expected.push_back(value(i, j, k));
        EXPECT_EQ(src->read_block(b), expected) << src->describe();
      }
    }
}

TEST(VolumeReaders, RawSignedAndFloatTypes) {
  const std::string dir = navox::test::scratch_dir("volume_readers_raw_types");
  const std::vector<std::int8_t> i8{-128, -1, 0, 1, 127, -5, 6, 100};
  write_file(dir + "/i8.raw", {i8.begin(), i8.end()});
  std::vector<double> f64{-1.5, 2.25, 1e300, -0.0, 3, 4, 5, 6};
  std::vector<unsigned char> raw(f64.size() * 8);
  std::memcpy(raw.data(), f64.data(), raw.size());
  write_file(dir + "/f64.raw", raw);
  VolumeSpec s = spec_of("raw", dir + "/i8.raw");
  s.dims = {2, 2, 2};
  s.dtype = "int8";
  Box all = make_box(0, 0, 0, 2, 2, 2);
  EXPECT_EQ(open_volume(s)->read_block(all), std::vector<double>(i8.begin(), i8.end()));
  s.path = dir + "/f64.raw";
  s.dtype = "float64";
  EXPECT_EQ(open_volume(s)->read_block(all), f64);
}

void write_hdf5(const std::string& path) {
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t d3[3] = {3, 4, 5}; // z, y, x
  std::vector<std::int16_t> v(60);
  for (std::size_t n = 0; n < v.size(); ++n) v[n] = static_cast<std::int16_t>(static_cast<int>(n) * 3 - 50);
  hid_t space = H5Screate_simple(3, d3, nullptr);
  hid_t ds = H5Dcreate2(file, "/phase", H5T_STD_I16BE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(ds, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(ds);
  H5Sclose(space);
  const hsize_t d2[2] = {4, 5};
  space = H5Screate_simple(2, d2, nullptr);
  ds = H5Dcreate2(file, "/flat", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(ds);
  H5Sclose(space);
  H5Fclose(file);
}

TEST(VolumeReaders, Hdf5HyperslabAndErrors) {
  const std::string path = navox::test::scratch_dir("volume_readers_hdf5") + "/v.h5";
  write_hdf5(path);
  VolumeSpec s = spec_of("hdf5", path);
  s.dataset = "/phase";
  auto src = open_volume(s);
  EXPECT_EQ(src->dims(), (Dims{5, 4, 3}));
  EXPECT_NE(src->describe().find("int16"), std::string::npos) << src->describe();
  const Box b = make_box(1, 2, 1, 3, 2, 2);
  std::vector<double> expected;
  for (std::int64_t k = 1; k < 3; ++k)
    for (std::int64_t j = 2; j < 4; ++j)
      for (std::int64_t i = 1; i < 4; ++i) expected.push_back(static_cast<double>(((k * 4 + j) * 5 + i) * 3 - 50));
  EXPECT_EQ(src->read_block(b), expected);

  s.dataset = "/flat";
  auto msg = error_of([&] { open_volume(s); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("2 dimensions (4x5)"), std::string::npos) << msg;

  s.dataset = "/image";
  msg = error_of([&] { open_volume(s); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("no dataset '/image'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/flat"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/phase"), std::string::npos) << msg;
}

// A gzip-chunked volume with chunks missing (an interrupted write, a damaged index)
// used to read the missing chunks as zeros and segment them without a word.
TEST(VolumeReaders, Hdf5MissingChunksAreAnError) {
  const std::string path = navox::test::scratch_dir("volume_readers_hdf5_chunks") + "/c.h5";
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t d3[3] = {4, 4, 4}, chunk[3] = {2, 4, 4}, half[3] = {2, 4, 4}, at[3] = {0, 0, 0};
  hid_t space = H5Screate_simple(3, d3, nullptr);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 3, chunk);
  H5Pset_deflate(dcpl, 4);
  for (const char* name : {"/full", "/half"}) {
    hid_t ds = H5Dcreate2(file, name, H5T_NATIVE_UINT8, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    std::vector<std::uint8_t> v(64, 1);
    if (std::string(name) == "/full") {
      H5Dwrite(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    } else { // the first of the two chunks only
      hid_t fs = H5Dget_space(ds), ms = H5Screate_simple(3, half, nullptr);
      H5Sselect_hyperslab(fs, H5S_SELECT_SET, at, nullptr, half, nullptr);
      H5Dwrite(ds, H5T_NATIVE_UINT8, ms, fs, H5P_DEFAULT, v.data());
      H5Sclose(ms);
      H5Sclose(fs);
    }
    H5Dclose(ds);
  }
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Fclose(file);
  VolumeSpec s = spec_of("hdf5", path);
  s.dataset = "/full";
  EXPECT_EQ(open_volume(s)->read_block(make_box(0, 0, 0, 4, 4, 4)), std::vector<double>(64, 1.0));
  s.dataset = "/half";
  const auto msg = error_of([&] { open_volume(s); });
  EXPECT_NE(msg.find("has 1 of its 2 chunks stored"), std::string::npos) << msg;
}

TEST(VolumeReadersShared, Hdf5MissingDataset) {
  NAVOX_REQUIRE_SHARED(h5, "openimpala_sample/SampleData_2Phase_3d.hdf5");
  VolumeSpec s = spec_of("hdf5", h5);
  s.dataset = "/segmented";
  const auto msg = error_of([&] { open_volume(s); });
  EXPECT_NE(msg.find(h5), std::string::npos) << msg;
  EXPECT_NE(msg.find("/segmented"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/image"), std::string::npos) << msg; // listed as what is there
}

TEST(VolumeReaders, VtiPointAndCellArrays) {
  const std::string path = navox::test::scratch_dir("volume_readers_vti") + "/v.vti";
  vtkNew<vtkImageData> image;
  image->SetDimensions(6, 5, 4); // points; cells are 5x4x3
  vtkNew<vtkUnsignedCharArray> phase;
  phase->SetName("phase");
  for (vtkIdType n = 0; n < 6 * 5 * 4; ++n) phase->InsertNextValue(static_cast<unsigned char>(n % 7));
  image->GetPointData()->AddArray(phase);
  vtkNew<vtkFloatArray> density;
  density->SetName("density");
  for (vtkIdType n = 0; n < 5 * 4 * 3; ++n) density->InsertNextValue(0.5f * static_cast<float>(n));
  image->GetCellData()->AddArray(density);
  vtkNew<vtkXMLImageDataWriter> writer;
  writer->SetFileName(path.c_str());
  writer->SetInputData(image);
  ASSERT_EQ(writer->Write(), 1);

  auto first = open_volume(spec_of("vti", path));
  EXPECT_EQ(first->dims(), (Dims{6, 5, 4}));
  const Box pb = make_box(1, 2, 1, 4, 3, 2);
  std::vector<double> expected;
  for (std::int64_t k = 1; k < 3; ++k)
    for (std::int64_t j = 2; j < 5; ++j)
      for (std::int64_t i = 1; i < 5; ++i) expected.push_back(static_cast<double>(((k * 5 + j) * 6 + i) % 7));
  EXPECT_EQ(first->read_block(pb), expected);

  VolumeSpec s = spec_of("vti", path);
  s.array = "density";
  auto cells = open_volume(s);
  EXPECT_EQ(cells->dims(), (Dims{5, 4, 3}));
  const Box cb = make_box(2, 1, 1, 3, 2, 2);
  expected.clear();
  for (std::int64_t k = 1; k < 3; ++k)
    for (std::int64_t j = 1; j < 3; ++j)
      for (std::int64_t i = 2; i < 5; ++i) expected.push_back(0.5 * static_cast<double>((k * 4 + j) * 5 + i));
  EXPECT_EQ(cells->read_block(cb), expected);
  expect_blocks_match_whole(*cells);

  s.array = "porosity";
  const auto msg = error_of([&] { open_volume(s); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("phase"), std::string::npos) << msg;
  EXPECT_NE(msg.find("density"), std::string::npos) << msg;
}

// ---------------------------------------------------------------------------
// Bad input

TEST(VolumeReaders, TruncatedRawNamesSizes) {
  const std::string path = navox::test::scratch_dir("volume_readers_truncated") + "/short.raw";
  write_file(path, std::vector<unsigned char>(1999, 0));
  VolumeSpec s = spec_of("raw", path);
  s.dims = {10, 10, 10};
  s.dtype = "uint16";
  const auto msg = error_of([&] { open_volume(s); });
  EXPECT_NE(msg.find("file " + path + " has 1999 bytes, expected 2000 (= 10x10x10 uint16 + 0 header bytes)"),
            std::string::npos)
      << msg;
}

TEST(VolumeReaders, SliceOfOtherSizeNamesFileAndSizes) {
  const std::string dir = navox::test::scratch_dir("volume_readers_badseq");
  const TiffCase c{"seq", 8, SAMPLEFORMAT_UINT, COMPRESSION_NONE, 4, "w"};
  write_tiff(dir + "/s01.tif", c, {8, 6, 1});
  write_tiff(dir + "/s02.tif", c, {8, 6, 1});
  write_tiff(dir + "/s03.tif", c, {9, 6, 1});
  const auto msg = error_of([&] { open_volume(spec_of("tiff_sequence", dir + "/s%02d.tif")); });
  EXPECT_NE(msg.find(dir + "/s03.tif"), std::string::npos) << msg;
  EXPECT_NE(msg.find("9x6 uint8"), std::string::npos) << msg;
  EXPECT_NE(msg.find("8x6 uint8"), std::string::npos) << msg;

  VolumeSpec two = spec_of("tiff_sequence", dir + "/s%02d.tif");
  two.count = 2;
  EXPECT_EQ(open_volume(two)->dims(), (Dims{8, 6, 2}));
  two.first_index = 2;
  two.count = 3;
  const auto missing = error_of([&] { open_volume(two); });
  EXPECT_NE(missing.find("file " + dir + "/s04.tif does not exist"), std::string::npos) << missing;
}

TEST(VolumeReaders, RgbTiffIsRejected) {
  const std::string path = navox::test::scratch_dir("volume_readers_rgb") + "/rgb.tif";
  TIFF* t = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(t, nullptr);
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 4u);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, 2u);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 2u);
  std::vector<unsigned char> row(12, 9);
  for (std::uint32_t y = 0; y < 2; ++y) TIFFWriteScanline(t, row.data(), y, 0);
  TIFFClose(t);
  const auto msg = error_of([&] { open_volume(spec_of("tiff", path)); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("3 samples per pixel (RGB)"), std::string::npos) << msg;
}

TEST(VolumeReaders, TruncatedTiffNamesFile) {
  // Page 0 and its IFD survive; later pages' strips or IFDs are cut off.
  const std::string path = navox::test::scratch_dir("volume_readers_cut_tiff") + "/cut.tif";
  write_tiff(path, TiffCase{"cut", 16, SAMPLEFORMAT_UINT, COMPRESSION_LZW, 4, "w"}, {37, 29, 5});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) * 3 / 5);
  const auto msg = error_of([&] {
    auto s = open_volume(spec_of("tiff", path));
    s->read_block(whole(*s));
  });
  EXPECT_NE(msg.find("file " + path + ": "), std::string::npos) << msg;
}

TEST(VolumeReaders, UnknownCompressionIsNamed) {
  // libtiff here has every codec it knows, so write an uncompressed TIFF and
  // relabel it with the JPEG 2000 code (34712), which libtiff has no codec for.
  const std::string path = navox::test::scratch_dir("volume_readers_codec") + "/j2k.tif";
  write_tiff(path, TiffCase{"codec", 8, SAMPLEFORMAT_UINT, COMPRESSION_NONE, 4, "wl"}, {4, 4, 1});
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  unsigned char head[8];
  f.read(reinterpret_cast<char*>(head), 8);
  const std::uint32_t ifd = head[4] | head[5] << 8 | head[6] << 16 | static_cast<std::uint32_t>(head[7]) << 24;
  f.seekg(ifd);
  unsigned char count[2];
  f.read(reinterpret_cast<char*>(count), 2);
  bool patched = false;
  for (int e = 0; e < (count[0] | count[1] << 8); ++e) {
    unsigned char entry[12];
    f.seekg(ifd + 2 + 12 * e);
    f.read(reinterpret_cast<char*>(entry), 12);
    if ((entry[0] | entry[1] << 8) == TIFFTAG_COMPRESSION) {
      const unsigned char code[2] = {34712 & 0xFF, 34712 >> 8};
      f.seekp(ifd + 2 + 12 * e + 8);
      f.write(reinterpret_cast<const char*>(code), 2);
      patched = true;
    }
  }
  f.close();
  ASSERT_TRUE(patched);
  const auto msg = error_of([&] { open_volume(spec_of("tiff", path)); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("page 0 uses compression code 34712, which this libtiff cannot decode"), std::string::npos) << msg;
}

TEST(VolumeReaders, MissingFilesAreNamed) {
  const std::string dir = navox::test::scratch_dir("volume_readers_missing");
  for (const char* format : {"tiff", "raw", "hdf5", "vti"}) {
    VolumeSpec s = spec_of(format, dir + "/absent." + format);
    s.dims = {2, 2, 2};
    const auto msg = error_of([&] { open_volume(s); });
    EXPECT_NE(msg.find("file " + s.path + " does not exist"), std::string::npos) << format << ": " << msg;
  }
  const auto msg = error_of([&] { open_volume(spec_of("tiff_sequence", dir + "/im%03d.tif")); });
  EXPECT_NE(msg.find(dir + "/im001.tif"), std::string::npos) << msg;
}

TEST(VolumeReaders, BadSpecsAndBlocks) {
  const std::string dir = navox::test::scratch_dir("volume_readers_spec");
  EXPECT_NE(error_of([&] { open_volume(spec_of("nrrd", dir + "/x.nrrd")); }).find("unknown volume format 'nrrd'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { open_volume(spec_of("tiff_sequence", dir + "/im.tif")); }).find("integer conversion"),
            std::string::npos);
  EXPECT_NE(error_of([&] { open_volume(spec_of("tiff_sequence", dir + "/%s%03d.tif")); }).find("integer conversion"),
            std::string::npos);

  write_file(dir + "/v.raw", std::vector<unsigned char>(8, 1));
  VolumeSpec s = spec_of("raw", dir + "/v.raw");
  s.dims = {2, 2, 2};
  s.dtype = "uint12";
  EXPECT_NE(error_of([&] { open_volume(s); }).find("unknown dtype 'uint12'"), std::string::npos);
  s.dtype = "uint8";
  auto src = open_volume(s);
  const auto msg = error_of([&] { src->read_block(make_box(1, 0, 0, 2, 1, 1)); });
  EXPECT_NE(msg.find("outside the volume"), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir + "/v.raw"), std::string::npos) << msg;

  write_file(dir + "/not.tif", std::vector<unsigned char>(64, 7));
  const auto tif = error_of([&] { open_volume(spec_of("tiff", dir + "/not.tif")); });
  EXPECT_NE(tif.find(dir + "/not.tif"), std::string::npos) << tif;
  const auto h5 = error_of([&] { open_volume(spec_of("hdf5", dir + "/not.tif")); });
  EXPECT_NE(h5.find("cannot be opened as HDF5"), std::string::npos) << h5;
  const auto vti = error_of([&] { open_volume(spec_of("vti", dir + "/not.tif")); });
  EXPECT_NE(vti.find(dir + "/not.tif"), std::string::npos) << vti;
}

} // namespace
