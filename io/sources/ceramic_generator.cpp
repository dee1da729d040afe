#include "io/sources/ceramic_generator.hpp"

#include "io/readers/checked_size.hpp"
#include "io/sources/random_keys.hpp"
#include "mesh/error.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

namespace navox::io {

namespace {

constexpr std::uint64_t kGrainStream = 5;
constexpr std::int64_t kReach = 3; ///< lattice cells searched on each side (see the header)

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

class Ceramic : public LabelSource {
public:
  explicit Ceramic(const CeramicSpec& s) : s_(s) {
    for (int a = 0; a < 3; ++a) {
      if (s.dims[a] < 1) throw Error("generated ceramic: dims must be positive");
      if (!(s.spacing[a] > 0)) throw Error("generated ceramic: voxel spacing must be positive");
    }
    checked_volume_bytes(s.dims, sizeof(int), "generated ceramic"); // labels(): one int per voxel
    if (!(s.grain_size > 0)) throw Error("generated ceramic: grain size must be positive");
    if (s.gb_material >= 0 && !(s.gb_thickness > 0 && s.gb_thickness <= s.grain_size / 4))
      throw Error("generated ceramic: grain-boundary thickness must be in (0, grain_size / 4]");
  }

  std::array<std::int64_t, 3> dims() const override { return s_.dims; }
  std::string describe() const override {
    return "generated ceramic " + std::to_string(s_.dims[0]) + "x" + std::to_string(s_.dims[1]) + "x" +
           std::to_string(s_.dims[2]) + ": grains " + fmt(s_.grain_size) + " m" +
           (s_.gb_material >= 0 ? ", grain boundaries " + fmt(s_.gb_thickness) + " m" : std::string()) + ", seed " +
           std::to_string(s_.seed);
  }

  std::vector<int> labels(const Box& block) const override {
    std::vector<int> out(block.size(), s_.material);
    if (s_.gb_material < 0 || block.size() == 0) return out;
    const auto& h = s_.spacing;
    const double a = s_.grain_size;
    // Seeds of every lattice cell a voxel of the block may search, computed once.
    std::array<std::int64_t, 3> lo{}, n{};
    for (int d = 0; d < 3; ++d) {
      lo[d] = cell_of((static_cast<double>(block.lo[d]) + 0.5) * h[d]) - kReach;
      n[d] = cell_of((static_cast<double>(block.hi(d)) - 0.5) * h[d]) + kReach - lo[d] + 1;
    }
    // Grains far smaller than a voxel make this lattice huge: refuse a count that overflows.
    checked_volume_bytes(n, sizeof(std::array<double, 3>),
                         "generated ceramic: grain size " + fmt(a) + " m, seed lattice");
    std::vector<std::array<double, 3>> seeds(static_cast<std::size_t>(n[0] * n[1] * n[2]));
    for (std::int64_t z = 0; z < n[2]; ++z)
      for (std::int64_t y = 0; y < n[1]; ++y)
        for (std::int64_t x = 0; x < n[0]; ++x) {
          const std::int64_t c[3] = {lo[0] + x, lo[1] + y, lo[2] + z};
          const std::uint64_t key = random_keys::cell_key(s_.seed, kGrainStream, c[0], c[1], c[2]);
          auto& p = seeds[static_cast<std::size_t>((z * n[1] + y) * n[0] + x)];
          for (int d = 0; d < 3; ++d) p[d] = (static_cast<double>(c[d]) + random_keys::uniform01(key, d)) * a;
        }
    const double half = s_.gb_thickness / 2;
    for (auto k = block.lo[2]; k < block.hi(2); ++k)
      for (auto j = block.lo[1]; j < block.hi(1); ++j)
        for (auto i = block.lo[0]; i < block.hi(0); ++i) {
          const std::array<double, 3> x{(i + 0.5) * h[0], (j + 0.5) * h[1], (k + 0.5) * h[2]};
          std::array<std::int64_t, 3> c0{};
          for (int d = 0; d < 3; ++d) c0[d] = cell_of(x[d]) - kReach - lo[d];
          auto visit = [&](auto&& f) {
            for (std::int64_t z = c0[2]; z <= c0[2] + 2 * kReach; ++z)
              for (std::int64_t y = c0[1]; y <= c0[1] + 2 * kReach; ++y)
                for (std::int64_t w = c0[0]; w <= c0[0] + 2 * kReach; ++w)
                  f(seeds[static_cast<std::size_t>((z * n[1] + y) * n[0] + w)]);
          };
          const std::array<double, 3>* nearest = nullptr;
          double d1 = std::numeric_limits<double>::infinity();
          visit([&](const std::array<double, 3>& p) {
            const double d2 = dist2(x, p);
            if (d2 < d1) d1 = d2, nearest = &p;
          });
          bool boundary = false;
          visit([&](const std::array<double, 3>& p) {
            if (boundary || &p == nearest) return;
            const double sep = std::sqrt(dist2(p, *nearest));
            boundary = (dist2(x, p) - d1) / (2 * sep) < half;
          });
          if (boundary) out[block.offset(i, j, k)] = s_.gb_material;
        }
    return out;
  }

private:
  std::int64_t cell_of(double x) const { return static_cast<std::int64_t>(std::floor(x / s_.grain_size)); }
  static double dist2(const std::array<double, 3>& a, const std::array<double, 3>& b) {
    const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
    return dx * dx + dy * dy + dz * dz;
  }

  CeramicSpec s_;
};

} // namespace

std::unique_ptr<LabelSource> ceramic(const CeramicSpec& spec) { return std::make_unique<Ceramic>(spec); }

} // namespace navox::io
