#pragma once
/// Counter-based random numbers for the generators: every draw is a pure function
/// of (seed, stream, lattice or voxel index, draw number), so a generated cell does
/// not depend on how it is cut into blocks or on the order blocks are visited.
#include <cstdint>

namespace navox::io::random_keys {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

/// splitmix64 finaliser: a bijective avalanche mix, so nearby keys give unrelated bits.
inline std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Key of one lattice cell; `stream` separates the processes of different generators
/// (0 pellet pores, 1 separator pores, 2-4 interface fields, 5 ceramic grains,
/// 6 nucleation draws, 7 phase-field noise).
inline std::uint64_t cell_key(std::uint64_t seed, std::uint64_t stream, std::int64_t x, std::int64_t y,
                              std::int64_t z) {
  std::uint64_t k = mix(seed + kGolden * (stream + 1));
  k = mix(k ^ (static_cast<std::uint64_t>(x) + kGolden));
  k = mix(k ^ (static_cast<std::uint64_t>(y) + 2 * kGolden));
  return mix(k ^ (static_cast<std::uint64_t>(z) + 3 * kGolden));
}

/// The n-th uniform number in [0, 1) of a key's stream (counter-based: no state).
inline double uniform01(std::uint64_t key, std::uint64_t n) {
  return static_cast<double>(mix(key + kGolden * (n + 1)) >> 11) * 0x1.0p-53;
}

} // namespace navox::io::random_keys
