#pragma once
/// Generated microstructures: label sources that are pure functions of
/// (seed, global voxel index), so a cell is identical on any number of ranks.
///
/// Pressed-powder pellet (current collector): a Boolean model of spherical pores.
/// Pore centres form a homogeneous Poisson process of number density n; radii are
/// independent (fixed, or lognormal). A point is pore if it lies in any sphere, so
///     porosity = 1 - exp(-n <V>),   <V> = 4/3 pi <R^3>,
/// which fixes n from the target porosity. A voxel takes the label of its centre;
/// the model is stationary, so the expected pore fraction of voxel centres is the
/// porosity exactly, whatever the voxel size (coarse voxels only add noise).
///
/// The process is built on an infinite lattice of cubic cells (edge a few mean pore
/// radii): cell c holds Poisson(n |cell|) pores whose positions and radii come from a
/// counter-based hash of (seed, c). A block of voxels is labelled by visiting the
/// cells within the largest pore radius of it, so no voxel depends on how the
/// volume is cut into blocks, and no state is shared between blocks.
///
/// NBH separator: dense SE whose top face carries rounded surface pores:
/// hemispherical caps (spheres centred on the top face) with depth uniform in
/// [pore_depth/2, pore_depth], centres a 2-D Poisson process of given areal
/// density, hashed on a square lattice of the top face the same way.
#include "io/sources/microstructure.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace navox::io {

/// Porosity and mean pore radius of cold-pressed CC powder pellets (MODEL.md §0).
struct PelletPreset {
  std::string name;
  double porosity;    ///< [-]
  double pore_radius; ///< mean [m]
};
const std::vector<PelletPreset>& pellet_presets();
std::optional<PelletPreset> pellet_preset(const std::string& name);

struct PelletSpec {
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< voxels
  std::array<double, 3> spacing{1, 1, 1};    ///< voxel size [m]
  double porosity = 0;                       ///< target, in (0, 0.95]
  double pore_radius = 0;                    ///< mean pore radius [m]
  double radius_sigma = 0;                   ///< lognormal log-std of the radius; 0 = all equal
  std::uint64_t seed = 0;
  int material = 0;      ///< the solid (CC) material
  int pore_material = 0;
};

struct SeparatorSpec {
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< voxels
  std::array<double, 3> spacing{1, 1, 1};    ///< voxel size [m]
  double pore_depth = 0;                     ///< deepest surface pore [m]
  double pore_density = 0;                   ///< surface pores per area [1/m^2]
  std::uint64_t seed = 0;
  int material = 0;      ///< the SE material
  int pore_material = 0;
};

/// Number density of pore centres [1/m^3] that gives spec.porosity.
double pellet_pore_density(const PelletSpec& spec);

/// Throw navox::Error for parameters outside the ranges documented above.
std::unique_ptr<LabelSource> pellet(const PelletSpec& spec);
std::unique_ptr<LabelSource> separator(const SeparatorSpec& spec);

} // namespace navox::io
