#include "io/output/checkpoint_file.hpp"

#include "io/output/hdf5_handles.hpp"
#include "mesh/collective.hpp"
#include "navox/version.hpp"

#include <cerrno>
#include <cstring>

namespace navox::io {

using namespace hdf5;

namespace {

std::uint64_t mix(std::uint64_t x) { // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t name_key(const std::string& name) { // FNV-1a
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::uint64_t value_hash(std::uint64_t key, std::uint64_t index, double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return mix(key ^ mix(index ^ mix(bits)));
}

/// Σ of the hashes of one block's values on this rank, by global index (any partition
/// gives the same sum over the ranks).
std::uint64_t block_hash(const Grid& grid, const std::string& name, int components, const std::vector<double>& values) {
  const Box mine = grid.owned();
  const auto& dims = grid.spec().dims;
  const std::uint64_t key = name_key(name);
  std::uint64_t local = 0;
  std::size_t n = 0;
  for (std::int64_t k = mine.lo[2]; k < mine.hi(2); ++k)
    for (std::int64_t j = mine.lo[1]; j < mine.hi(1); ++j)
      for (std::int64_t i = mine.lo[0]; i < mine.hi(0); ++i) {
        const std::uint64_t g = static_cast<std::uint64_t>((k * dims[1] + j) * dims[0] + i);
        for (int q = 0; q < components; ++q, ++n)
          local += value_hash(key, g * static_cast<std::uint64_t>(components) + static_cast<std::uint64_t>(q), values[n]);
      }
  return local;
}

/// The checksum from the ranks' block hashes (`local`) and the scalars of `c`
/// (counted on rank 0 only). Collective.
std::uint64_t checksum(const Grid& grid, std::uint64_t local, const CheckpointContent& c) {
  if (grid.rank() == 0) {
    for (const auto& [name, v] : c.reals) local += value_hash(name_key("real:" + name), 0, v);
    for (const auto& [name, v] : c.integers) local += value_hash(name_key("integer:" + name), 0, double(v));
    local += value_hash(name_key("step"), 0, double(c.step)) + value_hash(name_key("time"), 0, c.time);
  }
  std::uint64_t total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_UINT64_T, MPI_SUM, grid.comm());
  return total;
}

/// Dataset extents of a block with `components` values per voxel, and this rank's part.
struct Extents {
  std::array<hsize_t, 4> global, start, count;
  int rank;
};

Extents extents(const Grid& grid, int components) {
  const auto g = zyx(grid.spec().dims), s = zyx(grid.owned().lo), n = zyx(grid.owned().n);
  const auto c = static_cast<hsize_t>(components);
  return {{g[0], g[1], g[2], c}, {s[0], s[1], s[2], 0}, {n[0], n[1], n[2], c}, components == 1 ? 3 : 4};
}

/// "blocks: a b; reals: t V; integers: step": what a run of these modules holds.
std::string entries(const CheckpointContent& c) {
  std::string s = "blocks:";
  for (const auto& b : c.blocks) s += " " + b.name + (b.components == 6 ? "[6]" : "");
  s += "; reals:";
  for (const auto& r : c.reals) s += " " + r.first;
  s += "; integers:";
  for (const auto& i : c.integers) s += " " + i.first;
  return s;
}

std::string read_string_attribute(hid_t obj, const char* name, const std::string& path) {
  if (H5Aexists(obj, name) <= 0) throw Error(path + " has no attribute " + name);
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  Handle type(H5Aget_type(a), H5Tclose, "attribute type");
  const std::size_t n = H5Tget_size(type);
  if (n == 0 || n > (1u << 20)) throw Error(path + ": attribute " + name + " is damaged");
  std::string s(n, '\0');
  check(H5Aread(a, type, s.data()), std::string("read attribute ") + name + " from " + path);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

} // namespace

void write_checkpoint_file(const Grid& grid, const std::string& path, const CheckpointContent& content) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access list");
  check(H5Pset_fapl_mpio(fapl, grid.comm(), MPI_INFO_NULL), "MPI-IO driver");
  // Creation may fail on some ranks only (a full or read-only file system): agree first.
  errno = 0;
  const hid_t fid = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  agree(grid.comm(), fid < 0 ? -1 : 0, fid < 0 ? errno : 0, "cannot create " + path);
  Handle file(fid, H5Fclose, "cannot create " + path);
  attribute(file, "step", H5T_NATIVE_LONG, &content.step, 1);
  attribute(file, "time", H5T_NATIVE_DOUBLE, &content.time, 1);
  attribute(file, "dims", H5T_NATIVE_INT64, grid.spec().dims.data(), 3);
  string_attribute(file, "navox_version", NAVOX_VERSION);
  string_attribute(file, "entries", entries(content));
  {
    Handle reals(H5Gcreate2(file, "reals", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "group /reals");
    for (const auto& [name, v] : content.reals) attribute(reals, name.c_str(), H5T_NATIVE_DOUBLE, &v, 1);
    Handle ints(H5Gcreate2(file, "integers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "group /integers");
    for (const auto& [name, v] : content.integers) attribute(ints, name.c_str(), H5T_NATIVE_INT64, &v, 1);
  }
  Handle group(H5Gcreate2(file, "blocks", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "group /blocks");
  Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer list");
  check(H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE), "collective transfer");
  // One block in memory at a time where the content fills them (CheckpointBlock::fill).
  std::uint64_t local = 0;
  std::vector<double> buffer;
  for (const auto& b : content.blocks) {
    const std::vector<double>* values = &b.values;
    if (b.fill) {
      b.fill(buffer);
      values = &buffer;
    }
    if (values->size() != static_cast<std::size_t>(grid.owned().size()) * b.components)
      throw Error("checkpoint: block " + b.name + " does not match this rank's block"); // a caller's bug
    local += block_hash(grid, b.name, b.components, *values);
    const Extents e = extents(grid, b.components);
    Handle filespace(H5Screate_simple(e.rank, e.global.data(), nullptr), H5Sclose, "file space");
    Handle memspace(H5Screate_simple(e.rank, e.count.data(), nullptr), H5Sclose, "memory space");
    Handle dset(H5Dcreate2(group, b.name.c_str(), H5T_IEEE_F64LE, filespace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Dclose, "dataset /blocks/" + b.name);
    check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, e.start.data(), nullptr, e.count.data(), nullptr), "hyperslab");
    if (values->empty()) {
      H5Sselect_none(filespace);
      H5Sselect_none(memspace);
    }
    errno = 0;
    const herr_t written = H5Dwrite(dset, H5T_NATIVE_DOUBLE, memspace, filespace, xfer, values->data());
    agree(grid.comm(), written, written < 0 ? errno : 0, "write /blocks/" + b.name + " to " + path);
  }
  buffer = {};
  const std::uint64_t sum = checksum(grid, local, content);
  attribute(file, "checksum", H5T_NATIVE_UINT64, &sum, 1);
  errno = 0;
  const herr_t flushed = H5Fflush(file, H5F_SCOPE_GLOBAL);
  agree(grid.comm(), flushed, flushed < 0 ? errno : 0, "flush " + path);
}

CheckpointContent read_checkpoint_file(const Grid& grid, const std::string& path, const CheckpointContent& layout) {
  CheckpointContent out;
  std::uint64_t stored = 0;
  // Every read is local to a rank; the ranks agree once at the end (a damaged file
  // may fail on some ranks only), and no HDF5 call here is collective but open/close.
  collectively(grid.comm(), [&] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                "cannot open " + path + " (missing, truncated or not a checkpoint)");
    auto read_attr = [&](hid_t obj, const std::string& name, hid_t type, void* data, const std::string& where) {
      if (H5Aexists(obj, name.c_str()) <= 0) throw Error(path + " has no " + where + name);
      Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
      check(H5Aread(a, type, data), "read " + where + name + " from " + path);
    };
    const std::string held = read_string_attribute(file, "entries", path), needed = entries(layout);
    if (held != needed)
      throw Error(path + " was written by a run with other physics (it holds " + held + "; this run needs " + needed + ")");
    read_attr(file, "step", H5T_NATIVE_LONG, &out.step, "");
    read_attr(file, "time", H5T_NATIVE_DOUBLE, &out.time, "");
    read_attr(file, "checksum", H5T_NATIVE_UINT64, &stored, "");
    std::array<std::int64_t, 3> dims{};
    read_attr(file, "dims", H5T_NATIVE_INT64, dims.data(), "");
    if (dims != grid.spec().dims)
      throw Error(path + " holds a grid of " + std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" +
                  std::to_string(dims[2]) + " voxels, not this deck's");
    {
      Handle reals(H5Gopen2(file, "reals", H5P_DEFAULT), H5Gclose, "no /reals in " + path);
      for (const auto& [name, v] : layout.reals) {
        double x = 0;
        read_attr(reals, name, H5T_NATIVE_DOUBLE, &x, "/reals/");
        out.reals.emplace_back(name, x);
      }
      Handle ints(H5Gopen2(file, "integers", H5P_DEFAULT), H5Gclose, "no /integers in " + path);
      for (const auto& [name, v] : layout.integers) {
        std::int64_t x = 0;
        read_attr(ints, name, H5T_NATIVE_INT64, &x, "/integers/");
        out.integers.emplace_back(name, x);
      }
    }
    Handle group(H5Gopen2(file, "blocks", H5P_DEFAULT), H5Gclose, "no /blocks in " + path);
    for (const auto& want : layout.blocks) {
      if (H5Lexists(group, want.name.c_str(), H5P_DEFAULT) <= 0) throw Error(path + " has no /blocks/" + want.name);
      const Extents e = extents(grid, want.components);
      Handle dset(H5Dopen2(group, want.name.c_str(), H5P_DEFAULT), H5Dclose, "dataset /blocks/" + want.name);
      Handle filespace(H5Dget_space(dset), H5Sclose, "dataset space");
      if (H5Sget_simple_extent_ndims(filespace) != e.rank) throw Error(path + ": /blocks/" + want.name + " has another shape");
      Handle memspace(H5Screate_simple(e.rank, e.count.data(), nullptr), H5Sclose, "memory space");
      check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, e.start.data(), nullptr, e.count.data(), nullptr), "hyperslab");
      CheckpointBlock b{want.name, want.components,
                        std::vector<double>(static_cast<std::size_t>(grid.owned().size()) * want.components), {}};
      check(H5Dread(dset, H5T_NATIVE_DOUBLE, memspace, filespace, H5P_DEFAULT, b.values.data()),
            "read /blocks/" + want.name + " from " + path);
      out.blocks.push_back(std::move(b));
    }
  });
  std::uint64_t local = 0;
  for (const auto& b : out.blocks) local += block_hash(grid, b.name, b.components, b.values);
  if (checksum(grid, local, out) != stored)
    throw CollectiveError(path + " is damaged: its checksum does not match its contents");
  return out;
}

} // namespace navox::io
