// The VTK image (.vti) reader: point and cell arrays of a file written here with VTK.
#include "io/readers/volume_source.hpp"
#include "support/test_paths.hpp"
#include "support/volume_reader_checks.hpp"

#include <vtkCellData.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLImageDataWriter.h>

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace navox::test::volume;

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

} // namespace
