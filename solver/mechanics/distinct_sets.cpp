// Per-node coefficient sets kept once each (distinct_sets.hpp).
#include "solver/mechanics/distinct_sets.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <utility>

namespace navox {

DistinctSets distinct_sets(std::vector<float> values, std::size_t width) {
  DistinctSets d;
  d.width = width;
  const std::size_t nodes = width ? values.size() / width : 0;
  d.index.assign(nodes, 0);
  // Sets by a hash of their bytes (FNV-1a), each hash's sets compared bit for bit.
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_hash;
  std::size_t sets = 0;
  const std::size_t bytes = width * sizeof(float);
  for (std::size_t node = 0; node < nodes; ++node) {
    const float* b = &values[node * width];
    std::uint64_t h = 1469598103934665603ull;
    const auto* c = reinterpret_cast<const unsigned char*>(b);
    for (std::size_t i = 0; i < bytes; ++i) h = (h ^ c[i]) * 1099511628211ull;
    std::vector<std::uint32_t>& same = by_hash[h];
    std::uint32_t found = std::uint32_t(-1);
    for (const std::uint32_t id : same)
      if (std::memcmp(&values[std::size_t(id) * width], b, bytes) == 0) found = id;
    if (found == std::uint32_t(-1)) {
      // The k-th distinct set goes to slot k, met at node k or later: nothing unread is overwritten.
      found = std::uint32_t(sets++);
      if (found != node) std::copy(b, b + width, &values[std::size_t(found) * width]);
      same.push_back(found);
    }
    d.index[node] = found;
  }
  values.resize(sets * width);
  values.shrink_to_fit();
  d.values = std::move(values);
  return d;
}

} // namespace navox
