// FaceHalo (mesh/face_halo.hpp) against PETSc's own ghost exchange: after fill() every
// face ghost holds what DMGlobalToLocal puts there (periodic wrap laterally, walls
// clipped), for one and two values per voxel; add_to_owners() adds the face ghosts
// into their owners as DMLocalToGlobal(ADD_VALUES) does. Ranks split along x, y and z.
#include "mesh/face_halo.hpp"
#include "mesh/grid.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <vector>

namespace {

double tag(std::int64_t i, std::int64_t j, std::int64_t k) { return double(i + 1000 * j + 1000000 * k) + 0.25; }

void check(bool periodic, std::array<int, 3> processors) {
  navox::GridSpec spec;
  spec.dims = {7, 6, 9};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  spec.periodic_lateral = periodic;
  spec.processors = processors;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi"});
  navox::FaceHalo halo(grid);
  DM dm = grid.scalar_dm();
  PetscInt x, y, z, m, n, p;
  ASSERT_EQ(DMDAGetGhostCorners(dm, &x, &y, &z, &m, &n, &p), 0);
  ASSERT_EQ(halo.size(), m * n * p);
  const navox::Box b = grid.owned();
  auto owned = [&](PetscInt i, PetscInt j, PetscInt k) { return b.contains(i, j, k); };
  auto face_ghost = [&](PetscInt i, PetscInt j, PetscInt k) {
    const int out = (i < b.lo[0] || i >= b.hi(0)) + (j < b.lo[1] || j >= b.hi(1)) + (k < b.lo[2] || k >= b.hi(2));
    return out == 1;
  };
  // PETSc's exchange of the tags.
  Vec global = nullptr, local = nullptr;
  DMCreateGlobalVector(dm, &global);
  DMCreateLocalVector(dm, &local);
  {
    PetscScalar* a = nullptr;
    VecGetArray(global, &a);
    std::int64_t o = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) a[o++] = tag(i, j, k);
    VecRestoreArray(global, &a);
  }
  DMGlobalToLocalBegin(dm, global, INSERT_VALUES, local);
  DMGlobalToLocalEnd(dm, global, INSERT_VALUES, local);
  const PetscScalar* expected = nullptr;
  VecGetArrayRead(local, &expected);
  // The halo's: owned values set, ghosts -1 before the fill.
  std::vector<double> one(static_cast<std::size_t>(halo.size()), -1.0), two(2 * one.size(), -1.0);
  std::size_t g = 0;
  for (PetscInt k = z; k < z + p; ++k)
    for (PetscInt j = y; j < y + n; ++j)
      for (PetscInt i = x; i < x + m; ++i, ++g)
        if (owned(i, j, k)) {
          one[g] = tag(i, j, k);
          two[2 * g] = tag(i, j, k);
          two[2 * g + 1] = -tag(i, j, k);
        }
  halo.fill(one.data());
  halo.fill(two.data(), 2);
  g = 0;
  int faces = 0;
  for (PetscInt k = z; k < z + p; ++k)
    for (PetscInt j = y; j < y + n; ++j)
      for (PetscInt i = x; i < x + m; ++i, ++g) {
        if (owned(i, j, k) || face_ghost(i, j, k)) {
          faces += face_ghost(i, j, k);
          ASSERT_EQ(one[g], expected[g]) << i << " " << j << " " << k;
          ASSERT_EQ(two[2 * g], expected[g]);
          ASSERT_EQ(two[2 * g + 1], -expected[g]);
        } else {
          ASSERT_EQ(one[g], -1.0); // edges and corners are left alone
        }
      }
  VecRestoreArrayRead(local, &expected);
  int any = 0;
  MPI_Allreduce(&faces, &any, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (grid.size() > 1 || periodic) {
    EXPECT_GT(any, 0);
  }

  // Adding: every face ghost and owned voxel holds 1 + its tag / 1e7; edges and corners 0.
  g = 0;
  for (PetscInt k = z; k < z + p; ++k)
    for (PetscInt j = y; j < y + n; ++j)
      for (PetscInt i = x; i < x + m; ++i, ++g)
        one[g] = owned(i, j, k) || face_ghost(i, j, k) ? 1.0 + double(i + j + k) : 0.0;
  {
    PetscScalar* a = nullptr;
    VecGetArray(local, &a);
    for (std::size_t q = 0; q < one.size(); ++q) a[q] = one[q];
    VecRestoreArray(local, &a);
  }
  VecSet(global, 0.0);
  DMLocalToGlobalBegin(dm, local, ADD_VALUES, global);
  DMLocalToGlobalEnd(dm, local, ADD_VALUES, global);
  halo.add_to_owners(one.data());
  const PetscScalar* sum = nullptr;
  VecGetArrayRead(global, &sum);
  std::int64_t o = 0;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i, ++o)
        ASSERT_DOUBLE_EQ(one[static_cast<std::size_t>(((k - z) * n + (j - y)) * m + (i - x))], sum[o])
            << i << " " << j << " " << k;
  VecRestoreArrayRead(global, &sum);
  VecDestroy(&local);
  VecDestroy(&global);
}

TEST(FaceHalo, MatchesDMDAExchangeSplitAlongEachAxis) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (bool periodic : {false, true}) {
    check(periodic, {-1, -1, -1});
    check(periodic, {size, 1, 1});
    check(periodic, {1, size, 1});
    check(periodic, {1, 1, size});
  }
}

} // namespace
