// Interface areas and chord lengths on the distributed grid: exact for hand-built
// geometries, equal to a serial whole-volume count for irregular ones (so the same
// on 1, 2 and 4 ranks), and the SE|CC contact of a generated interface layer is its
// target to within one voxel column.
#include "io/sources/interface_generator.hpp"
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "solver/analysis/chord_lengths.hpp"
#include "solver/analysis/interface_areas.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <functional>

namespace {

using Label = std::function<int(std::int64_t, std::int64_t, std::int64_t)>;

/// Material labels of `label` on the grid; the caller destroys the Vec.
Vec labels_vec(const navox::Grid& grid, const Label& label) {
  return navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return double(label(i, j, k)); });
}

std::vector<char> owned_mask(const navox::Grid& grid, const Label& label, int phase) {
  const navox::Box b = grid.owned();
  std::vector<char> m(b.size());
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) m[b.offset(i, j, k)] = label(i, j, k) == phase;
  return m;
}

/// Serial reference: chords of `phase` along `axis` over the whole volume.
std::vector<std::int64_t> serial_chords(const std::array<std::int64_t, 3>& d, const Label& label, int phase, int axis) {
  std::vector<std::int64_t> h(static_cast<std::size_t>(d[axis] + 1), 0);
  const int p = (axis + 1) % 3, q = (axis + 2) % 3;
  std::array<std::int64_t, 3> x{};
  for (x[q] = 0; x[q] < d[q]; ++x[q])
    for (x[p] = 0; x[p] < d[p]; ++x[p]) {
      std::int64_t run = 0;
      for (x[axis] = 0; x[axis] <= d[axis]; ++x[axis]) {
        if (x[axis] < d[axis] && label(x[0], x[1], x[2]) == phase) {
          ++run;
        } else {
          if (run > 0) ++h[static_cast<std::size_t>(run)];
          run = 0;
        }
      }
    }
  return h;
}

navox::Grid make_grid(std::array<std::int64_t, 3> dims, std::array<double, 3> h) {
  navox::GridSpec spec;
  spec.dims = dims;
  spec.spacing = h;
  return navox::Grid(MPI_COMM_WORLD, spec, {"potential"});
}

TEST(InterfaceAreas, CubeOfPoreInSeIsExact) {
  constexpr int kSe = 0, kPore = 1;
  const std::array<double, 3> h{1e-6, 2e-6, 0.5e-6};
  navox::Grid grid = make_grid({12, 10, 14}, h);
  const std::int64_t n = 5;
  Label cube = [&](auto i, auto j, auto k) {
    return (i >= 3 && i < 3 + n && j >= 2 && j < 2 + n && k >= 6 && k < 6 + n) ? kPore : kSe;
  };
  Vec l = labels_vec(grid, cube);
  const navox::InterfaceFaces f = navox::count_interface_faces(grid, l, 2);
  for (int axis = 0; axis < 3; ++axis) EXPECT_EQ(f.count(axis, kSe, kPore), 2 * n * n) << "axis " << axis;
  EXPECT_EQ(f.count(2, kPore, kSe), 2 * n * n); // either order
  const double exact = 2.0 * n * n * (h[1] * h[2] + h[0] * h[2] + h[0] * h[1]); // 6 n^2 h^2 when isotropic
  EXPECT_DOUBLE_EQ(f.area(kSe, kPore, h), exact);
  VecDestroy(&l);
}

TEST(InterfaceAreas, IrregularLabelsMatchTheSerialCount) {
  const std::array<std::int64_t, 3> d{13, 11, 17};
  navox::Grid grid = make_grid(d, {1e-6, 1e-6, 1e-6});
  Label mixed = [](auto i, auto j, auto k) { return int((i * 7 + j * 3 + k * k + i * j) % 5 % 3); };
  Vec l = labels_vec(grid, mixed);
  const navox::InterfaceFaces f = navox::count_interface_faces(grid, l, 3);
  for (int axis = 0; axis < 3; ++axis)
    for (int a = 0; a < 3; ++a)
      for (int b = a + 1; b < 3; ++b) {
        std::int64_t serial = 0;
        for (std::int64_t k = 0; k < d[2]; ++k)
          for (std::int64_t j = 0; j < d[1]; ++j)
            for (std::int64_t i = 0; i < d[0]; ++i) {
              std::array<std::int64_t, 3> o{i, j, k};
              if (++o[axis] >= d[axis]) continue;
              const int x = mixed(i, j, k), y = mixed(o[0], o[1], o[2]);
              serial += (x == a && y == b) || (x == b && y == a);
            }
        EXPECT_EQ(f.count(axis, a, b), serial) << "axis " << axis << " pair " << a << "," << b;
      }
  VecDestroy(&l);
}

TEST(ChordLengths, SlabIsExact) {
  const std::array<std::int64_t, 3> d{8, 6, 13};
  navox::Grid grid = make_grid(d, {1e-6, 1e-6, 0.5e-6});
  Label slab = [](auto, auto, auto k) { return k >= 3 && k < 8 ? 1 : 0; }; // 5 voxels thick in z
  const navox::ChordLengths c = navox::chord_lengths(grid, owned_mask(grid, slab, 1));
  EXPECT_EQ(c.counts[2][5], 8 * 6);
  EXPECT_EQ(c.chords(2), 8 * 6);
  EXPECT_EQ(c.counts[0][8], 6 * 5);
  EXPECT_EQ(c.chords(0), 6 * 5);
  EXPECT_EQ(c.counts[1][6], 8 * 5);
  EXPECT_EQ(c.chords(1), 8 * 5);
  EXPECT_DOUBLE_EQ(c.mean_length(2, 0.5e-6), 2.5e-6);
}

TEST(ChordLengths, IrregularPhaseMatchesTheSerialCount) {
  const std::array<std::int64_t, 3> d{19, 14, 23};
  navox::Grid grid = make_grid(d, {1e-6, 1e-6, 1e-6});
  // Long runs that cross rank blocks, lines that are all phase, and single voxels.
  Label phase = [](auto i, auto j, auto k) { return (j == 3 || (i * 5 + j * 11 + k * 3) % 13 < 9) ? 1 : 0; };
  const navox::ChordLengths c = navox::chord_lengths(grid, owned_mask(grid, phase, 1));
  for (int axis = 0; axis < 3; ++axis) EXPECT_EQ(c.counts[axis], serial_chords(d, phase, 1, axis)) << "axis " << axis;
}

TEST(InterfaceAreas, GeneratedFoilContactIsItsTarget) {
  constexpr int kSe = 0, kCc = 1, kPore = 2;
  navox::io::InterfaceSpec s;
  const auto foil = navox::io::interface_preset("Al_foil");
  s.dims = {40, 32, 0};
  s.spacing = {0.25e-6, 0.25e-6, 0.25e-6};
  s.gap = foil->gap;
  s.contact_fraction = 0.15;
  s.asperity_size = foil->asperity_size;
  s.correlation_length = foil->correlation_length;
  s.seed = 3;
  s.se_material = kSe, s.cc_material = kCc, s.pore_material = kPore;
  s.dims[2] = navox::io::default_interface_thickness(s);
  const auto layer = navox::io::interface_layer(s);
  navox::Grid grid = make_grid(s.dims, s.spacing);
  const std::vector<int> owned = layer->labels(grid.owned());
  Vec l;
  DMCreateGlobalVector(grid.scalar_dm(), &l);
  navox::set_scalar_block(grid, l, std::vector<double>(owned.begin(), owned.end()));
  const navox::InterfaceFaces f = navox::count_interface_faces(grid, l, 3);
  const double columns = 40.0 * 32.0;
  EXPECT_EQ(f.count(2, kSe, kCc), std::llround(0.15 * columns)); // 192 columns
  EXPECT_EQ(f.count(0, kSe, kCc) + f.count(1, kSe, kCc), 0);     // a flat SE touches only from above
  if (grid.rank() == 0)
    std::printf("foil contact on %d ranks: %lld of %.0f columns (target 0.15)\n", grid.size(),
                (long long)f.count(2, kSe, kCc), columns);
  VecDestroy(&l);
}

} // namespace
