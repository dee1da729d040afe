#pragma once
/// A generated SE|CC interface layer (MODEL.md §0: SE | interface | CC along z).
///
/// The layer is nz voxels thick. The SE fills it from the bottom up to a rough
/// surface, the CC from the top down to another, and PORE (the gap) lies between:
///     SE   where z <  z_s + s(x, y),
///     CC   where z >= z_s + g + c(x, y)      (or z >= z_s + s(x, y) in contact columns),
/// with z_s = (T - g) / 2 the mean SE surface (T the layer thickness, g the gap),
/// s and c independent smooth random fields (io/sources/height_field.hpp) of RMS height
/// `roughness` and lateral correlation length `correlation_length`.
///
/// A voxel column is in contact when its CC reaches down to the SE surface: either
/// because the rough surfaces already meet there (with voxels: no PORE voxel left
/// between them), or because it is an asperity column. Asperity columns are the
/// columns where a third smooth field (lateral size `asperity_size`) is largest,
/// taken in that order (ties by column index) until the columns in contact number
/// round(contact_fraction nx ny): the contact fraction of the voxel cell is the
/// target to within one column. Asperities therefore come as compact patches.
/// If the surfaces alone already touch over more than the target, the spec is
/// inconsistent (a gap too small for the roughness) and construction throws.
///
/// With voxels: column (i, j) has se_top SE voxels and CC from cc_bottom up,
/// both clamped to [1, nz - 1] so every column keeps one SE and one CC voxel; in a
/// contact column cc_bottom = se_top, so exactly one SE|CC face faces +z there and
///     (SE|CC faces normal to z) x hx hy / (nx hx ny hy) = contact fraction.
/// Every rank computes the nx x ny column maps (2-D, small), so the labels are a
/// pure function of (seed, global voxel index) on any rank count.
#include "io/sources/microstructure.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace navox::io {

/// Interface presets (MODEL.md §0): a rolled Al foil, flat, touching the SE only at
/// asperities; a CC powder pellet pressed onto the SE: rough (~1 um RMS), full contact.
struct InterfacePreset {
  std::string name;
  double gap;                ///< [m]
  double contact_fraction;   ///< [-]
  double roughness;          ///< RMS height [m]
  double correlation_length; ///< [m]
  double asperity_size;      ///< [m]
};
const std::vector<InterfacePreset>& interface_presets();
std::optional<InterfacePreset> interface_preset(const std::string& name);

struct InterfaceSpec {
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< voxels; dims[2] is the layer thickness
  std::array<double, 3> spacing{1, 1, 1};    ///< voxel size [m]
  double gap = 0;                            ///< mean PORE gap between the SE and CC surfaces [m]
  double contact_fraction = 1;               ///< target fraction of the x-y area in SE|CC contact
  double roughness = 0;                      ///< RMS height of each surface [m]
  double correlation_length = 2e-6;          ///< lateral correlation length of the roughness [m]
  double asperity_size = 1e-6;               ///< lateral size of the contact patches [m]
  std::uint64_t seed = 0;
  int se_material = 0;
  int cc_material = 0;
  int pore_material = 0;
};

/// Voxels along z that hold the gap and +-3.5 RMS of both surfaces, plus one voxel
/// each for the SE and CC: the thickness used when none is given.
std::int64_t default_interface_thickness(const InterfaceSpec& spec);

/// The generated layer; throws navox::Error for an inconsistent spec.
std::unique_ptr<LabelSource> interface_layer(const InterfaceSpec& spec);

} // namespace navox::io
