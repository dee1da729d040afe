#pragma once
/// The six faces of a voxel, numbered -x, +x, -y, +y, -z, +z, and their geometry:
/// written once here for every two-point-flux operator and neighbour walk.
#include <array>

namespace navox {

/// Index offset (di, dj, dk) of the neighbour across each face.
constexpr int kFaceOffset[6][3] = {{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};

/// The axis a face is normal to (0 = x, 1 = y, 2 = z).
constexpr int face_axis(int face) { return face / 2; }

/// Area of a face [m^2] on a grid of voxel size `h`.
inline double face_area(const std::array<double, 3>& h, int face) {
  const int d = face_axis(face);
  return h[(d + 1) % 3] * h[(d + 2) % 3];
}

} // namespace navox
