#include "io/sources/otsu_threshold.hpp"

#include "mesh/error.hpp"

#include <numeric>

namespace navox::io {

std::int64_t GreyHistogram::voxels() const { return std::accumulate(counts.begin(), counts.end(), std::int64_t(0)); }

std::size_t otsu_bin(const GreyHistogram& h) {
  // long double: N s_0 reaches 2^40 voxels x 2^16 grey x 2^40 for a large 16-bit scan.
  long double total = 0, sum = 0;
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    total += static_cast<long double>(h.counts[b]);
    sum += static_cast<long double>(h.counts[b]) * h.value(b);
  }
  long double n0 = 0, s0 = 0, best = -1;
  std::size_t first = 0, last = 0;
  bool in_run = false;
  for (std::size_t k = 1; k < h.counts.size(); ++k) {
    n0 += static_cast<long double>(h.counts[k - 1]);
    s0 += static_cast<long double>(h.counts[k - 1]) * h.value(k - 1);
    const long double n1 = total - n0;
    if (n0 == 0 || n1 == 0) {
      in_run = false;
      continue;
    }
    const long double d = total * s0 - n0 * sum;
    const long double between = d * d / (n0 * n1);
    if (between > best) {
      best = between;
      first = last = k;
      in_run = true;
    } else if (in_run && between == best && last == k - 1) {
      last = k; // the plateau over empty bins after the first maximum
    } else {
      in_run = false;
    }
  }
  if (best < 0)
    throw Error("the volume's grey values fill fewer than two histogram bins: Otsu's method has nothing to split");
  return first + (last - first) / 2;
}

} // namespace navox::io
