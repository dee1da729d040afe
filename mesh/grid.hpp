#pragma once
/// The distributed voxel grid: a cell-centred PETSc DMDA over the voxel volume.
///
/// Voxel (i, j, k) occupies [o + i h, o + (i+1) h) along each axis (o = origin,
/// h = spacing, possibly anisotropic); its value lives at the cell centre. All
/// DMDAs share one partition:
///   - `field_dm(name)`: one per solution field, one DOF, star stencil of width 1
///     (face-neighbour finite volumes). Each field is solved by its own nonlinear
///     solver (operator splitting), so each has its own DM; the DM field name is
///     the input's name, as is the options prefix of its solver (`-phi_pc_type`)
///     and the HDF5/VTK array name;
///   - `scalar_dm()`: one value per voxel (material labels, diagnostics), box
///     stencil of width 1 so edge/corner neighbours (26-connectivity) are ghosted.
/// A grid without fields (analysis) has the scalar DMDA only.
/// Global vectors of all of them have the same layout, so `scalar_block` reads any.
/// Each rank owns one block; no rank ever holds the whole volume.
#include "mesh/box.hpp"
#include "mesh/error.hpp"

#include <petscdmda.h>

#include <array>
#include <string>
#include <vector>

namespace navox {

struct GridSpec {
  std::array<std::int64_t, 3> dims{1, 1, 1};  ///< voxels along x, y, z
  std::array<double, 3> spacing{1, 1, 1};     ///< voxel size [m]
  std::array<double, 3> origin{0, 0, 0};      ///< corner of voxel (0,0,0) [m]
  bool periodic_lateral = false;              ///< x and y periodic (else zero-flux walls)
  std::array<int, 3> processors{-1, -1, -1};  ///< ranks along x, y, z; -1: mesh/partition.hpp decides

  /// The cell's x-y area [m²]: what current densities, thicknesses and densities per
  /// area are per.
  double xy_area() const { return double(dims[0]) * spacing[0] * double(dims[1]) * spacing[1]; }
};

class Grid {
public:
  Grid(MPI_Comm comm, const GridSpec& spec, std::vector<std::string> field_names);
  ~Grid();
  Grid(const Grid&) = delete;
  Grid& operator=(const Grid&) = delete;

  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  const GridSpec& spec() const { return spec_; }
  DM scalar_dm() const { return sdm_; }

  /// The voxels this rank owns.
  Box owned() const { return boxes_[rank_]; }
  /// Every rank's block, indexed by rank (known locally from the DMDA's ownership ranges).
  const std::vector<Box>& blocks() const { return boxes_; }
  /// How many ranks split x, y and z.
  std::array<int, 3> ranks_per_axis() const {
    return {int(starts_[0].size()), int(starts_[1].size()), int(starts_[2].size())};
  }
  /// The rank owning voxel (i, j, k) of the grid (no wrapping: inside the grid).
  int owner(std::int64_t i, std::int64_t j, std::int64_t k) const;

  const std::vector<std::string>& fields() const { return fields_; }
  /// The DM of one solution field (the scalar DM's partition, a star stencil), created
  /// on first use: collective then. Throws navox::Error for unknown names.
  DM field_dm(const std::string& name) const;

  double cell_volume() const { return spec_.spacing[0] * spec_.spacing[1] * spec_.spacing[2]; }
  std::int64_t voxel_count() const { return spec_.dims[0] * spec_.dims[1] * spec_.dims[2]; }

private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  GridSpec spec_;
  std::vector<std::string> fields_;
  mutable std::vector<DM> field_dms_; ///< per field name, null until field_dm asks for it
  DM sdm_ = nullptr;
  std::vector<Box> boxes_;
  std::array<std::vector<std::int64_t>, 3> starts_; ///< first voxel of each rank slab along x, y, z
};

} // namespace navox
