#pragma once
/// From voxel data to material labels on the grid.
///
/// A `LabelSource` answers "which material is each voxel of this block" in the
/// cell's global voxel indices, reading only what the block needs. Sources:
///  - a segmented volume (reader + label map or threshold ranges, cropped and
///    coarsened by an integer factor with a majority vote);
///  - a uniform material (a slab);
///  - a stack of sources along z (SE slab below a CC volume, as in MODEL.md §0).
#include "io/readers/volume_source.hpp"
#include "mesh/box.hpp"
#include "physics/materials/material.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace navox::io {

/// Grey value -> material index: an exact label map, or half-open ranges [lo, hi),
/// or a split of two materials at Otsu's threshold of the volume.
struct Segmentation {
  struct Range {
    double lo, hi;
    int material;
  };
  /// grey < t -> below, grey >= t -> above, with t from the volume's histogram
  /// (find_segmentation_threshold, io/input/config.hpp), which sets the two ranges.
  struct Otsu {
    int below, above;
  };
  std::map<long, int> label_map;
  std::vector<Range> ranges;
  std::optional<Otsu> otsu;
  /// Material index of a grey value; throws navox::Error for a value nothing maps.
  int material(double value) const;
  /// The boundary of a threshold segmentation: exactly two ranges that share one end
  /// and no label map (an Otsu split once its threshold is set); none otherwise.
  std::optional<double> threshold() const;
  /// The same split moved to `t` (grey < t the lower range's material); needs threshold().
  Segmentation at_threshold(double t) const;
  /// An Otsu split at `t`: (-inf, t) -> below, [t, inf) -> above.
  void set_otsu_threshold(double t);
};

class LabelSource {
public:
  virtual ~LabelSource() = default;
  virtual std::array<std::int64_t, 3> dims() const = 0;
  virtual std::string describe() const = 0;
  /// Material indices of `block` (inside dims()), x fastest.
  virtual std::vector<int> labels(const Box& block) const = 0;
};

/// The source voxels a crop (offset, size in source voxels; size -1 = to the end)
/// coarsened by `factor` uses: the crop less what does not fill a whole coarse voxel.
/// Throws navox::Error for a crop outside the volume or one that leaves no voxel.
Box cropped_region(const std::array<std::int64_t, 3>& volume_dims, std::array<std::int64_t, 3> crop_offset,
                   std::array<std::int64_t, 3> crop_size, std::int64_t factor);

/// A volume on disk: crop (cropped_region), then coarsen by `factor` (majority vote;
/// ties go to the lowest material index).
std::unique_ptr<LabelSource> segmented_volume(std::unique_ptr<VolumeSource> volume, Segmentation segmentation,
                                              std::array<std::int64_t, 3> crop_offset,
                                              std::array<std::int64_t, 3> crop_size, std::int64_t factor);

std::unique_ptr<LabelSource> uniform(std::array<std::int64_t, 3> dims, int material, std::string name);

/// Sources stacked bottom to top along z; all must share nx and ny.
std::unique_ptr<LabelSource> stack(std::vector<std::unique_ptr<LabelSource>> layers);

} // namespace navox::io
