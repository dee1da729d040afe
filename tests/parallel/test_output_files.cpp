// HDF5 steps read back bit-exact (NaN included), XDMF and VTK files parse back with
// the right geometry, and every format names the materials, the units and (VTK) the
// step's time, on 1, 2 and 4 ranks. A vector field (`displacement`, 3 components)
// is an [nz][ny][nx][3] dataset, an XDMF Vector attribute and a 3-component VTK array.
#include "io/output/output_writer.hpp"
#include "mesh/grid.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <vtkAbstractArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkInformation.h>
#include <vtkNew.h>
#include <vtkStreamingDemandDrivenPipeline.h>
#include <vtkStringArray.h>
#include <vtkType.h>
#include <vtkXMLImageDataReader.h>
#include <vtkXMLPImageDataReader.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>

namespace fs = std::filesystem;
using navox::io::OutputField;

namespace {

// Values that are not round numbers, so any misplaced voxel or conversion shows.
// NaN in the "pore" voxels (label 2), as phi is written outside the SE.
double value(std::int64_t i, std::int64_t j, std::int64_t k) {
  if ((i + j + k) % 3 == 2) return NAN;
  return std::sin(0.37 * i + 1.1 * j) * std::exp(0.05 * k) / 3.0;
}

/// The vector field's component c at voxel (i, j, k): (i, 10 j, 100 k) + shift.
double vector_value(std::int64_t i, std::int64_t j, std::int64_t k, int c, double shift) {
  const double v[3] = {double(i), 10.0 * double(j), 100.0 * double(k)};
  return v[c] + shift;
}

/// Equal values, NaN equal to NaN.
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

navox::GridSpec spec() {
  navox::GridSpec s;
  s.dims = {9, 5, 12};
  s.spacing = {1.3e-6, 0.7e-6, 2.1e-6};
  s.origin = {-5e-6, 2e-6, 1e-6};
  return s;
}

std::vector<OutputField> fields(const navox::Grid& grid, double shift) {
  const navox::Box b = grid.owned();
  std::vector<OutputField> out = {{"label", OutputField::Type::int32, {}, ""},
                                  {"rank", OutputField::Type::int32, {}, ""},
                                  {"phi", OutputField::Type::float64, {}, "V"},
                                  {"displacement", OutputField::Type::float64, {}, "m", 3}};
  for (auto& f : out) f.values.resize(b.size() * f.components);
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const auto n = b.offset(i, j, k);
        out[0].values[n] = double((i + j + k) % 3);
        out[1].values[n] = grid.rank();
        out[2].values[n] = value(i, j, k) + shift;
        for (int c = 0; c < 3; ++c) out[3].values[3 * n + c] = vector_value(i, j, k, c, shift);
      }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

TEST(OutputFiles, Hdf5ReadsBackBitExact) {
  navox::Grid grid(MPI_COMM_WORLD, spec(), {"phi"});
  const std::string dir = navox::test::scratch_dir("hdf5_roundtrip");
  std::optional<navox::io::OutputWriter> first;
  first.emplace(grid, navox::io::OutputSpec{dir, "t", 1, true, false}, "0=NBH;1=Cu;2=pore");
  first->write({0, 0.0}, fields(grid, 0.0));
  first->write({3, 12.5}, fields(grid, 1.0));
  // A run resumed at step 3 rewrites the collection of the kept steps from its fields:
  // the vector field stays a Vector there (checked below on t.xmf).
  first.reset();
  navox::io::OutputWriter writer(grid, {dir, "t", 1, true, false}, "0=NBH;1=Cu;2=pore", 3);
  writer.resume_collections(fields(grid, 0.0));

  // Every rank reads the whole file back, so the layout is checked against all blocks.
  navox::Box all;
  all.n = spec().dims;
  for (long step : {0L, 3L}) {
    const std::string h5 = dir + "/" + writer.step_name(step) + ".h5";
    const auto phi = navox::io::read_hdf5_field(h5, "phi", all);
    const auto label = navox::io::read_hdf5_field(h5, "label", all);
    const auto rank = navox::io::read_hdf5_field(h5, "rank", all);
    for (auto k = 0; k < all.n[2]; ++k)
      for (auto j = 0; j < all.n[1]; ++j)
        for (auto i = 0; i < all.n[0]; ++i) {
          const auto n = all.offset(i, j, k);
          ASSERT_TRUE(same(phi[n], value(i, j, k) + (step ? 1.0 : 0.0))) << i << "," << j << "," << k;
          ASSERT_EQ(label[n], double((i + j + k) % 3));
          int owner = -1;
          for (int r = 0; r < grid.size(); ++r)
            if (grid.blocks()[r].contains(i, j, k)) owner = r;
          ASSERT_EQ(rank[n], owner);
        }
    // The vector field, read whole and as this rank's block: interleaved, component fastest.
    const double shift = step ? 1.0 : 0.0;
    const auto u = navox::io::read_hdf5_field(h5, "displacement", all);
    ASSERT_EQ(u.size(), std::size_t(3 * all.size()));
    for (auto k = 0; k < all.n[2]; ++k)
      for (auto j = 0; j < all.n[1]; ++j)
        for (auto i = 0; i < all.n[0]; ++i)
          for (int c = 0; c < 3; ++c)
            ASSERT_EQ(u[3 * all.offset(i, j, k) + c], vector_value(i, j, k, c, shift)) << i << "," << j << "," << k << " c" << c;
    const navox::Box mine = grid.owned();
    const auto block = navox::io::read_hdf5_field(h5, "displacement", mine);
    ASSERT_EQ(block.size(), std::size_t(3 * mine.size()));
    for (auto k = mine.lo[2]; k < mine.hi(2); ++k)
      for (auto j = mine.lo[1]; j < mine.hi(1); ++j)
        for (auto i = mine.lo[0]; i < mine.hi(0); ++i)
          for (int c = 0; c < 3; ++c)
            ASSERT_EQ(block[3 * mine.offset(i, j, k) + c], vector_value(i, j, k, c, shift));
  }
  // The XDMF collection lists both steps with their times and the cell-centred geometry.
  const std::string xmf = slurp(dir + "/t.xmf");
  EXPECT_NE(xmf.find("CollectionType=\"Temporal\""), std::string::npos);
  EXPECT_NE(xmf.find("<Time Value=\"12.5\"/>"), std::string::npos);
  EXPECT_NE(xmf.find("Dimensions=\"13 6 10\""), std::string::npos); // points: z, y, x
  EXPECT_NE(xmf.find("Center=\"Cell\""), std::string::npos);
  EXPECT_NE(xmf.find("t_000003.h5:/fields/phi"), std::string::npos);
  // Materials per grid and units per attribute, as XDMF Information; the names unchanged.
  EXPECT_NE(xmf.find("<Information Name=\"materials\" Value=\"0=NBH;1=Cu;2=pore\"/>"), std::string::npos);
  EXPECT_NE(xmf.find("<Attribute Name=\"phi\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
                     "          <Information Name=\"units\" Value=\"V\"/>"),
            std::string::npos)
      << xmf;
  const std::string step_xmf = slurp(dir + "/" + writer.step_name(3) + ".xmf");
  EXPECT_NE(step_xmf.find("<Information Name=\"materials\" Value=\"0=NBH;1=Cu;2=pore\"/>"), std::string::npos);
  EXPECT_NE(step_xmf.find("<Information Name=\"units\" Value=\"V\"/>"), std::string::npos);
  // A step opened alone shows its time in ParaView: a temporal collection of one.
  EXPECT_NE(step_xmf.find("CollectionType=\"Temporal\""), std::string::npos) << step_xmf;
  EXPECT_NE(step_xmf.find("<Time Value=\"12.5\"/>"), std::string::npos) << step_xmf;
  // The vector field: a Vector attribute over the dataset's trailing component axis, in
  // the per-step file and (for both steps, after the resume) in the collection; scalars
  // keep their three dimensions.
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  for (const auto& [text, indent, steps] :
       {std::tuple<std::string, std::string, int>{step_xmf, "          ", 1}, {xmf, "          ", 2}}) {
    EXPECT_EQ(count(text, "<Attribute Name=\"displacement\" AttributeType=\"Vector\" Center=\"Cell\">\n" + indent +
                              "<Information Name=\"units\" Value=\"m\"/>\n" + indent +
                              "<DataItem Dimensions=\"12 5 9 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">"),
              steps)
        << text;
    EXPECT_EQ(count(text, "AttributeType=\"Vector\""), steps);
    EXPECT_EQ(count(text, "AttributeType=\"Scalar\""), 3 * steps);
    EXPECT_EQ(count(text, "<DataItem Dimensions=\"12 5 9\" NumberType="), 3 * steps);
  }
  EXPECT_NE(step_xmf.find("t_000003.h5:/fields/displacement</DataItem>"), std::string::npos);
  EXPECT_NE(xmf.find("t_000000.h5:/fields/displacement</DataItem>"), std::string::npos);

  // Each dataset's units attribute.
  const std::string h5 = dir + "/" + writer.step_name(3) + ".h5";
  const hid_t file = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  for (const auto& [name, units] :
       {std::pair<std::string, std::string>{"phi", "V"}, {"label", ""}, {"displacement", "m"}}) {
    const hid_t attr = H5Aopen_by_name(file, ("fields/" + name).c_str(), "units", H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(attr, 0) << name;
    const hid_t type = H5Aget_type(attr);
    std::string text(H5Tget_size(type), '\0');
    EXPECT_GE(H5Aread(attr, type, text.data()), 0);
    EXPECT_EQ(std::string(text.c_str()), units) << name;
    H5Tclose(type);
    H5Aclose(attr);
  }
  // Shapes: [z][y][x] for a scalar, [z][y][x][3] for the vector, stored as doubles.
  for (const auto& [name, rank] : {std::pair<std::string, int>{"phi", 3}, {"displacement", 4}}) {
    const hid_t dset = H5Dopen2(file, ("fields/" + name).c_str(), H5P_DEFAULT);
    ASSERT_GE(dset, 0) << name;
    const hid_t space = H5Dget_space(dset);
    ASSERT_EQ(H5Sget_simple_extent_ndims(space), rank) << name;
    hsize_t shape[4] = {0, 0, 0, 0};
    H5Sget_simple_extent_dims(space, shape, nullptr);
    EXPECT_EQ(shape[0], 12u);
    EXPECT_EQ(shape[1], 5u);
    EXPECT_EQ(shape[2], 9u);
    if (rank == 4) {
      EXPECT_EQ(shape[3], 3u);
    }
    const hid_t type = H5Dget_type(dset);
    EXPECT_TRUE(H5Tequal(type, H5T_IEEE_F64LE) > 0) << name;
    H5Tclose(type);
    H5Sclose(space);
    H5Dclose(dset);
  }
  H5Fclose(file);
}

TEST(OutputFiles, VtkPiecesParseBackWithGeometry) {
  navox::Grid grid(MPI_COMM_WORLD, spec(), {"phi"});
  const std::string dir = navox::test::scratch_dir("vtk_roundtrip");
  navox::io::OutputWriter writer(grid, {dir, "v", 1, false, true}, "0=NBH");
  writer.write({0, 0.0}, fields(grid, 0.0));
  writer.write({1, 2.5}, fields(grid, 0.5));
  MPI_Barrier(MPI_COMM_WORLD);
  if (grid.rank() != 0) return;

  vtkNew<vtkXMLPImageDataReader> reader;
  reader->SetFileName((dir + "/" + writer.step_name(1) + ".pvti").c_str());
  reader->Update();
  vtkImageData* image = reader->GetOutput();
  int ext[6];
  image->GetExtent(ext);
  EXPECT_EQ(ext[1], 9);
  EXPECT_EQ(ext[3], 5);
  EXPECT_EQ(ext[5], 12);
  double* o = image->GetOrigin();
  double* h = image->GetSpacing();
  for (int d = 0; d < 3; ++d) {
    EXPECT_DOUBLE_EQ(o[d], spec().origin[d]);
    EXPECT_DOUBLE_EQ(h[d], spec().spacing[d]);
  }
  vtkDataArray* phi = image->GetCellData()->GetArray("phi");
  vtkDataArray* rank = image->GetCellData()->GetArray("rank");
  ASSERT_NE(phi, nullptr);
  ASSERT_NE(rank, nullptr);
  ASSERT_EQ(phi->GetNumberOfTuples(), 9 * 5 * 12);
  for (int k = 0; k < 12; ++k)
    for (int j = 0; j < 5; ++j)
      for (int i = 0; i < 9; ++i) {
        int ijk[3] = {i, j, k};
        const vtkIdType id = image->ComputeCellId(ijk);
        ASSERT_TRUE(same(phi->GetTuple1(id), value(i, j, k) + 0.5));
      }
  // The vector field: one array of 3 components, declared so in the summary too.
  vtkDataArray* u = image->GetCellData()->GetArray("displacement");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->GetNumberOfComponents(), 3);
  EXPECT_EQ(u->GetDataType(), VTK_DOUBLE);
  ASSERT_EQ(u->GetNumberOfTuples(), 9 * 5 * 12);
  for (int k = 0; k < 12; ++k)
    for (int j = 0; j < 5; ++j)
      for (int i = 0; i < 9; ++i) {
        int ijk[3] = {i, j, k};
        const vtkIdType id = image->ComputeCellId(ijk);
        for (int c = 0; c < 3; ++c)
          ASSERT_EQ(u->GetComponent(id, c), vector_value(i, j, k, c, 0.5)) << i << "," << j << "," << k << " c" << c;
      }
  const std::string pvti = slurp(dir + "/" + writer.step_name(1) + ".pvti");
  EXPECT_NE(pvti.find("<PDataArray type=\"Float64\" Name=\"displacement\" NumberOfComponents=\"3\"/>"), std::string::npos)
      << pvti;
  EXPECT_NE(pvti.find("<PDataArray type=\"Float64\" Name=\"phi\"/>"), std::string::npos) << pvti;
  // Field data, in the summary as in every piece: the step's time, the materials, the units.
  auto check_field_data = [](vtkFieldData* fd, const std::string& where) {
    ASSERT_NE(fd, nullptr) << where;
    vtkDataArray* time = fd->GetArray("TimeValue");
    ASSERT_NE(time, nullptr) << where;
    EXPECT_EQ(time->GetTuple1(0), 2.5) << where;
    auto* materials = vtkStringArray::SafeDownCast(fd->GetAbstractArray("materials"));
    ASSERT_NE(materials, nullptr) << where;
    ASSERT_EQ(materials->GetNumberOfValues(), 1) << where;
    EXPECT_EQ(materials->GetValue(0), "0=NBH") << where;
    auto* units = vtkStringArray::SafeDownCast(fd->GetAbstractArray("units"));
    ASSERT_NE(units, nullptr) << where;
    ASSERT_EQ(units->GetNumberOfValues(), 4) << where;
    EXPECT_EQ(units->GetValue(0), "label=") << where;
    EXPECT_EQ(units->GetValue(2), "phi=V") << where;
    EXPECT_EQ(units->GetValue(3), "displacement=m") << where;
  };
  check_field_data(image->GetFieldData(), "pvti");
  // A reader of the summary alone reports the step's time (TimeValue) as its time.
  vtkNew<vtkXMLPImageDataReader> timed;
  timed->SetFileName((dir + "/" + writer.step_name(1) + ".pvti").c_str());
  timed->UpdateInformation();
  vtkInformation* info = timed->GetOutputInformation(0);
  ASSERT_TRUE(info->Has(vtkStreamingDemandDrivenPipeline::TIME_STEPS()));
  ASSERT_EQ(info->Length(vtkStreamingDemandDrivenPipeline::TIME_STEPS()), 1);
  EXPECT_EQ(info->Get(vtkStreamingDemandDrivenPipeline::TIME_STEPS())[0], 2.5);
  for (int r = 0; r < grid.size(); ++r) {
    char piece[32];
    std::snprintf(piece, sizeof piece, "/p%04d.vti", r);
    vtkNew<vtkXMLImageDataReader> one;
    one->SetFileName((dir + "/" + writer.step_name(1) + piece).c_str());
    one->Update();
    check_field_data(one->GetOutput()->GetFieldData(), piece);
    // Each piece holds its block of the vector field, 3 components per cell.
    vtkImageData* part = one->GetOutput();
    vtkDataArray* pu = part->GetCellData()->GetArray("displacement");
    ASSERT_NE(pu, nullptr) << piece;
    EXPECT_EQ(pu->GetNumberOfComponents(), 3) << piece;
    const navox::Box b = grid.blocks()[r];
    ASSERT_EQ(pu->GetNumberOfTuples(), b.size()) << piece;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) {
          int ijk[3] = {int(i), int(j), int(k)};
          const vtkIdType id = part->ComputeCellId(ijk);
          for (int c = 0; c < 3; ++c) ASSERT_EQ(pu->GetComponent(id, c), vector_value(i, j, k, c, 0.5)) << piece;
        }
  }
  const std::string pvd = slurp(dir + "/v.pvd");
  EXPECT_NE(pvd.find("timestep=\"2.5\""), std::string::npos);
  EXPECT_NE(pvd.find("file=\"v_000001.pvti\""), std::string::npos);
  EXPECT_TRUE(fs::exists(dir + "/v_000001/p0000.vti"));
}

// Output directories for navox_compare_outputs (tests/CMakeLists.txt, cli.compare_vector_*):
// the same two steps on every rank count, and a copy whose vector field differs in one
// component of one voxel, (3, 2, 7) component y, at step 1.
TEST(OutputFiles, DirectoriesForTheComparisonTool) {
  navox::Grid grid(MPI_COMM_WORLD, spec(), {"phi"});
  for (const bool changed : {false, true}) {
    const std::string dir = navox::test::scratch_dir(changed ? "compare_vector_changed" : "compare_vector");
    navox::io::OutputWriter writer(grid, {dir, "navox", 1, true, false}, "0=NBH;1=Cu;2=pore");
    writer.write({0, 0.0}, fields(grid, 0.0));
    auto later = fields(grid, 1.0);
    const navox::Box b = grid.owned();
    if (changed && b.contains(3, 2, 7)) later[3].values[3 * b.offset(3, 2, 7) + 1] += 0.25;
    writer.write({1, 1.0}, later);
  }
}

} // namespace
