#pragma once
/// Per-node coefficient sets (a node's upper stencil blocks, its inverted diagonal block)
/// each kept once where nodes have the same bits: in a region of one material away from
/// held DOFs every node's set is the same, and the elastic solve's smoothed levels held one
/// copy per node (solver/mechanics/single_block_stencil.hpp, symmetric_block_jacobi.hpp).
/// What is applied is unchanged to the bit: a node reads the very floats it had.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace navox {

struct DistinctSets {
  std::size_t width = 0;              ///< floats a set
  std::vector<float> values;          ///< the distinct sets, in the order first met
  std::vector<std::uint32_t> index;   ///< per node its set's position in `values`
  const float* of(std::size_t node) const { return values.data() + std::size_t(index[node]) * width; }
  std::size_t nodes() const { return index.size(); }
};

/// `values` (one set of `width` floats per node, node by node) as DistinctSets, the sets
/// compared bit for bit; `values` is moved in and compacted in place (a set moves only
/// towards the front), so no second copy of it is made.
DistinctSets distinct_sets(std::vector<float> values, std::size_t width);

} // namespace navox
