// FaceHalo (mesh/face_halo.hpp) against PETSc's own ghost exchange: after fill() every
// face ghost holds what DMGlobalToLocal puts there (periodic wrap laterally, walls
// clipped), for one and two values per voxel; add_to_owners() adds the face ghosts
// into their owners as DMLocalToGlobal(ADD_VALUES) does. A halo over a subset of the
// face ghosts moves those only, in both directions. Ranks split along x, y and z.
#include "mesh/error.hpp"
#include "mesh/face_halo.hpp"
#include "mesh/grid.hpp"
#include "support/partitions.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

double tag(std::int64_t i, std::int64_t j, std::int64_t k) { return double(i + 1000 * j + 1000000 * k) + 0.25; }

/// A 7 x 6 x 9 grid, odd and even sizes so that no split is symmetric.
navox::GridSpec small_grid(bool periodic, std::array<int, 3> processors) {
  navox::GridSpec spec;
  spec.dims = {7, 6, 9};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  spec.periodic_lateral = periodic;
  spec.processors = processors;
  return spec;
}

void check(bool periodic, std::array<int, 3> processors) {
  const navox::GridSpec spec = small_grid(periodic, processors);
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

// The halo kept to the face ghosts of voxels with i + j + k even (wrapped coordinates,
// so owner and ghost agree): those get their owner's value and add into it, the others
// keep what they held and add nothing.
void check_subset(bool periodic, std::array<int, 3> processors) {
  const navox::GridSpec spec = small_grid(periodic, processors);
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi"});
  const navox::FaceHalo all(grid);
  const navox::Box gb = all.box(), b = grid.owned();
  auto wrap = [&](std::int64_t v, int d) { return (v % spec.dims[d] + spec.dims[d]) % spec.dims[d]; };
  auto kept = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return (wrap(i, 0) + wrap(j, 1) + k) % 2 == 0; };
  std::vector<std::uint8_t> keep(static_cast<std::size_t>(all.size()), 0);
  for (auto k = gb.lo[2]; k < gb.hi(2); ++k)
    for (auto j = gb.lo[1]; j < gb.hi(1); ++j)
      for (auto i = gb.lo[0]; i < gb.hi(0); ++i) keep[static_cast<std::size_t>(gb.offset(i, j, k))] = kept(i, j, k);
  const navox::FaceHalo some(grid, keep);
  EXPECT_THROW(navox::FaceHalo(grid, std::vector<std::uint8_t>(3, 1)), navox::Error);
  std::size_t expected_ghosts = 0;
  for (const PetscInt g : all.ghosts()) expected_ghosts += keep[static_cast<std::size_t>(g)];
  EXPECT_EQ(some.ghosts().size(), expected_ghosts);
  std::vector<double> v(static_cast<std::size_t>(all.size()), -1.0), sum(v.size(), 0.0);
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) v[static_cast<std::size_t>(gb.offset(i, j, k))] = tag(i, j, k);
  some.fill(v.data());
  for (const PetscInt g : all.ghosts()) {
    const auto c = gb.voxel(g);
    EXPECT_EQ(v[static_cast<std::size_t>(g)], kept(c[0], c[1], c[2]) ? tag(wrap(c[0], 0), wrap(c[1], 1), c[2]) : -1.0)
        << c[0] << " " << c[1] << " " << c[2];
  }
  // Adding: each face ghost holds 1; an owned voxel gains one per kept ghost copy of it.
  for (const PetscInt g : all.ghosts()) sum[static_cast<std::size_t>(g)] = 1.0;
  some.add_to_owners(sum.data());
  std::vector<double> count(sum.size(), 0.0);
  for (const PetscInt g : all.ghosts()) count[static_cast<std::size_t>(g)] = keep[static_cast<std::size_t>(g)] ? 1.0 : 0.0;
  all.add_to_owners(count.data());
  double total = 0;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const auto o = static_cast<std::size_t>(gb.offset(i, j, k));
        ASSERT_EQ(sum[o], count[o]) << i << " " << j << " " << k;
        if (sum[o] > 0) {
          EXPECT_TRUE(kept(i, j, k)) << i << " " << j << " " << k;
        }
        total += sum[o];
      }
  double any = 0;
  MPI_Allreduce(&total, &any, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  if (grid.size() > 1 || periodic) {
    EXPECT_GT(any, 0);
  }
}

/// f(periodic, processors) for walls and periodic sides, each with PETSc's split and the
/// ranks all along x, y and z.
template <class F> void each_layout(F&& f) {
  for (bool periodic : {false, true}) {
    f(periodic, std::array<int, 3>{-1, -1, -1});
    for (const auto& split : navox::test::axis_splits()) f(periodic, split);
  }
}

TEST(FaceHalo, SubsetMovesOnlyTheKeptGhosts) { each_layout(check_subset); }

TEST(FaceHalo, MatchesDMDAExchangeSplitAlongEachAxis) { each_layout(check); }

} // namespace
