#include "io/output/hdf5_writer.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "navox/version.hpp"

#include <hdf5.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace navox::io {

namespace {

/// Set when the ranks agreed that a write of the current file failed: its objects are
/// then abandoned, not closed. Closing is collective inside HDF5 and, after an I/O
/// error on some ranks only, its internal collectives diverge (one rank in a barrier
/// of the metadata flush, another in a broadcast of the truncate): a hang. The file is
/// broken either way; every complete step before it is a file of its own.
bool abandoning = false;

/// Owns one hid_t and closes it with the matching H5*close (unless abandoning).
class Handle {
public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw Error("HDF5: " + what);
  }
  ~Handle() {
    if (id_ >= 0 && !abandoning) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5: " + what);
}

void attribute(hid_t obj, const char* name, hid_t type, const void* data, hsize_t n) {
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "attribute space");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  check(H5Awrite(attr, type, data), std::string("write attribute ") + name);
}

void string_attribute(hid_t obj, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, std::max<std::size_t>(value.size(), 1)), "string size");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  check(H5Awrite(attr, type, value.empty() ? "" : value.c_str()), std::string("write attribute ") + name);
}

/// A data write can fail on some ranks only (a full disk, a file-size limit): every
/// rank learns it, with the failing rank's reason (errno), before anyone throws, so
/// all leave the file through the same collective closes instead of one rank waiting
/// in H5Fclose while the others are in the next collective write.
void agree(MPI_Comm comm, herr_t status, int error, const std::string& what) {
  try {
    collectively(comm, [&] {
      if (status < 0) throw Error("HDF5: " + what + (error ? std::string(": ") + std::strerror(error) : std::string()));
    });
  } catch (const CollectiveError&) {
    abandoning = true;
    throw;
  }
}

/// Dataset extents in HDF5's C order: [z][y][x].
std::array<hsize_t, 3> zyx(const std::array<std::int64_t, 3>& v) {
  return {hsize_t(v[2]), hsize_t(v[1]), hsize_t(v[0])};
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
  const auto global = zyx(spec.dims);
  const auto count = zyx(mine.n);
  const auto start = zyx(mine.lo);
  Handle filespace(H5Screate_simple(3, global.data(), nullptr), H5Sclose, "file space");
  Handle memspace(H5Screate_simple(3, count.data(), nullptr), H5Sclose, "memory space");
  Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer list");
  check(H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE), "collective transfer");

  std::vector<std::int32_t> ints;
  for (const auto& f : fields) {
    if (static_cast<std::int64_t>(f.values.size()) != mine.size())
      throw Error("output field " + f.name + " does not match this rank's block");
    const bool is_int = f.type == OutputField::Type::int32;
    hid_t file_type = is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE;
    Handle dset(H5Dcreate2(group, f.name.c_str(), file_type, filespace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Dclose, "dataset /fields/" + f.name);
    check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "hyperslab");
    const void* data = f.values.data();
    hid_t mem_type = H5T_NATIVE_DOUBLE;
    if (is_int) {
      ints.assign(f.values.begin(), f.values.end());
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

bool hdf5_output_abandoned() { return abandoning; }

std::vector<double> read_hdf5_field(const std::string& path, const std::string& name, const Box& block) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open " + path);
  Handle dset(H5Dopen2(file, ("/fields/" + name).c_str(), H5P_DEFAULT), H5Dclose, "no field " + name + " in " + path);
  Handle filespace(H5Dget_space(dset), H5Sclose, "dataset space");
  const auto count = zyx(block.n);
  const auto start = zyx(block.lo);
  check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "hyperslab");
  Handle memspace(H5Screate_simple(3, count.data(), nullptr), H5Sclose, "memory space");
  std::vector<double> out(block.size());
  check(H5Dread(dset, H5T_NATIVE_DOUBLE, memspace, filespace, H5P_DEFAULT, out.data()), "read " + name + " from " + path);
  return out;
}

} // namespace navox::io
