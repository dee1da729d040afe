#pragma once
/// Otsu's threshold of a grey-value histogram (N. Otsu, IEEE Trans. SMC 9 (1979) 62).
///
/// Splitting the bins at k (class 0: bins below k, class 1: bins k and above) with
/// voxel counts n_0, n_1 (N = n_0 + n_1) and grey sums s_0, s_1 of the bin values x_b,
/// the between-class variance is
/// \f[ \sigma_B^2(k) = \omega_0\omega_1(\mu_0-\mu_1)^2 = \frac{(N s_0 - n_0 S)^2}{N^2\, n_0\, n_1},
///     \qquad S = s_0 + s_1 \f]
/// (\f$N s_0 - n_0 S = n_0 n_1(\mu_0-\mu_1)\f$). Otsu's k maximises it over the splits
/// that leave both classes non-empty; the constant N^2 is left out.
///
/// Ties: empty bins between two modes leave sigma_B^2 bitwise the same over a run of
/// k (adding zero counts changes no sum), and any k in it splits the voxels alike.
/// The first run of maxima is taken and its middle bin chosen (the lower one of two
/// middles), so a gap between two modes is cut half-way, not at its lower edge.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace navox::io {

/// Voxel counts per bin. Bin b covers [lo + b w, lo + (b+1) w); its value x_b is
/// lo + b w for integer bins (w = 1: one bin per grey value) and the bin's centre
/// lo + (b + 1/2) w otherwise.
struct GreyHistogram {
  bool integers = true;
  double lo = 0, width = 1;
  double min = 0, max = 0; ///< the smallest and largest grey value counted
  std::vector<std::int64_t> counts;

  /// Where bin b starts: the threshold that puts bins below b in the lower class.
  double edge(std::size_t b) const { return lo + double(b) * width; }
  double value(std::size_t b) const { return integers ? edge(b) : lo + (double(b) + 0.5) * width; }
  std::int64_t voxels() const;
};

/// Otsu's split bin k (1 <= k < counts.size()); throws navox::Error when fewer than
/// two bins hold voxels (nothing to split).
std::size_t otsu_bin(const GreyHistogram& h);

/// Otsu's threshold: h.edge(otsu_bin(h)); grey < t is the lower class.
inline double otsu_threshold(const GreyHistogram& h) { return h.edge(otsu_bin(h)); }

} // namespace navox::io
