/// A 3-D HDF5 dataset stored [z][y][x] (C order, so x is fastest). Each rank
/// opens the file on its own with the default (serial) driver and reads its
/// block as a hyperslab: no collective calls, so ranks need not agree on when
/// or what they read.
#include "io/readers/checked_size.hpp"
#include "io/readers/volume_readers.hpp"

#include <hdf5.h>

#include <limits>
#include <utility>
#include <vector>

namespace navox::io::detail {

namespace {

/// An HDF5 identifier closed on scope exit.
class H5Id {
public:
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Id(H5Id&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  H5Id& operator=(H5Id&& o) noexcept {
    std::swap(id_, o.id_); // the old id is closed with `o`
    std::swap(close_, o.close_);
    return *this;
  }
  ~H5Id() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Silences HDF5's automatic error printing while navox calls into HDF5, and
/// restores whatever handler was there before (other code may want it).
class QuietErrors {
public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

herr_t keep_innermost(unsigned, const H5E_error2_t* err, void* data) {
  auto* text = static_cast<std::string*>(data);
  if (text->empty() && err->desc) *text = err->desc;
  return 0;
}

/// The most specific message on HDF5's error stack (walked innermost first).
std::string hdf5_reason() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "" : " (HDF5: " + text + ")";
}

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t*, void* data) {
  H5Id object(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
  if (object.valid() && H5Iget_type(object.get()) == H5I_DATASET)
    static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
  return 0;
}

std::string root_datasets(hid_t file) {
  std::vector<std::string> names;
  H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_dataset, &names);
  H5Eclear2(H5E_DEFAULT);
  if (names.empty()) return "no datasets at /";
  std::string list = "datasets at /:";
  for (const auto& n : names) list += " " + n;
  return list;
}

std::string type_name(hid_t type) {
  const auto bits = std::to_string(8 * H5Tget_size(type));
  if (H5Tget_class(type) == H5T_FLOAT) return "float" + bits;
  return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
}

class Hdf5Source final : public VolumeSource {
public:
  explicit Hdf5Source(const VolumeSpec& spec)
      : path_(spec.path), name_(spec.dataset), file_(H5I_INVALID_HID, H5Fclose), dataset_(H5I_INVALID_HID, H5Dclose) {
    require_file(path_);
    QuietErrors quiet;
    file_ = open_file();
    dataset_ = open_dataset();
    H5Id space(H5Dget_space(dataset_.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> extent(rank > 0 ? rank : 0);
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), extent.data(), nullptr);
    if (rank != 3) {
      std::string shape;
      for (auto e : extent) shape += (shape.empty() ? "" : "x") + std::to_string(e);
      throw Error("file " + path_ + ": dataset " + name_ + " has " + std::to_string(rank) + " dimensions (" + shape +
                  "); navox needs a 3-D dataset stored [z][y][x]");
    }
    // Extents are unsigned 64-bit: one past INT64_MAX would turn negative here.
    for (hsize_t e : extent)
      if (e > hsize_t(std::numeric_limits<std::int64_t>::max()))
        throw Error("file " + path_ + ": dataset " + name_ + " has an extent of " + std::to_string(e) +
                    " voxels, which overflows 64-bit sizes");
    dims_ = {static_cast<std::int64_t>(extent[2]), static_cast<std::int64_t>(extent[1]),
             static_cast<std::int64_t>(extent[0])};
    H5Id type(H5Dget_type(dataset_.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
      throw Error("file " + path_ + ": dataset " + name_ + " is neither integer nor floating point (HDF5 type class " +
                  std::to_string(static_cast<int>(cls)) + ")");
    type_ = type_name(type.get());
    // Before check_stored, whose chunk count is a product of the extents too.
    checked_volume_bytes(dims_, static_cast<std::int64_t>(H5Tget_size(type.get())),
                         "file " + path_ + ": dataset " + name_ + " (" + type_ + ")");
    check_stored();
  }

  std::array<std::int64_t, 3> dims() const override { return dims_; }

  std::string describe() const override {
    return "HDF5 " + dims_text(dims_) + " " + type_ + " " + path_ + ":" + name_;
  }

  std::vector<double> read_block(const Box& block) const override {
    check_block(block, dims_, path_);
    std::vector<double> out(static_cast<std::size_t>(block.size()));
    if (out.empty()) return out;
    QuietErrors quiet;
    const hsize_t start[3] = {static_cast<hsize_t>(block.lo[2]), static_cast<hsize_t>(block.lo[1]),
                              static_cast<hsize_t>(block.lo[0])};
    const hsize_t count[3] = {static_cast<hsize_t>(block.n[2]), static_cast<hsize_t>(block.n[1]),
                              static_cast<hsize_t>(block.n[0])};
    H5Id file_space(H5Dget_space(dataset_.get()), H5Sclose);
    H5Id memory_space(H5Screate_simple(3, count, nullptr), H5Sclose);
    // HDF5 converts the stored type to double as it reads.
    if (!file_space.valid() || !memory_space.valid() ||
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Dread(dataset_.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(), H5P_DEFAULT, out.data()) < 0)
      throw Error("file " + path_ + ": cannot read block of dataset " + name_ + hdf5_reason());
    return out;
  }

private:
  H5Id open_file() const {
    H5Id file(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) throw Error("file " + path_ + " cannot be opened as HDF5" + hdf5_reason());
    return file;
  }

  /// A dataset whose data were never (fully) written reads as its fill value, zeros, with
  /// no error: refuse one with chunks or contiguous storage missing (an interrupted or
  /// damaged file) instead of segmenting zeros.
  void check_stored() const {
    QuietErrors quiet;
    H5Id dcpl(H5Dget_create_plist(dataset_.get()), H5Pclose);
    if (!dcpl.valid()) return;
    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_CONTIGUOUS && H5Dget_offset(dataset_.get()) == HADDR_UNDEF)
      throw Error("file " + path_ + ": dataset " + name_ + " holds no data (never written; the file is incomplete)");
    if (layout != H5D_CHUNKED) return;
    hsize_t chunk[3] = {1, 1, 1};
    if (H5Pget_chunk(dcpl.get(), 3, chunk) != 3) return;
    const hsize_t extent[3] = {hsize_t(dims_[2]), hsize_t(dims_[1]), hsize_t(dims_[0])};
    hsize_t expected = 1, stored = 0;
    for (int a = 0; a < 3; ++a) expected *= (extent[a] + chunk[a] - 1) / chunk[a];
    H5Id space(H5Dget_space(dataset_.get()), H5Sclose);
    if (H5Dget_num_chunks(dataset_.get(), space.get(), &stored) < 0)
      throw Error("file " + path_ + ": cannot read the chunk index of dataset " + name_ + hdf5_reason());
    if (stored < expected)
      throw Error("file " + path_ + ": dataset " + name_ + " has " + std::to_string(stored) + " of its " +
                  std::to_string(expected) + " chunks stored (the file is incomplete or damaged; the missing " +
                  "ones would read as zeros)");
  }

  H5Id open_dataset() const {
    H5Id dataset(name_.empty() ? H5I_INVALID_HID : H5Dopen2(file_.get(), name_.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) {
      H5Eclear2(H5E_DEFAULT);
      throw Error("file " + path_ + " has no dataset '" + name_ + "' (" + root_datasets(file_.get()) + ")");
    }
    return dataset;
  }

  std::string path_, name_;
  H5Id file_, dataset_;
  std::array<std::int64_t, 3> dims_{};
  std::string type_;
};

} // namespace

std::unique_ptr<VolumeSource> open_hdf5(const VolumeSpec& spec) { return std::make_unique<Hdf5Source>(spec); }

} // namespace navox::io::detail
