#include "solver/analysis/interface_areas.hpp"

#include <petscdmda.h>

#include <algorithm>
#include <utility>

namespace navox {

std::int64_t InterfaceFaces::count(int axis, int a, int b) const {
  if (a == b) return 0;
  if (a > b) std::swap(a, b);
  return faces[axis][static_cast<std::size_t>(a * materials + b)];
}

double InterfaceFaces::area(int a, int b, const std::array<double, 3>& h) const {
  const double face[3] = {h[1] * h[2], h[0] * h[2], h[0] * h[1]};
  double sum = 0;
  for (int axis = 0; axis < 3; ++axis) sum += static_cast<double>(count(axis, a, b)) * face[axis];
  return sum;
}

InterfaceFaces count_interface_faces(const Grid& grid, Vec labels, int materials) {
  InterfaceFaces r;
  r.materials = materials;
  const auto m = static_cast<std::size_t>(materials);
  std::array<std::vector<std::int64_t>, 3> local;
  for (auto& f : local) f.assign(m * m, 0);
  DM dm = grid.scalar_dm();
  Vec loc = nullptr;
  NAVOX_CALL(DMCreateLocalVector(dm, &loc)); // not the pool's: it would stay through the solves
  NAVOX_CALL(DMGlobalToLocalBegin(dm, labels, INSERT_VALUES, loc));
  NAVOX_CALL(DMGlobalToLocalEnd(dm, labels, INSERT_VALUES, loc));
  const PetscScalar*** v = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(dm, loc, &v));
  const Box b = grid.owned();
  const auto& n = grid.spec().dims;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const int self = static_cast<int>(PetscRealPart(v[k][j][i]));
        // The +x, +y, +z neighbours: the face belongs to this voxel's rank.
        const std::int64_t nb[3][3] = {{i + 1, j, k}, {i, j + 1, k}, {i, j, k + 1}};
        for (int axis = 0; axis < 3; ++axis) {
          if (nb[axis][axis] >= n[axis]) continue;
          const int other = static_cast<int>(PetscRealPart(v[nb[axis][2]][nb[axis][1]][nb[axis][0]]));
          if (other == self) continue;
          const int lo = std::min(self, other), hi = std::max(self, other);
          ++local[axis][static_cast<std::size_t>(lo * materials + hi)];
        }
      }
  NAVOX_CALL(DMDAVecRestoreArrayRead(dm, loc, &v));
  NAVOX_CALL(VecDestroy(&loc));
  for (int axis = 0; axis < 3; ++axis) {
    r.faces[axis].assign(m * m, 0);
    MPI_Allreduce(local[axis].data(), r.faces[axis].data(), static_cast<int>(m * m), MPI_INT64_T, MPI_SUM,
                  grid.comm());
  }
  return r;
}

} // namespace navox
