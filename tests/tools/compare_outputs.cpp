// navox_compare_outputs: what the restart and full-disk tests check in output
// directories, without Python.
//
//   navox_compare_outputs same DIR_A DIR_B TOL   every step file (<prefix>_NNNNNN.h5)
//       and CSV of A is in B with equal fields: bit for bit when TOL = 0, else to
//       TOL × the field's (column's) largest magnitude; solver iteration columns
//       (*_its) are skipped when TOL > 0. NaN (undefined, e.g. phi outside the SE)
//       must stand in the same values of both.
//   navox_compare_outputs readable DIR           every step listed in navox.steps opens
//       and every field reads.
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

/// Every dataset under /fields of `path`, as doubles; empty map if it cannot be read.
std::map<std::string, std::vector<double>> fields(const std::string& path, std::string& error) {
  std::map<std::string, std::vector<double>> out;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    error = "cannot open " + path;
    return out;
  }
  const hid_t group = H5Gopen2(file, "fields", H5P_DEFAULT);
  std::vector<std::string> names;
  if (group < 0 || H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0) error = "no /fields in " + path;
  for (const auto& n : names) {
    const hid_t d = H5Dopen2(group, n.c_str(), H5P_DEFAULT);
    const hid_t s = d < 0 ? -1 : H5Dget_space(d);
    const hssize_t count = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
    std::vector<double> v(count > 0 ? static_cast<std::size_t>(count) : 0);
    if (d < 0 || count < 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      error = "cannot read /fields/" + n + " of " + path;
    else
      out[n] = std::move(v);
    if (s >= 0) H5Sclose(s);
    if (d >= 0) H5Dclose(d);
  }
  if (group >= 0) H5Gclose(group);
  H5Fclose(file);
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
    for (const auto& [name, vx] : x) {
      if (name == "rank") continue; // the partition itself
      const auto it = y.find(name);
      if (it == y.end() || it->second.size() != vx.size()) return fail(f + ": no matching " + name + " in " + b);
      const auto& vy = it->second;
      if (tol == 0) {
        if (std::memcmp(vx.data(), vy.data(), vx.size() * sizeof(double)) != 0) {
          // The first value whose bits differ (a NaN equals only a NaN of the same bits).
          std::size_t n = 0;
          while (std::memcmp(&vx[n], &vy[n], sizeof(double)) == 0) ++n;
          char buf[160];
          std::snprintf(buf, sizeof buf, "%s %s differs at value %zu: %.17g vs %.17g", f.c_str(), name.c_str(), n, vy[n], vx[n]);
          return fail(buf);
        }
      } else {
        double scale = 0, diff = 0;
        // NaN marks an undefined value (phi outside the SE): both or neither must hold it there.
        for (std::size_t n = 0; n < vx.size(); ++n) {
          if (std::isnan(vx[n]) || std::isnan(vy[n])) {
            if (std::isnan(vx[n]) != std::isnan(vy[n])) {
              char buf[160];
              std::snprintf(buf, sizeof buf, "%s %s: defined in one only at value %zu: %.17g vs %.17g", f.c_str(),
                            name.c_str(), n, vy[n], vx[n]);
              return fail(buf);
            }
            continue;
          }
          scale = std::max(scale, std::abs(vx[n]));
          diff = std::max(diff, std::abs(vx[n] - vy[n]));
        }
        worst = std::max(worst, scale > 0 ? diff / scale : diff);
        if (diff > tol * scale) return fail(f + " " + name + ": differs by " + std::to_string(diff / std::max(scale, 1e-300)) + " of its largest value");
      }
    }
  }
  for (const char* csv : {"navox.csv", "navox_nuclei.csv"}) {
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
