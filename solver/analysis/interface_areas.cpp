#include "solver/analysis/interface_areas.hpp"

#include "mesh/face_halo.hpp"

#include <petscvec.h>

#include <algorithm>
#include <utility>
#include <vector>

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
  // The face ghosts are all the count reads: a FaceHalo moves only them (the DM's ghost
  // exchange would set up its scatter of the whole grid, kept through the solves).
  const Box b = grid.owned();
  const FaceHalo halo(grid);
  const Box& gb = halo.box();
  std::vector<double> ghosted(static_cast<std::size_t>(halo.size()));
  {
    const PetscScalar* own = nullptr;
    NAVOX_CALL(VecGetArrayRead(labels, &own)); // owned values in block order
    for (std::int64_t o = 0; o < b.size(); ++o) {
      const auto c = b.voxel(o);
      ghosted[static_cast<std::size_t>(gb.offset(c[0], c[1], c[2]))] = own[o];
    }
    NAVOX_CALL(VecRestoreArrayRead(labels, &own));
  }
  halo.fill(ghosted.data());
  auto label = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    return static_cast<int>(ghosted[static_cast<std::size_t>(gb.offset(i, j, k))]);
  };
  const auto& n = grid.spec().dims;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const int self = label(i, j, k);
        // The +x, +y, +z neighbours: the face belongs to this voxel's rank.
        const std::int64_t nb[3][3] = {{i + 1, j, k}, {i, j + 1, k}, {i, j, k + 1}};
        for (int axis = 0; axis < 3; ++axis) {
          if (nb[axis][axis] >= n[axis]) continue;
          const int other = label(nb[axis][0], nb[axis][1], nb[axis][2]);
          if (other == self) continue;
          const int lo = std::min(self, other), hi = std::max(self, other);
          ++local[axis][static_cast<std::size_t>(lo * materials + hi)];
        }
      }
  for (int axis = 0; axis < 3; ++axis) {
    r.faces[axis].assign(m * m, 0);
    MPI_Allreduce(local[axis].data(), r.faces[axis].data(), static_cast<int>(m * m), MPI_INT64_T, MPI_SUM,
                  grid.comm());
  }
  return r;
}

} // namespace navox
