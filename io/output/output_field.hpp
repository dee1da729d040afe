#pragma once
/// One named cell field of this rank's block, ready to be written.
#include <functional>
#include <string>
#include <vector>

namespace navox::io {

struct OutputField {
  enum class Type { int32, float64 };
  std::string name;            ///< the field's one name: YAML, DM field, HDF5 dataset, VTK array
  Type type = Type::float64;   ///< int32 for labels and rank ownership
  /// owned block, x fastest (Box::offset order); NaN where undefined. A field of
  /// `components` > 1 holds that many values per voxel, interleaved (voxel-major,
  /// component fastest: values[components * offset + c]).
  std::vector<double> values;
  /// Units of the values ("V", "A/m^2", "1" for a fraction); "" for a label or an index.
  /// Written beside the field: HDF5 attribute, XDMF Information, VTK field data.
  std::string units;
  /// Values per voxel: 1 for a scalar, 3 for a vector (x, y, z components, e.g.
  /// `displacement`). Written as a trailing axis: HDF5 [nz][ny][nx][3], an XDMF
  /// Vector attribute, a VTK array of 3 components. Last, so `{name, type, values,
  /// units}` still initialises a scalar.
  int components = 1;
  /// Where set, computes the values when a writer reaches the field, instead of
  /// `values` held from the start: a step's output then holds one field at a time.
  /// Called on every rank in the fields' order (it may be collective), once per format.
  std::function<std::vector<double>()> make = nullptr;

  /// The values: `values`, or make()'s, kept in `buffer`.
  const std::vector<double>& data(std::vector<double>& buffer) const {
    if (!make) return values;
    buffer = make();
    return buffer;
  }
};

} // namespace navox::io
