#include "io/sources/interface_generator.hpp"

#include "io/readers/checked_size.hpp"
#include "io/sources/height_field.hpp"
#include "mesh/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace navox::io {

namespace {

/// Streams of the three fields (random_keys::cell_key): SE surface, CC surface, asperities.
constexpr std::uint64_t kSeStream = 2, kCcStream = 3, kAsperityStream = 4;

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// Voxels of a column whose centres (k + 1/2) h lie below height z, clamped to [lo, hi].
std::int64_t voxels_below(double z, double h, std::int64_t lo, std::int64_t hi) {
  const double n = std::ceil(z / h - 0.5);
  return static_cast<std::int64_t>(std::clamp(n, static_cast<double>(lo), static_cast<double>(hi)));
}

class InterfaceLayer : public LabelSource {
public:
  explicit InterfaceLayer(const InterfaceSpec& s) : s_(s) {
    const auto& d = s.dims;
    for (int a = 0; a < 3; ++a)
      if (!(s.spacing[a] > 0)) throw Error("generated interface: voxel spacing must be positive");
    if (d[0] < 1 || d[1] < 1) throw Error("generated interface: dims must be positive");
    if (d[2] < 2) throw Error("generated interface: the layer needs at least 2 voxels along z (one SE, one CC)");
    if (!(s.gap >= 0)) throw Error("generated interface: gap must not be negative");
    if (!(s.roughness >= 0)) throw Error("generated interface: roughness must not be negative");
    if (!(s.contact_fraction >= 0 && s.contact_fraction <= 1))
      throw Error("generated interface: contact_fraction must be in [0, 1]");
    const double h = s.spacing[2], thick = static_cast<double>(d[2]) * h;
    if (s.gap > thick - 2 * h)
      throw Error("generated interface: gap " + fmt(s.gap) + " m leaves no room for SE and CC voxels in a layer " +
                  fmt(thick) + " m thick");
    // Checked: the 2-D maps below hold d[0] * d[1] columns, labels() one int per voxel.
    checked_volume_bytes(d, sizeof(int), "generated interface");
    const std::size_t columns = static_cast<std::size_t>(d[0] * d[1]);
    std::vector<double> se(columns, 0.0), cc(columns, 0.0);
    if (s.roughness > 0) {
      se = smooth_height_field(d[0], d[1], s.spacing[0], s.spacing[1], s.correlation_length, s.seed, kSeStream);
      cc = smooth_height_field(d[0], d[1], s.spacing[0], s.spacing[1], s.correlation_length, s.seed, kCcStream);
    }
    const double z_se = (thick - s.gap) / 2;
    se_top_.resize(columns);
    cc_bottom_.resize(columns);
    std::vector<char> contact(columns, 0);
    std::size_t touching = 0;
    for (std::size_t c = 0; c < columns; ++c) {
      se_top_[c] = voxels_below(z_se + s.roughness * se[c], h, 1, d[2] - 1);
      cc_bottom_[c] = std::max(se_top_[c], voxels_below(z_se + s.gap + s.roughness * cc[c], h, 1, d[2] - 1));
      if (cc_bottom_[c] == se_top_[c]) contact[c] = 1, ++touching;
    }
    const auto target = static_cast<std::size_t>(std::llround(s.contact_fraction * static_cast<double>(columns)));
    if (touching > target)
      throw Error("generated interface: with gap " + fmt(s.gap) + " m and roughness " + fmt(s.roughness) +
                  " m the surfaces already touch over " + fmt(100.0 * double(touching) / double(columns)) +
                  " % of the area, more than contact_fraction " + fmt(s.contact_fraction) +
                  "; widen the gap or lower the roughness");
    if (target > touching) {
      const std::vector<double> p =
          smooth_height_field(d[0], d[1], s.spacing[0], s.spacing[1], s.asperity_size, s.seed, kAsperityStream);
      std::vector<std::size_t> order(columns);
      std::iota(order.begin(), order.end(), std::size_t(0));
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
      for (std::size_t n = 0; n < columns && touching < target; ++n) {
        const std::size_t c = order[n];
        if (contact[c]) continue;
        contact[c] = 1, ++touching;
        cc_bottom_[c] = se_top_[c];
      }
    }
    contact_columns_ = touching;
  }

  std::array<std::int64_t, 3> dims() const override { return s_.dims; }
  std::string describe() const override {
    const double achieved = double(contact_columns_) / double(s_.dims[0] * s_.dims[1]);
    return "generated interface " + std::to_string(s_.dims[0]) + "x" + std::to_string(s_.dims[1]) + "x" +
           std::to_string(s_.dims[2]) + ": gap " + fmt(s_.gap) + " m, contact " + fmt(achieved) + " (target " +
           fmt(s_.contact_fraction) + "), roughness " + fmt(s_.roughness) + " m RMS, seed " + std::to_string(s_.seed);
  }

  std::vector<int> labels(const Box& block) const override {
    std::vector<int> out(block.size());
    for (auto k = block.lo[2]; k < block.hi(2); ++k)
      for (auto j = block.lo[1]; j < block.hi(1); ++j)
        for (auto i = block.lo[0]; i < block.hi(0); ++i) {
          const auto c = static_cast<std::size_t>(j * s_.dims[0] + i);
          out[block.offset(i, j, k)] =
              k < se_top_[c] ? s_.se_material : (k >= cc_bottom_[c] ? s_.cc_material : s_.pore_material);
        }
    return out;
  }

private:
  InterfaceSpec s_;
  std::vector<std::int64_t> se_top_;    ///< SE voxels per column
  std::vector<std::int64_t> cc_bottom_; ///< first CC voxel per column
  std::size_t contact_columns_ = 0;
};

} // namespace

const std::vector<InterfacePreset>& interface_presets() {
  // Al_foil: a rolled foil is flat to well below a voxel; it rests on the SE over a
  // 1 um gap and touches it at asperities over ~5 % of the area (poor contact,
  // MODEL.md §0 and V7). pressed_pellet: a powder pellet pressed onto the SE
  // conforms to it: full contact over a ~1 um RMS rough surface.
  static const std::vector<InterfacePreset> presets{
      {"Al_foil", 1e-6, 0.05, 0.0, 5e-6, 2e-6},
      {"pressed_pellet", 0.0, 1.0, 1e-6, 3e-6, 1e-6},
  };
  return presets;
}

std::optional<InterfacePreset> interface_preset(const std::string& name) {
  for (const auto& p : interface_presets())
    if (p.name == name) return p;
  return std::nullopt;
}

std::int64_t default_interface_thickness(const InterfaceSpec& s) {
  const double voxels = std::ceil((s.gap + 7 * s.roughness) / s.spacing[2]) + 2;
  // A double past 2^62 has no int64 value: converting it would be undefined.
  if (!(voxels < 0x1p62))
    throw Error("generated interface: gap " + fmt(s.gap) + " m and roughness " + fmt(s.roughness) +
                " m need a layer of " + fmt(voxels) + " voxels, which overflows 64-bit sizes");
  return static_cast<std::int64_t>(voxels);
}

std::unique_ptr<LabelSource> interface_layer(const InterfaceSpec& spec) {
  return std::make_unique<InterfaceLayer>(spec);
}

} // namespace navox::io
