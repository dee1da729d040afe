#include "io/output/hdf5_writer.hpp"

#include "io/output/hdf5_handles.hpp"
#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "navox/version.hpp"

#include <hdf5.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace navox::io {

using namespace hdf5;

namespace {

/// A block's hyperslab in a field's dataset: [z][y][x], plus a trailing component
/// axis [c] when the field has more than one component.
struct Extents {
  int rank = 3;
  std::array<hsize_t, 4> global{}, count{}, start{};
};

Extents extents(const std::array<std::int64_t, 3>& dims, const Box& block, int components) {
  Extents e;
  const auto g = zyx(dims), n = zyx(block.n), lo = zyx(block.lo);
  for (int d = 0; d < 3; ++d) {
    e.global[d] = g[d];
    e.count[d] = n[d];
    e.start[d] = lo[d];
  }
  if (components > 1) {
    e.rank = 4;
    e.global[3] = e.count[3] = hsize_t(components);
    e.start[3] = 0;
  }
  return e;
}

} // namespace

void write_hdf5_step(const Grid& grid, const std::string& path, const StepInfo& info,
                     const std::vector<OutputField>& fields, const std::string& materials) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access list");
  check(H5Pset_fapl_mpio(fapl, grid.comm(), MPI_INFO_NULL), "MPI-IO driver");
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose, "cannot create " + path);

  const auto& spec = grid.spec();
  // Attributes and groups are metadata, which HDF5 writes collectively at the close:
  // a failure there comes back on every rank alike.
  attribute(file, "time", H5T_NATIVE_DOUBLE, &info.time, 1);
  attribute(file, "step", H5T_NATIVE_LONG, &info.step, 1);
  attribute(file, "origin", H5T_NATIVE_DOUBLE, spec.origin.data(), 3);
  attribute(file, "spacing", H5T_NATIVE_DOUBLE, spec.spacing.data(), 3);
  attribute(file, "dims", H5T_NATIVE_INT64, spec.dims.data(), 3);
  string_attribute(file, "materials", materials);
  string_attribute(file, "navox_version", NAVOX_VERSION);

  Handle group(H5Gcreate2(file, "fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "group /fields");
  const Box mine = grid.owned();
  Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer list");
  check(H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE), "collective transfer");

  std::vector<std::int32_t> ints;
  std::vector<double> buffer;
  for (const auto& f : fields) {
    if (f.components < 1) throw Error("output field " + f.name + " has " + std::to_string(f.components) + " components");
    const std::vector<double>& values = f.data(buffer);
    if (static_cast<std::int64_t>(values.size()) != mine.size() * f.components)
      throw Error("output field " + f.name + " does not match this rank's block");
    // [z][y][x] for a scalar, [z][y][x][c] for a field of several components.
    const Extents e = extents(spec.dims, mine, f.components);
    Handle filespace(H5Screate_simple(e.rank, e.global.data(), nullptr), H5Sclose, "file space");
    Handle memspace(H5Screate_simple(e.rank, e.count.data(), nullptr), H5Sclose, "memory space");
    const bool is_int = f.type == OutputField::Type::int32;
    hid_t file_type = is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE;
    Handle dset(H5Dcreate2(group, f.name.c_str(), file_type, filespace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Dclose, "dataset /fields/" + f.name);
    string_attribute(dset, "units", f.units);
    check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, e.start.data(), nullptr, e.count.data(), nullptr), "hyperslab");
    const void* data = values.data();
    hid_t mem_type = H5T_NATIVE_DOUBLE;
    if (is_int) {
      ints.assign(values.begin(), values.end());
      data = ints.data();
      mem_type = H5T_NATIVE_INT32;
    }
    // An empty block still takes part in the collective write.
    if (mine.size() == 0) {
      H5Sselect_none(filespace);
      H5Sselect_none(memspace);
    }
    errno = 0;
    const herr_t written = H5Dwrite(dset, mem_type, memspace, filespace, xfer, data);
    agree(grid.comm(), written, written < 0 ? errno : 0, "write /fields/" + f.name + " to " + path);
  }
  errno = 0;
  const herr_t flushed = H5Fflush(file, H5F_SCOPE_GLOBAL);
  agree(grid.comm(), flushed, flushed < 0 ? errno : 0, "flush " + path);
}

bool hdf5_output_abandoned() { return abandoning(); }

std::vector<double> read_hdf5_field(const std::string& path, const std::string& name, const Box& block) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open " + path);
  Handle dset(H5Dopen2(file, ("/fields/" + name).c_str(), H5P_DEFAULT), H5Dclose, "no field " + name + " in " + path);
  Handle filespace(H5Dget_space(dset), H5Sclose, "dataset space");
  // A field of several components has a trailing axis [c]: read all of them.
  const int ndims = H5Sget_simple_extent_ndims(filespace);
  if (ndims != 3 && ndims != 4) throw Error("HDF5: /fields/" + name + " of " + path + " is not a [z][y][x] field");
  std::array<hsize_t, 4> shape{};
  H5Sget_simple_extent_dims(filespace, shape.data(), nullptr);
  const int components = ndims == 4 ? static_cast<int>(shape[3]) : 1;
  Extents e = extents({1, 1, 1}, block, components);
  if (ndims == 4) { // a trailing axis even of one component
    e.rank = 4;
    e.count[3] = shape[3];
  }
  check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, e.start.data(), nullptr, e.count.data(), nullptr), "hyperslab");
  Handle memspace(H5Screate_simple(e.rank, e.count.data(), nullptr), H5Sclose, "memory space");
  std::vector<double> out(static_cast<std::size_t>(block.size() * components));
  check(H5Dread(dset, H5T_NATIVE_DOUBLE, memspace, filespace, H5P_DEFAULT, out.data()), "read " + name + " from " + path);
  return out;
}

} // namespace navox::io
