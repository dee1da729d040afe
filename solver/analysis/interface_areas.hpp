#pragma once
/// Interface areas between materials of a labelled voxel volume.
///
/// Every face shared by two voxels of different materials a != b is one interface
/// element, of area h_y h_z, h_x h_z or h_x h_y for faces normal to x, y or z.
/// Faces on the domain boundary are not interfaces (nothing lies beyond them,
/// whatever the run's lateral boundary). Each face is counted once, by the rank
/// owning its lower voxel (ghost labels from the scalar DMDA give the other side),
/// and the counts are summed over ranks: integers, identical on any rank count.
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <array>
#include <cstdint>
#include <vector>

namespace navox {

struct InterfaceFaces {
  int materials = 0;
  /// faces[axis][a * materials + b], a < b: faces normal to `axis` between materials a and b.
  std::array<std::vector<std::int64_t>, 3> faces;

  std::int64_t count(int axis, int a, int b) const;
  /// Total area between materials a and b [m^2].
  double area(int a, int b, const std::array<double, 3>& spacing) const;
};

/// Counts faces between materials in `labels` (a global vector of grid.scalar_dm()
/// holding material indices in [0, materials)). Collective; the result is on every rank.
InterfaceFaces count_interface_faces(const Grid& grid, Vec labels, int materials);

} // namespace navox
