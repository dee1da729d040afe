#include "io/output/hdf5_handles.hpp"

#include <cstring>

namespace navox::io::hdf5 {

bool& abandoning() {
  static bool flag = false;
  return flag;
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

void agree(MPI_Comm comm, herr_t status, int error, const std::string& what) {
  try {
    collectively(comm, [&] {
      if (status < 0) throw Error("HDF5: " + what + (error ? std::string(": ") + std::strerror(error) : std::string()));
    });
  } catch (const CollectiveError&) {
    abandoning() = true;
    throw;
  }
}

} // namespace navox::io::hdf5
