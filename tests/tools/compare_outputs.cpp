// navox_compare_outputs: what the restart and full-disk tests check in output
// directories, without Python.
//
//   navox_compare_outputs same DIR_A DIR_B TOL   every step file (<prefix>_NNNNNN.h5)
//       and CSV of A is in B with equal fields: bit for bit when TOL = 0, else to
//       TOL × the field's (column's) largest magnitude; solver iteration columns
//       (*_its) are skipped when TOL > 0. NaN (undefined, e.g. phi outside the SE)
//       must stand in the same values of both. A field of several components (a
//       vector: [z][y][x][3]) is compared component by component; its shape must match.
//   navox_compare_outputs readable DIR           every step listed in navox.steps opens
//       and every field reads as [z][y][x] (or [z][y][x][components]) over the file's dims.
//   navox_compare_outputs flip FILE DATASET      flips one bit inside a dataset's data.
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

int fail(const std::string& what) {
  std::printf("FAIL: %s\n", what.c_str());
  return 1;
}

std::vector<std::string> step_files(const std::string& dir) {
  std::vector<std::string> out;
  const std::regex step(R"(navox_\d{6}\.h5)");
  for (const auto& e : fs::directory_iterator(dir))
    if (std::regex_match(e.path().filename().string(), step)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

herr_t collect(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

/// One dataset under /fields: its extents ([z][y][x], or [z][y][x][c] for a field of
/// several components, e.g. a vector) and its values, as doubles in that order.
struct Field {
  std::vector<hsize_t> shape;
  std::vector<double> values;
};

/// Every dataset under /fields of `path`; empty map if it cannot be read. A dataset
/// that is neither [z][y][x] nor [z][y][x][c] over the file's `dims` is an error.
std::map<std::string, Field> fields(const std::string& path, std::string& error) {
  std::map<std::string, Field> out;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    error = "cannot open " + path;
    return out;
  }
  long long dims[3] = {-1, -1, -1}; // x, y, z
  const hid_t attr = H5Aopen(file, "dims", H5P_DEFAULT);
  if (attr < 0 || H5Aread(attr, H5T_NATIVE_LLONG, dims) < 0) error = "no dims attribute in " + path;
  if (attr >= 0) H5Aclose(attr);
  const hid_t group = H5Gopen2(file, "fields", H5P_DEFAULT);
  std::vector<std::string> names;
  if (group < 0 || H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0) error = "no /fields in " + path;
  for (const auto& n : names) {
    const hid_t d = H5Dopen2(group, n.c_str(), H5P_DEFAULT);
    const hid_t s = d < 0 ? -1 : H5Dget_space(d);
    const int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    Field f;
    if (rank == 3 || rank == 4) {
      f.shape.resize(static_cast<std::size_t>(rank));
      H5Sget_simple_extent_dims(s, f.shape.data(), nullptr);
    }
    const bool voxels = (rank == 3 || rank == 4) && f.shape[0] == hsize_t(dims[2]) && f.shape[1] == hsize_t(dims[1]) &&
                        f.shape[2] == hsize_t(dims[0]) && (rank == 3 || f.shape[3] >= 1);
    const hssize_t count = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
    f.values.resize(count > 0 ? static_cast<std::size_t>(count) : 0);
    if (d < 0 || count < 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, f.values.data()) < 0)
      error = "cannot read /fields/" + n + " of " + path;
    else if (!voxels)
      error = "/fields/" + n + " of " + path + " is not a [z][y][x] or [z][y][x][components] field of the grid";
    else
      out[n] = std::move(f);
    if (s >= 0) H5Sclose(s);
    if (d >= 0) H5Dclose(d);
  }
  if (group >= 0) H5Gclose(group);
  H5Fclose(file);
  return out;
}

/// Where value `n` of a field of `shape` lies: "(i,j,k)", plus " component c" for a field of several.
std::string where(const std::vector<hsize_t>& shape, std::size_t n) {
  const std::size_t c = shape.size() == 4 ? static_cast<std::size_t>(shape[3]) : 1;
  const std::size_t voxel = n / c, nx = static_cast<std::size_t>(shape[2]), ny = static_cast<std::size_t>(shape[1]);
  std::string out = "(" + std::to_string(voxel % nx) + "," + std::to_string(voxel / nx % ny) + "," +
                    std::to_string(voxel / (nx * ny)) + ")";
  if (shape.size() == 4) out += " component " + std::to_string(n % c);
  return out;
}

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  for (std::string c; std::getline(s, c, ',');) out.push_back(c);
  return out;
}

int compare_csv(const std::string& a, const std::string& b, double tol) {
  const auto la = lines(a), lb = lines(b);
  if (la.size() != lb.size())
    return fail(a + " has " + std::to_string(la.size()) + " lines, " + b + " " + std::to_string(lb.size()));
  if (la.empty()) return 0;
  if (tol == 0) {
    for (std::size_t n = 0; n < la.size(); ++n)
      if (la[n] != lb[n]) return fail(b + " line " + std::to_string(n + 1) + ": " + lb[n] + " vs " + la[n]);
    return 0;
  }
  const auto names = cells(la[0]);
  std::vector<double> scale(names.size(), 0.0);
  for (std::size_t n = 1; n < la.size(); ++n) {
    const auto c = cells(la[n]);
    for (std::size_t k = 0; k < c.size() && k < scale.size(); ++k) scale[k] = std::max(scale[k], std::abs(std::stod(c[k])));
  }
  for (std::size_t n = 1; n < la.size(); ++n) {
    const auto ca = cells(la[n]), cb = cells(lb[n]);
    if (ca.size() != cb.size()) return fail(b + " line " + std::to_string(n + 1) + " has another column count");
    for (std::size_t k = 0; k < ca.size(); ++k) {
      if (names[k].find("_its") != std::string::npos) continue;
      if (std::abs(std::stod(ca[k]) - std::stod(cb[k])) > tol * scale[k])
        return fail(b + " line " + std::to_string(n + 1) + " " + names[k] + ": " + cb[k] + " vs " + ca[k]);
    }
  }
  return 0;
}

int same(const std::string& a, const std::string& b, double tol) {
  const auto fa = step_files(a), fb = step_files(b);
  if (fa != fb) return fail("step files differ: " + std::to_string(fa.size()) + " in " + a + ", " + std::to_string(fb.size()) + " in " + b);
  double worst = 0;
  for (const auto& f : fa) {
    std::string error;
    const auto x = fields(a + "/" + f, error), y = fields(b + "/" + f, error);
    if (!error.empty()) return fail(error);
    if (x.size() != y.size()) return fail(f + ": other fields");
    for (const auto& [name, fx] : x) {
      if (name == "rank") continue; // the partition itself
      const auto it = y.find(name);
      if (it == y.end() || it->second.shape != fx.shape) return fail(f + ": no matching " + name + " in " + b);
      const auto& vx = fx.values;
      const auto& vy = it->second.values;
      if (tol == 0) {
        if (std::memcmp(vx.data(), vy.data(), vx.size() * sizeof(double)) != 0) {
          // The first value whose bits differ (a NaN equals only a NaN of the same bits).
          std::size_t n = 0;
          while (std::memcmp(&vx[n], &vy[n], sizeof(double)) == 0) ++n;
          char buf[240];
          std::snprintf(buf, sizeof buf, "%s %s differs at value %zu %s: %.17g vs %.17g", f.c_str(), name.c_str(), n,
                        where(fx.shape, n).c_str(), vy[n], vx[n]);
          return fail(buf);
        }
      } else {
        double scale = 0, diff = 0;
        // NaN marks an undefined value (phi outside the SE): both or neither must hold it there.
        for (std::size_t n = 0; n < vx.size(); ++n) {
          if (std::isnan(vx[n]) || std::isnan(vy[n])) {
            if (std::isnan(vx[n]) != std::isnan(vy[n])) {
              char buf[240];
              std::snprintf(buf, sizeof buf, "%s %s: defined in one only at value %zu %s: %.17g vs %.17g", f.c_str(),
                            name.c_str(), n, where(fx.shape, n).c_str(), vy[n], vx[n]);
              return fail(buf);
            }
            continue;
          }
          scale = std::max(scale, std::abs(vx[n]));
          diff = std::max(diff, std::abs(vx[n] - vy[n]));
        }
        worst = std::max(worst, scale > 0 ? diff / scale : diff);
        if (diff > tol * scale) {
          char buf[240];
          std::snprintf(buf, sizeof buf, "%s %s: differs by %.3g of its largest value", f.c_str(), name.c_str(),
                        diff / std::max(scale, 1e-300));
          return fail(buf);
        }
      }
    }
  }
  for (const char* csv : {"navox.csv", "navox_nuclei.csv", "navox_cycles.csv"}) {
    const bool in_a = fs::exists(a + "/" + csv), in_b = fs::exists(b + "/" + csv);
    if (in_a != in_b) return fail(std::string(csv) + " only in one directory");
    if (in_a && compare_csv(a + "/" + csv, b + "/" + csv, tol)) return 1;
  }
  std::printf("ok: %zu step files and the time series %s (largest field difference %.3g of its scale)\n", fa.size(),
              tol == 0 ? "identical bit for bit" : "the same to tolerance", worst);
  return 0;
}

int readable(const std::string& dir) {
  std::ifstream index(dir + "/navox.steps");
  long step = 0;
  double t = 0;
  int n = 0;
  while (index >> step >> t) {
    char name[32];
    std::snprintf(name, sizeof name, "navox_%06ld.h5", step);
    std::string error;
    const auto f = fields(dir + "/" + name, error);
    if (!error.empty() || f.empty()) return fail("step " + std::to_string(step) + ": " + (error.empty() ? "no fields" : error));
    ++n;
  }
  if (n == 0) return fail("no complete step listed in " + dir + "/navox.steps");
  std::printf("ok: %d listed steps readable\n", n);
  return 0;
}

int flip(const std::string& path, const std::string& dataset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = file < 0 ? -1 : H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  const haddr_t offset = d < 0 ? HADDR_UNDEF : H5Dget_offset(d);
  const hsize_t size = d < 0 ? 0 : H5Dget_storage_size(d);
  if (d >= 0) H5Dclose(d);
  if (file >= 0) H5Fclose(file);
  if (offset == HADDR_UNDEF || size == 0) return fail("no contiguous dataset " + dataset + " in " + path);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  const auto at = static_cast<std::streamoff>(offset + size / 2);
  f.seekg(at);
  char c = 0;
  f.read(&c, 1);
  c ^= 0x10;
  f.seekp(at);
  f.write(&c, 1);
  if (!f) return fail("cannot rewrite " + path);
  std::printf("flipped a bit of %s in %s\n", dataset.c_str(), path.c_str());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 4 && a[0] == "same") return same(a[1], a[2], std::stod(a[3]));
  if (a.size() == 2 && a[0] == "readable") return readable(a[1]);
  if (a.size() == 3 && a[0] == "flip") return flip(a[1], a[2]);
  std::fprintf(stderr, "usage: navox_compare_outputs same A B TOL | readable DIR | flip FILE DATASET\n");
  return 2;
}
