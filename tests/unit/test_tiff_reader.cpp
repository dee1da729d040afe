// The TIFF readers: files written here with libtiff (every sample type, codec,
// strip and tile layout), the shared TIFF data sets, and bad TIFFs and sequences.
#include "io/readers/volume_source.hpp"
#include "support/test_paths.hpp"
#include "support/volume_reader_checks.hpp"

#include <tiffio.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

namespace {

using namespace navox::test::volume;

// ---------------------------------------------------------------------------
// Shared data sets

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
// Bad input

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

} // namespace
