#pragma once
/// Union-find over the integers 0 .. n-1 with path halving; the root of a set is
/// its smallest member.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace navox {

struct DisjointSets {
  std::vector<std::int64_t> parent;
  explicit DisjointSets(std::int64_t n) : parent(static_cast<std::size_t>(n)) {
    std::iota(parent.begin(), parent.end(), std::int64_t(0));
  }
  std::int64_t find(std::int64_t v) {
    while (parent[v] != v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  }
  void unite(std::int64_t a, std::int64_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

} // namespace navox
