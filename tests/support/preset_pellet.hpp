#pragma once
// Test set-up: a generated pellet of one of the presets (Al, Cu, Ti), as the
// input deck's `generate: {type: pellet, preset: ...}` makes it (lognormal radius
// spread 0.3), with cubic voxels and the given solid and pore labels.
#include "io/sources/generators.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace navox::test {

inline navox::io::PelletSpec preset_pellet(const std::string& preset, std::array<std::int64_t, 3> dims,
                                           double voxel, std::uint64_t seed, int solid, int pore) {
  const navox::io::PelletPreset p = navox::io::pellet_preset(preset).value();
  navox::io::PelletSpec s;
  s.dims = dims;
  s.spacing = {voxel, voxel, voxel};
  s.porosity = p.porosity;
  s.pore_radius = p.pore_radius;
  s.radius_sigma = 0.3;
  s.seed = seed;
  s.material = solid;
  s.pore_material = pore;
  return s;
}

} // namespace navox::test
