#include "io/sources/height_field.hpp"

#include "io/readers/checked_size.hpp"
#include "io/sources/random_keys.hpp"
#include "mesh/error.hpp"
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>
#include <complex>

namespace navox::io {

namespace {

using physics::kPi;
/// Modes beyond k l = 6 carry less than exp(-36/8) ~ 1 % of the peak amplitude.
constexpr double kCutoff = 6.0;

std::int64_t mode_limit(std::int64_t n, double h, double l) {
  const double length = static_cast<double>(n) * h;
  const auto m = static_cast<std::int64_t>(std::ceil(kCutoff * length / (2 * kPi * l)));
  return std::min(n / 2, std::max<std::int64_t>(1, m));
}

} // namespace

std::vector<double> smooth_height_field(std::int64_t nx, std::int64_t ny, double hx, double hy,
                                        double correlation_length, std::uint64_t seed, std::uint64_t stream) {
  if (!(correlation_length > 0)) throw Error("rough surface: correlation length must be positive");
  const std::int64_t mx = mode_limit(nx, hx, correlation_length), my = mode_limit(ny, hy, correlation_length);
  const double lx = static_cast<double>(nx) * hx, ly = static_cast<double>(ny) * hy;
  const double l2 = correlation_length * correlation_length;
  using C = std::complex<double>;
  // Separable evaluation: g(m_x, j) = sum_{m_y} c_m e^{i k_y y_j}, then
  // f(i, j) = Re sum_{m_x} e^{i k_x x_i} g(m_x, j); nx ny (2 mx + 1) work instead of
  // nx ny (2 mx + 1)(my + 1). Half of the m plane suffices for a real field.
  const std::int64_t nmx = 2 * mx + 1;
  // Both maps below are 2-D products of the cell's width: checked like every other one.
  checked_volume_bytes({nmx, ny, 1}, sizeof(C), "rough surface: modes");
  checked_volume_bytes({nx, ny, 1}, sizeof(double), "rough surface:");
  std::vector<C> g(static_cast<std::size_t>(nmx * ny), C(0, 0));
  bool any = false;
  for (std::int64_t a = -mx; a <= mx; ++a)
    for (std::int64_t b = 0; b <= my; ++b) {
      if (b == 0 && a <= 0) continue;
      const double kx = 2 * kPi * static_cast<double>(a) / lx, ky = 2 * kPi * static_cast<double>(b) / ly;
      const double amp = std::exp(-(kx * kx + ky * ky) * l2 / 8);
      const double phase = 2 * kPi * random_keys::uniform01(random_keys::cell_key(seed, stream, a, b, 0), 0);
      const C c = std::polar(amp, phase);
      any = true;
      for (std::int64_t j = 0; j < ny; ++j)
        g[static_cast<std::size_t>((a + mx) * ny + j)] += c * std::polar(1.0, ky * (static_cast<double>(j) + 0.5) * hy);
    }
  if (!any) throw Error("rough surface: the cell is a single column; no roughness can be represented");
  std::vector<double> f(static_cast<std::size_t>(nx * ny), 0.0);
  for (std::int64_t a = -mx; a <= mx; ++a) {
    const double kx = 2 * kPi * static_cast<double>(a) / lx;
    for (std::int64_t i = 0; i < nx; ++i) {
      const C e = std::polar(1.0, kx * (static_cast<double>(i) + 0.5) * hx);
      for (std::int64_t j = 0; j < ny; ++j)
        f[static_cast<std::size_t>(j * nx + i)] += (e * g[static_cast<std::size_t>((a + mx) * ny + j)]).real();
    }
  }
  double mean = 0;
  for (double v : f) mean += v;
  mean /= static_cast<double>(f.size());
  double ms = 0;
  for (double& v : f) {
    v -= mean;
    ms += v * v;
  }
  const double rms = std::sqrt(ms / static_cast<double>(f.size()));
  // Only modes at the Nyquist limit on a two-voxel cell could vanish at every centre.
  if (!(rms > 1e-12)) throw Error("rough surface: the cell is too small to represent roughness");
  for (double& v : f) v /= rms;
  return f;
}

} // namespace navox::io
