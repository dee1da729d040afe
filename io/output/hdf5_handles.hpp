#pragma once
/// Small RAII and error helpers shared by the HDF5 step writer and the checkpoint
/// files (internal to io/output).
#include "mesh/collective.hpp"
#include "mesh/error.hpp"

#include <hdf5.h>
#include <mpi.h>

#include <array>
#include <cstdint>
#include <string>

namespace navox::io::hdf5 {

/// Set when the ranks agreed that a write of the current file failed: its objects are
/// then abandoned, not closed. Closing is collective inside HDF5 and, after an I/O
/// error on some ranks only, its internal collectives diverge (one rank in a barrier
/// of the metadata flush, another in a broadcast of the truncate): a hang. The file is
/// broken either way; every complete step before it is a file of its own.
bool& abandoning();

/// Owns one hid_t and closes it with the matching H5*close (unless abandoning).
class Handle {
public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw Error("HDF5: " + what);
  }
  ~Handle() {
    if (id_ >= 0 && !abandoning()) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5: " + what);
}

void attribute(hid_t obj, const char* name, hid_t type, const void* data, hsize_t n);
void string_attribute(hid_t obj, const char* name, const std::string& value);

/// A data write can fail on some ranks only (a full disk, a file-size limit): every
/// rank learns it, with the failing rank's reason (errno), before anyone throws, so
/// all leave the file through the same collective closes instead of one rank waiting
/// in H5Fclose while the others are in the next collective write.
void agree(MPI_Comm comm, herr_t status, int error, const std::string& what);

/// Dataset extents in HDF5's C order: [z][y][x].
inline std::array<hsize_t, 3> zyx(const std::array<std::int64_t, 3>& v) {
  return {hsize_t(v[2]), hsize_t(v[1]), hsize_t(v[0])};
}

} // namespace navox::io::hdf5
