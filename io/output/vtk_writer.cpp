#include "io/output/vtk_writer.hpp"

#include "mesh/error.hpp"

#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkStringArray.h>
#include <vtkXMLImageDataWriter.h>

#include <iomanip>
#include <sstream>

namespace navox::io {

namespace {

/// Point extent "x0 x1 y0 y1 z0 z1" of a block of cells.
std::string extent(const Box& b) {
  std::ostringstream os;
  os << b.lo[0] << ' ' << b.hi(0) << ' ' << b.lo[1] << ' ' << b.hi(1) << ' ' << b.lo[2] << ' ' << b.hi(2);
  return os.str();
}

const char* vtk_type(OutputField::Type t) { return t == OutputField::Type::int32 ? "Int32" : "Float64"; }

/// The `units` field data: "name=units" per field, in the fields' order.
std::vector<std::string> unit_entries(const std::vector<OutputField>& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.name + "=" + f.units);
  return out;
}

/// An ASCII VTK XML string array: each string's bytes as numbers, each ended by a 0.
void ascii_string_array(std::ostream& os, const char* name, const std::vector<std::string>& values) {
  os << "      <DataArray type=\"String\" Name=\"" << name << "\" NumberOfTuples=\"" << values.size()
     << "\" format=\"ascii\">";
  for (const auto& v : values) {
    for (unsigned char c : v) os << int(c) << ' ';
    os << "0 ";
  }
  os << "</DataArray>\n";
}

} // namespace

void write_vti_piece(const Grid& grid, const std::string& path, const std::vector<OutputField>& fields,
                     const VtkStepInfo& info) {
  const Box b = grid.owned();
  const auto& s = grid.spec();
  vtkNew<vtkImageData> image;
  image->SetExtent(int(b.lo[0]), int(b.hi(0)), int(b.lo[1]), int(b.hi(1)), int(b.lo[2]), int(b.hi(2)));
  image->SetOrigin(s.origin[0], s.origin[1], s.origin[2]);
  image->SetSpacing(s.spacing[0], s.spacing[1], s.spacing[2]);
  std::vector<double> buffer;
  for (const auto& f : fields) {
    if (f.components < 1) throw Error("output field " + f.name + " has " + std::to_string(f.components) + " components");
    const std::vector<double>& values = f.data(buffer);
    if (static_cast<std::int64_t>(values.size()) != b.size() * f.components)
      throw Error("output field " + f.name + " does not match this rank's block");
    // One tuple per cell, its components interleaved as OutputField holds them.
    const vtkIdType n_values = static_cast<vtkIdType>(values.size());
    if (f.type == OutputField::Type::int32) {
      vtkNew<vtkIntArray> a;
      a->SetName(f.name.c_str());
      a->SetNumberOfComponents(f.components);
      a->SetNumberOfTuples(b.size());
      for (vtkIdType n = 0; n < n_values; ++n) a->SetValue(n, static_cast<int>(values[n]));
      image->GetCellData()->AddArray(a);
    } else {
      vtkNew<vtkDoubleArray> a;
      a->SetName(f.name.c_str());
      a->SetNumberOfComponents(f.components);
      a->SetNumberOfTuples(b.size());
      for (vtkIdType n = 0; n < n_values; ++n) a->SetValue(n, values[n]);
      image->GetCellData()->AddArray(a);
    }
  }
  vtkNew<vtkDoubleArray> time;
  time->SetName("TimeValue");
  time->InsertNextValue(info.time);
  image->GetFieldData()->AddArray(time);
  vtkNew<vtkStringArray> materials;
  materials->SetName("materials");
  materials->InsertNextValue(info.materials);
  image->GetFieldData()->AddArray(materials);
  vtkNew<vtkStringArray> units;
  units->SetName("units");
  for (const auto& u : unit_entries(fields)) units->InsertNextValue(u);
  image->GetFieldData()->AddArray(units);
  vtkNew<vtkXMLImageDataWriter> writer;
  writer->SetFileName(path.c_str());
  writer->SetInputData(image);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetCompressorTypeToLZ4();
  if (writer->Write() != 1) throw Error("VTK: cannot write " + path);
}

std::string pvti_summary(const Grid& grid, const std::vector<OutputField>& fields,
                         const std::vector<std::string>& piece_paths, const VtkStepInfo& info) {
  const auto& s = grid.spec();
  Box whole;
  whole.n = s.dims;
  std::ostringstream os;
  os << std::setprecision(17);
  os << "<?xml version=\"1.0\"?>\n"
     << "<VTKFile type=\"PImageData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n"
     << "  <PImageData WholeExtent=\"" << extent(whole) << "\" GhostLevel=\"0\" Origin=\"" << s.origin[0] << ' '
     << s.origin[1] << ' ' << s.origin[2] << "\" Spacing=\"" << s.spacing[0] << ' ' << s.spacing[1] << ' '
     << s.spacing[2] << "\" Direction=\"1 0 0 0 1 0 0 0 1\">\n";
  os << "    <FieldData>\n"
     << "      <DataArray type=\"Float64\" Name=\"TimeValue\" NumberOfTuples=\"1\" format=\"ascii\">" << info.time
     << "</DataArray>\n";
  ascii_string_array(os, "materials", {info.materials});
  ascii_string_array(os, "units", unit_entries(fields));
  os << "    </FieldData>\n";
  os << "    <PCellData>\n";
  for (const auto& f : fields) {
    os << "      <PDataArray type=\"" << vtk_type(f.type) << "\" Name=\"" << f.name << "\"";
    if (f.components > 1) os << " NumberOfComponents=\"" << f.components << "\"";
    os << "/>\n";
  }
  os << "    </PCellData>\n";
  const auto& blocks = grid.blocks();
  for (std::size_t r = 0; r < blocks.size(); ++r)
    os << "    <Piece Extent=\"" << extent(blocks[r]) << "\" Source=\"" << piece_paths[r] << "\"/>\n";
  os << "  </PImageData>\n</VTKFile>\n";
  return os.str();
}

std::string pvd_collection(const std::vector<PvdEntry>& entries) {
  std::ostringstream os;
  os << std::setprecision(17);
  os << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
     << "  <Collection>\n";
  for (const auto& e : entries)
    os << "    <DataSet timestep=\"" << e.time << "\" group=\"\" part=\"0\" file=\"" << e.file << "\"/>\n";
  os << "  </Collection>\n</VTKFile>\n";
  return os.str();
}

} // namespace navox::io
