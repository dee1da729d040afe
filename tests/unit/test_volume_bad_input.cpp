// open_volume on what no reader can read: missing files in every format, unknown
// formats and dtypes, bad sequence patterns, blocks outside the volume, wrong formats.
#include "io/readers/volume_source.hpp"
#include "support/test_paths.hpp"
#include "support/volume_reader_checks.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace navox::test::volume;

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
