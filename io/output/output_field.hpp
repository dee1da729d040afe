#pragma once
/// One named cell field of this rank's block, ready to be written.
#include <string>
#include <vector>

namespace navox::io {

struct OutputField {
  enum class Type { int32, float64 };
  std::string name;            ///< the field's one name: YAML, DM field, HDF5 dataset, VTK array
  Type type = Type::float64;   ///< int32 for labels and rank ownership
  std::vector<double> values;  ///< owned block, x fastest (Box::offset order); NaN where undefined
  /// Units of the values ("V", "A/m^2", "1" for a fraction); "" for a label or an index.
  /// Written beside the field: HDF5 attribute, XDMF Information, VTK field data.
  std::string units;
};

} // namespace navox::io
