// The HDF5 volume reader: hyperslabs of a file written here, datasets of the wrong
// rank or missing, and chunks missing from a compressed dataset.
#include "io/readers/volume_source.hpp"
#include "support/test_paths.hpp"
#include "support/volume_reader_checks.hpp"

#include <hdf5.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

using namespace navox::test::volume;

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

} // namespace
