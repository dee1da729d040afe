// Electrode faces are stored only where they exist (IonicPotential::faces() with
// electrode_slots() and face_at), and a State's block arrays over them are
// snapshotted by their entries while checkpoints see whole blocks (State::block,
// set_block, saved_block). On 1, 2 and 4 ranks and with the ranks split along x,
// y and z: the set of faces and every value by global index are the same.
#include "mesh/block_access.hpp"
#include "mesh/error.hpp"
#include "mesh/grid.hpp"
#include "mesh/stencil.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/time/state.hpp"
#include "support/blocking_al.hpp"
#include "support/partitions.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

constexpr std::int64_t kNx = 8, kNy = 6, kNz = 6;

/// SE below z = 2; at z = 2 a pore gap bridged by a 2 x 2 CC pillar; CC above, with
/// one SE voxel inside it at (5, 2, 4) (six electrode faces on one voxel).
double label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k < 2) return 0;
  if (i == 5 && j == 2 && k == 4) return 0;
  if (k > 2) return 1;
  return (i >= 3 && i <= 4 && j >= 2 && j <= 3) ? 1 : 2;
}

/// A value per face, from its global index alone (the same on any partition).
double face_value(std::int64_t i, std::int64_t j, std::int64_t k, int face) {
  return 1.0 + double(((k * kNy + j) * kNx + i) * 6 + face);
}

class ElectrodeFaceStorage : public ::testing::TestWithParam<std::array<int, 3>> {};

TEST_P(ElectrodeFaceStorage, OnlyElectrodeFacesAreStoredAndBlocksSeeThemWhole) {
  navox::GridSpec spec;
  spec.dims = {kNx, kNy, kNz};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  spec.periodic_lateral = true;
  if (!navox::test::takes_split(GetParam(), spec)) GTEST_SKIP() << "split for another rank count";
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi"});
  const navox::MaterialTable mats = navox::test::nbh_and_blocking_al(true);
  Vec labels = navox::test::voxel_field(grid, label);
  {
    navox::IonicPotential ionic(grid, labels, mats);
    auto& faces = ionic.faces();
    const auto& slots = ionic.electrode_slots();
    ASSERT_EQ(faces.size(), slots.size());
    for (std::size_t n = 1; n < slots.size(); ++n) EXPECT_LT(slots[n - 1], slots[n]) << "slots ascend";

    // Exactly the SE|non-SE faces (walls and the counter electrode excluded) are stored,
    // and face_at finds each one's element.
    const navox::Box b = grid.owned();
    long local = 0, mismatched = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i)
          for (int face = 0; face < 6; ++face) {
            std::int64_t ni = i + navox::kFaceOffset[face][0], nj = j + navox::kFaceOffset[face][1],
                         nk = k + navox::kFaceOffset[face][2];
            ni = (ni + kNx) % kNx;
            nj = (nj + kNy) % kNy;
            const bool electrode = label(i, j, k) == 0 && nk >= 0 && nk < kNz && label(ni, nj, nk) != 0;
            const navox::ElectrodeFace* f = ionic.face_at(i, j, k, face);
            if (electrode != (f != nullptr)) ++mismatched;
            if (!f) continue;
            ++local;
            const std::size_t n = static_cast<std::size_t>(f - faces.data());
            EXPECT_EQ(slots[n], static_cast<std::size_t>(b.offset(i, j, k)) * 6 + static_cast<std::size_t>(face));
            EXPECT_EQ(ionic.face_number(i, j, k, face), n);
          }
    EXPECT_EQ(mismatched, 0) << "face_at is non-null exactly on SE|non-SE faces";
    long global = 0;
    MPI_Allreduce(&local, &global, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(global, kNx * kNy + 6) << "the SE's top surface and the six faces of the SE voxel in the CC";
    long stored = static_cast<long>(faces.size());
    MPI_Allreduce(MPI_IN_PLACE, &stored, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(stored, global) << "no face stored that is no electrode face";

    // A member block over the faces, a dense block and a cell field in one State.
    navox::State state(grid);
    state.add_block("eta_old", navox::State::member_block(6, faces, &navox::ElectrodeFace::eta_old, slots));
    std::vector<double> dense(static_cast<std::size_t>(b.size()), 0.0);
    state.add_block("dense", {1, nullptr, [&](std::vector<double>& out) { out = dense; },
                              [&](const std::vector<double>& in) { dense = in; }});
    Vec field = state.add_field("phi", grid.scalar_dm());
    for (std::size_t n = 0; n < faces.size(); ++n) {
      const auto v = b.voxel(static_cast<std::int64_t>(slots[n] / 6));
      faces[n].eta_old = face_value(v[0], v[1], v[2], int(slots[n] % 6));
    }
    for (std::size_t v = 0; v < dense.size(); ++v) dense[v] = 0.5 + double(v);
    VecSet(field, 2.0);

    // The whole block: each face's value at owned offset * 6 + face, 0 on the others.
    const std::vector<double> whole = state.block("eta_old");
    ASSERT_EQ(whole.size(), static_cast<std::size_t>(b.size()) * 6);
    std::size_t at_slots = 0;
    for (std::size_t p = 0; p < whole.size(); ++p) {
      const auto v = b.voxel(static_cast<std::int64_t>(p / 6));
      if (ionic.face_at(v[0], v[1], v[2], int(p % 6))) {
        EXPECT_EQ(whole[p], face_value(v[0], v[1], v[2], int(p % 6)));
        ++at_slots;
      } else {
        EXPECT_EQ(whole[p], 0.0);
      }
    }
    EXPECT_EQ(at_slots, faces.size());

    // Snapshot, change everything, read the snapshot whole, restore.
    state.save("restart");
    for (auto& f : faces) f.eta_old = -1;
    std::fill(dense.begin(), dense.end(), 7.0);
    VecSet(field, 3.0);
    EXPECT_EQ(state.saved_block("restart", "eta_old"), whole);
    EXPECT_EQ(state.saved_block("restart", "phi"), std::vector<double>(static_cast<std::size_t>(b.size()), 2.0));
    EXPECT_EQ(state.block("dense"), dense);
    state.restore("restart");
    EXPECT_EQ(state.block("eta_old"), whole);
    EXPECT_EQ(dense[0], 0.5);
    EXPECT_EQ(navox::scalar_block(grid, field), std::vector<double>(static_cast<std::size_t>(b.size()), 2.0));

    // A whole block written back (a checkpoint read): the faces take their entries; the
    // other places are not written.
    std::vector<double> in(whole.size(), 9.0);
    state.set_block("eta_old", in);
    for (const auto& f : faces) EXPECT_EQ(f.eta_old, 9.0);
    const std::vector<double> again = state.block("eta_old");
    for (std::size_t p = 0; p < again.size(); ++p) {
      const auto v = b.voxel(static_cast<std::int64_t>(p / 6));
      EXPECT_EQ(again[p], ionic.face_at(v[0], v[1], v[2], int(p % 6)) ? 9.0 : 0.0);
    }
    EXPECT_THROW(state.restore("never saved"), navox::Error);
    EXPECT_THROW(state.saved_block("never saved", "eta_old"), navox::Error);
    EXPECT_THROW(state.set_block("eta_old", std::vector<double>(3, 0.0)), navox::Error);
  }
  VecDestroy(&labels);
}

INSTANTIATE_TEST_SUITE_P(Splits, ElectrodeFaceStorage,
                         ::testing::ValuesIn(navox::test::splits_1_2_4()));

} // namespace
