// The raw reader: byte orders, axis orders, headers and sample types of files written
// here, a truncated file, and the shared OpenImpala encodings (raw and HDF5) agreeing.
#include "io/readers/volume_source.hpp"
#include "support/test_paths.hpp"
#include "support/volume_reader_checks.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace {

using namespace navox::test::volume;

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

} // namespace
