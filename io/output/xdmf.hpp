#pragma once
/// XDMF 3 descriptions of the HDF5 step files, so ParaView and VisIt open them
/// with the right geometry: a 3DCoRectMesh whose points are the voxel corners
/// (ORIGIN_DXDYDZ, ordered z, y, x as HDF5 stores it) and cell-centred attributes.
/// Each grid carries `<Information Name="materials" Value="0=NBH;1=Cu"/>` and each
/// attribute `<Information Name="units" Value="V"/>` (attribute names stay the
/// fields' names). A field of 3 components is a `Vector` attribute whose DataItem
/// has `Dimensions="nz ny nx 3"` (the HDF5 dataset's trailing component axis).
#include "io/output/output_field.hpp"
#include "mesh/grid.hpp"

#include <string>
#include <vector>

namespace navox::io {

struct XdmfStep {
  double time = 0;                 ///< [s]
  std::string h5_file;             ///< relative to the .xmf file
  std::vector<std::string> names;  ///< datasets under /fields
  std::vector<OutputField::Type> types;
  std::vector<std::string> units;  ///< per name; "" for a label
  std::vector<int> components;     ///< per name; 1 (Scalar) where missing, 3 a Vector
  std::string materials;           ///< label legend, "0=NBH;1=Cu;2=pore"

  /// The entry for a step file holding `fields`.
  static XdmfStep of(double time, std::string h5_file, const std::vector<OutputField>& fields,
                     std::string materials);
};

/// The sidecar of one step file: a temporal collection of that one step.
std::string xdmf_step(const GridSpec& spec, const XdmfStep& step);
/// The temporal collection of all steps written so far.
std::string xdmf_collection(const GridSpec& spec, const std::vector<XdmfStep>& steps);

} // namespace navox::io
