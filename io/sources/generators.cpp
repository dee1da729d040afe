#include "io/sources/generators.hpp"

#include "io/readers/checked_size.hpp"
#include "io/sources/random_keys.hpp"
#include "mesh/error.hpp"
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace navox::io {

namespace {

using random_keys::cell_key;
using random_keys::uniform01;

using physics::kPi;
/// Lognormal radii are drawn from a normal clamped to +-kClamp sigma so that the
/// largest pore, and with it the neighbourhood each voxel must search, is bounded.
constexpr double kClamp = 3.0;
/// Lattice cells are kept small enough that the Poisson count per cell stays
/// modest: counts are drawn by inversion, which needs exp(-mean) > 0.
constexpr double kMaxPerCell = 50.0;

/// Poisson(mean) by inversion of one uniform.
std::int64_t poisson(double mean, double u) {
  double p = std::exp(-mean), cdf = p;
  std::int64_t k = 0;
  const auto k_max = static_cast<std::int64_t>(10 * mean + 50);
  while (u >= cdf && k < k_max) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// <R^3> / r^3 for R = r exp(sigma clamp(Z) - sigma^2/2), Z standard normal
/// clamped to [-kClamp, kClamp] (the mean of R is r before clamping).
double mean_cube_factor(double sigma) {
  if (sigma == 0) return 1;
  const double c = kClamp, s3 = 3 * sigma;
  const double inside = std::exp(s3 * s3 / 2) * (normal_cdf(c - s3) - normal_cdf(-c - s3));
  const double tails = std::exp(s3 * c) * normal_cdf(-c) + std::exp(-s3 * c) * normal_cdf(-c);
  return std::exp(-1.5 * sigma * sigma) * (inside + tails);
}

std::string dims_text(const std::array<std::int64_t, 3>& d) {
  return std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" + std::to_string(d[2]);
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void check_grid(const std::array<std::int64_t, 3>& dims, const std::array<double, 3>& spacing, const char* what) {
  for (int d = 0; d < 3; ++d) {
    if (dims[d] < 1) throw Error(std::string(what) + ": dims must be positive");
    if (!(spacing[d] > 0)) throw Error(std::string(what) + ": voxel spacing must be positive");
  }
  // labels() holds one int per voxel of a block, up to the whole volume.
  checked_volume_bytes(dims, sizeof(int), what);
}

/// Range of voxel indices along one axis whose centres (i + 1/2) h may lie in
/// [c - r, c + r], widened by one so rounding never drops a voxel (the exact test
/// is the per-voxel distance check), and clipped to [lo, hi).
void voxel_range(double c, double r, double h, std::int64_t lo, std::int64_t hi, std::int64_t& first,
                 std::int64_t& last) {
  first = std::max(lo, static_cast<std::int64_t>(std::floor((c - r) / h - 0.5)) - 1);
  last = std::min(hi, static_cast<std::int64_t>(std::floor((c + r) / h - 0.5)) + 2);
}

/// Sets `material` in every voxel of `block` whose centre lies in the sphere (centre x, radius r).
void paint_sphere(const std::array<double, 3>& x, double r, const std::array<double, 3>& h, const Box& block,
                  int material, std::vector<int>& out) {
  std::array<std::int64_t, 3> first{}, last{};
  for (int d = 0; d < 3; ++d) voxel_range(x[d], r, h[d], block.lo[d], block.hi(d), first[d], last[d]);
  const double r2 = r * r;
  for (auto k = first[2]; k < last[2]; ++k) {
    const double dz = (k + 0.5) * h[2] - x[2];
    for (auto j = first[1]; j < last[1]; ++j) {
      const double dy = (j + 0.5) * h[1] - x[1];
      for (auto i = first[0]; i < last[0]; ++i) {
        const double dx = (i + 0.5) * h[0] - x[0];
        if (dx * dx + dy * dy + dz * dz <= r2) out[block.offset(i, j, k)] = material;
      }
    }
  }
}

class Pellet : public LabelSource {
public:
  explicit Pellet(const PelletSpec& s) : s_(s) {
    check_grid(s.dims, s.spacing, "generated pellet");
    if (!(s.porosity > 0 && s.porosity <= 0.95)) throw Error("generated pellet: porosity must be in (0, 0.95]");
    if (!(s.pore_radius > 0)) throw Error("generated pellet: pore radius must be positive");
    if (!(s.radius_sigma >= 0 && s.radius_sigma <= 1))
      throw Error("generated pellet: radius_sigma must be in [0, 1]");
    density_ = pellet_pore_density(s);
    r_max_ = s.pore_radius * std::exp(s.radius_sigma * kClamp - s.radius_sigma * s.radius_sigma / 2);
    cell_ = std::min(4 * s.pore_radius, std::cbrt(kMaxPerCell / density_));
    per_cell_ = density_ * cell_ * cell_ * cell_;
  }

  std::array<std::int64_t, 3> dims() const override { return s_.dims; }
  std::string describe() const override {
    return "generated pellet " + dims_text(s_.dims) + ": porosity " + fmt(s_.porosity) + ", mean pore radius " +
           fmt(s_.pore_radius) + " m" +
           (s_.radius_sigma > 0 ? " (lognormal, sigma " + fmt(s_.radius_sigma) + ")" : std::string(" (fixed)")) +
           ", seed " + std::to_string(s_.seed);
  }

  std::vector<int> labels(const Box& block) const override {
    std::vector<int> out(block.size(), s_.material);
    if (block.size() == 0) return out;
    const auto& h = s_.spacing;
    std::array<std::int64_t, 3> c_lo{}, c_hi{};
    for (int d = 0; d < 3; ++d) {
      const double lo = (block.lo[d] + 0.5) * h[d] - r_max_, hi = (block.hi(d) - 0.5) * h[d] + r_max_;
      c_lo[d] = static_cast<std::int64_t>(std::floor(lo / cell_));
      c_hi[d] = static_cast<std::int64_t>(std::floor(hi / cell_));
    }
    for (auto cz = c_lo[2]; cz <= c_hi[2]; ++cz)
      for (auto cy = c_lo[1]; cy <= c_hi[1]; ++cy)
        for (auto cx = c_lo[0]; cx <= c_hi[0]; ++cx) carve_cell(block, {cx, cy, cz}, out);
    return out;
  }

private:
  /// Marks the voxels of `block` covered by the pores of one lattice cell. Draw
  /// 0 is the pore count; pore p uses draws 1 + 5p ... 5 + 5p (3 position, 2 radius).
  void carve_cell(const Box& block, const std::array<std::int64_t, 3>& c, std::vector<int>& out) const {
    const std::uint64_t key = cell_key(s_.seed, 0, c[0], c[1], c[2]);
    const std::int64_t count = poisson(per_cell_, uniform01(key, 0));
    const auto& h = s_.spacing;
    for (std::int64_t p = 0; p < count; ++p) {
      const std::uint64_t base = 1 + 5 * static_cast<std::uint64_t>(p);
      std::array<double, 3> x{};
      for (int d = 0; d < 3; ++d) x[d] = (static_cast<double>(c[d]) + uniform01(key, base + d)) * cell_;
      double r = s_.pore_radius;
      if (s_.radius_sigma > 0) {
        // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
        const double u1 = 1 - uniform01(key, base + 3), u2 = uniform01(key, base + 4);
        const double z = std::clamp(std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2), -kClamp, kClamp);
        r *= std::exp(s_.radius_sigma * z - s_.radius_sigma * s_.radius_sigma / 2);
      }
      paint_sphere(x, r, h, block, s_.pore_material, out);
    }
  }

  PelletSpec s_;
  double density_ = 0;  ///< pore centres per m^3
  double r_max_ = 0;    ///< largest radius a pore can draw [m]
  double cell_ = 0;     ///< lattice cell edge [m]
  double per_cell_ = 0; ///< mean pores per lattice cell
};

class Separator : public LabelSource {
public:
  explicit Separator(const SeparatorSpec& s) : s_(s) {
    check_grid(s.dims, s.spacing, "generated separator");
    top_ = static_cast<double>(s.dims[2]) * s.spacing[2];
    if (!(s.pore_depth > 0)) throw Error("generated separator: pore depth must be positive");
    if (s.pore_depth > top_) throw Error("generated separator: pore depth exceeds the separator thickness");
    if (!(s.pore_density >= 0)) throw Error("generated separator: pore density must not be negative");
    cell_ = 4 * s.pore_depth;
    if (s.pore_density * cell_ * cell_ > kMaxPerCell) cell_ = std::sqrt(kMaxPerCell / s.pore_density);
    per_cell_ = s.pore_density * cell_ * cell_;
  }

  std::array<std::int64_t, 3> dims() const override { return s_.dims; }
  std::string describe() const override {
    return "generated separator " + dims_text(s_.dims) + ": surface pores up to " + fmt(s_.pore_depth) + " m deep, " +
           fmt(s_.pore_density * 1e-12) + " per um^2, seed " + std::to_string(s_.seed);
  }

  std::vector<int> labels(const Box& block) const override {
    std::vector<int> out(block.size(), s_.material);
    if (block.size() == 0 || per_cell_ == 0) return out;
    const auto& h = s_.spacing;
    // Pores reach at most pore_depth below the top face: deeper blocks are dense.
    if ((block.hi(2) - 0.5) * h[2] < top_ - s_.pore_depth) return out;
    std::array<std::int64_t, 2> c_lo{}, c_hi{};
    for (int d = 0; d < 2; ++d) {
      const double lo = (block.lo[d] + 0.5) * h[d] - s_.pore_depth, hi = (block.hi(d) - 0.5) * h[d] + s_.pore_depth;
      c_lo[d] = static_cast<std::int64_t>(std::floor(lo / cell_));
      c_hi[d] = static_cast<std::int64_t>(std::floor(hi / cell_));
    }
    for (auto cy = c_lo[1]; cy <= c_hi[1]; ++cy)
      for (auto cx = c_lo[0]; cx <= c_hi[0]; ++cx) carve_cell(block, cx, cy, out);
    return out;
  }

private:
  /// Draw 0 is the pore count; pore p uses draws 1 + 3p ... 3 + 3p (2 position, 1 depth).
  void carve_cell(const Box& block, std::int64_t cx, std::int64_t cy, std::vector<int>& out) const {
    const std::uint64_t key = cell_key(s_.seed, 1, cx, cy, 0);
    const std::int64_t count = poisson(per_cell_, uniform01(key, 0));
    const auto& h = s_.spacing;
    for (std::int64_t p = 0; p < count; ++p) {
      const std::uint64_t base = 1 + 3 * static_cast<std::uint64_t>(p);
      const std::array<double, 3> x{(static_cast<double>(cx) + uniform01(key, base)) * cell_,
                                    (static_cast<double>(cy) + uniform01(key, base + 1)) * cell_, top_};
      // A sphere centred on the top face cuts a hemispherical cap of depth r.
      const double r = s_.pore_depth * (0.5 + 0.5 * uniform01(key, base + 2));
      paint_sphere(x, r, h, block, s_.pore_material, out);
    }
  }

  SeparatorSpec s_;
  double top_ = 0;      ///< z of the top face [m]
  double cell_ = 0;     ///< lattice cell edge on the top face [m]
  double per_cell_ = 0; ///< mean pores per lattice cell
};

} // namespace

const std::vector<PelletPreset>& pellet_presets() {
  // MODEL.md §0: Al 0-3 % (dense), Cu 19-23 % with micron pores, Ti 34-35 % with larger pores.
  static const std::vector<PelletPreset> presets{
      {"Al", 0.02, 0.5e-6},
      {"Cu", 0.21, 0.75e-6},
      {"Ti", 0.345, 2.5e-6},
  };
  return presets;
}

std::optional<PelletPreset> pellet_preset(const std::string& name) {
  for (const auto& p : pellet_presets())
    if (p.name == name) return p;
  return std::nullopt;
}

double pellet_pore_density(const PelletSpec& s) {
  const double mean_volume =
      4.0 / 3.0 * kPi * s.pore_radius * s.pore_radius * s.pore_radius * mean_cube_factor(s.radius_sigma);
  return -std::log1p(-s.porosity) / mean_volume;
}

std::unique_ptr<LabelSource> pellet(const PelletSpec& spec) { return std::make_unique<Pellet>(spec); }

std::unique_ptr<LabelSource> separator(const SeparatorSpec& spec) { return std::make_unique<Separator>(spec); }

} // namespace navox::io
