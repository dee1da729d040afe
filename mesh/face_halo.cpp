#include "mesh/face_halo.hpp"

#include "mesh/error.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace navox {

namespace {

/// The ghosted box of a block: one layer more on each side, across periodic lateral
/// faces too, clipped at walls and at the bottom and top (the DMDA's rule, width 1).
Box ghosted(const Box& b, const GridSpec& spec) {
  Box g;
  for (int d = 0; d < 3; ++d) {
    const bool wrap = d < 2 && spec.periodic_lateral;
    const std::int64_t lo = wrap ? b.lo[d] - 1 : std::max<std::int64_t>(b.lo[d] - 1, 0);
    const std::int64_t hi = wrap ? b.hi(d) + 1 : std::min<std::int64_t>(b.hi(d) + 1, spec.dims[d]);
    g.lo[d] = lo;
    g.n[d] = hi - lo;
  }
  return g;
}

} // namespace

FaceHalo::FaceHalo(const Grid& grid) { build(grid, nullptr); }

FaceHalo::FaceHalo(const Grid& grid, const std::vector<std::uint8_t>& keep) { build(grid, &keep); }

void FaceHalo::build(const Grid& grid, const std::vector<std::uint8_t>* keep) {
  const GridSpec& spec = grid.spec();
  const auto& blocks = grid.blocks();
  const Box me = grid.owned(), mine = ghosted(me, spec);
  {
    PetscInt x = 0, y = 0, z = 0, m = 0, n = 0, p = 0;
    NAVOX_CALL(DMDAGetGhostCorners(grid.scalar_dm(), &x, &y, &z, &m, &n, &p));
    if (x != mine.lo[0] || y != mine.lo[1] || z != mine.lo[2] || m != mine.n[0] || n != mine.n[1] || p != mine.n[2])
      throw Error("FaceHalo: the scalar DM's ghosted box is not the one expected (stencil width 1)");
  }
  size_ = mine.size();
  box_ = mine;
  if (keep && keep->size() != static_cast<std::size_t>(size_))
    throw Error("FaceHalo: the mask of ghosts to keep is not one value per ghosted voxel");
  // Leaves: the face ghosts (one coordinate outside the block, the others inside).
  std::vector<PetscInt> leaves;
  std::vector<PetscSFNode> roots;
  std::vector<Box> boxes(blocks.size());
  for (std::size_t r = 0; r < blocks.size(); ++r) boxes[r] = ghosted(blocks[r], spec);
  for (auto k = mine.lo[2]; k < mine.hi(2); ++k)
    for (auto j = mine.lo[1]; j < mine.hi(1); ++j)
      for (auto i = mine.lo[0]; i < mine.hi(0); ++i) {
        const std::array<std::int64_t, 3> c{i, j, k};
        int outside = 0;
        for (int d = 0; d < 3; ++d) outside += (c[d] < me.lo[d] || c[d] >= me.hi(d)) ? 1 : 0;
        if (outside != 1 || (keep && !(*keep)[static_cast<std::size_t>(mine.offset(i, j, k))])) continue;
        std::array<std::int64_t, 3> w = c; // the owner's coordinates: lateral ones wrapped
        for (int d = 0; d < 2; ++d) w[d] = (w[d] % spec.dims[d] + spec.dims[d]) % spec.dims[d];
        const int r = grid.owner(w[0], w[1], w[2]);
        leaves.push_back(static_cast<PetscInt>(mine.offset(i, j, k)));
        roots.push_back({r, static_cast<PetscInt>(boxes[static_cast<std::size_t>(r)].offset(w[0], w[1], w[2]))});
      }
  NAVOX_CALL(PetscSFCreate(grid.comm(), &sf_));
  NAVOX_CALL(PetscSFSetGraph(sf_, static_cast<PetscInt>(size_), static_cast<PetscInt>(leaves.size()), leaves.data(),
                             PETSC_COPY_VALUES, roots.data(), PETSC_COPY_VALUES));
  NAVOX_CALL(PetscSFSetUp(sf_));
  ghosts_ = leaves;
  MPI_Type_contiguous(2, MPI_DOUBLE, &pair_);
  MPI_Type_commit(&pair_);
}

FaceHalo::~FaceHalo() {
  if (sf_) (void)PetscSFDestroy(&sf_);
  if (pair_ != MPI_DATATYPE_NULL) MPI_Type_free(&pair_);
}

void FaceHalo::fill(double* ghosted, int width) const {
  const MPI_Datatype unit = width == 2 ? pair_ : MPI_DOUBLE;
  NAVOX_CALL(PetscSFBcastBegin(sf_, unit, ghosted, ghosted, MPI_REPLACE));
  NAVOX_CALL(PetscSFBcastEnd(sf_, unit, ghosted, ghosted, MPI_REPLACE));
}

void FaceHalo::add_to_owners(double* ghosted) const {
  NAVOX_CALL(PetscSFReduceBegin(sf_, MPI_DOUBLE, ghosted, ghosted, MPI_SUM));
  NAVOX_CALL(PetscSFReduceEnd(sf_, MPI_DOUBLE, ghosted, ghosted, MPI_SUM));
}

} // namespace navox
