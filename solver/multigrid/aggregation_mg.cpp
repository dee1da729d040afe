#include "solver/multigrid/aggregation_mg.hpp"

#include "solver/multigrid/aggregate_interpolation.hpp"

#include "mesh/collective.hpp"
#include "mesh/disjoint_sets.hpp"
#include "mesh/preallocated_aij.hpp"
#include "mesh/row_gather.hpp"

#include <algorithm>
#include <array>

namespace navox {

namespace {

/// Gauss-Seidel sweeps before and after each coarse correction: two cost about
/// as much as the iterations they save against one, and keep the count flatter.
constexpr PetscInt kSweeps = 2;

/// Flexible CG iterations of each coarse solve (K-cycle; Notay and Vassilevski 2008).
constexpr PetscInt kCoarseIterations = 2;

/// Galerkin products of piecewise-constant aggregation are twice the rediscretised operator (see the header).
constexpr double kCoarseScale = 0.5;

/// P^T A P, computed once: what a numeric recomputation would reuse is freed.
Mat galerkin_product(Mat A, Mat P) {
  Mat C = nullptr;
  NAVOX_CALL(MatProductCreate(A, P, nullptr, &C));
  NAVOX_CALL(MatProductSetType(C, MATPRODUCT_PtAP));
  NAVOX_CALL(MatProductSetFill(C, PETSC_DEFAULT));
  NAVOX_CALL(MatProductSetFromOptions(C));
  NAVOX_CALL(MatProductSymbolic(C));
  NAVOX_CALL(MatProductNumeric(C));
  NAVOX_CALL(MatProductClear(C));
  return C;
}

/// P^T A P by rows, for an operator that has rows but no AIJ storage (a matrix-free fine
/// level): each coarse row sums the rows of its aggregate, column by column, in the
/// order of the fine rows. Transient memory: a coarse row's entries, and the aggregate
/// of each off-rank column (exchanged once).
Mat galerkin_by_rows(Mat A, const std::vector<PetscInt>& of, PetscInt coarse_rows) {
  MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(A));
  PetscInt first = 0, end = 0;
  NAVOX_CALL(MatGetOwnershipRange(A, &first, &end));
  const PetscInt rows = end - first;
  const auto coarse_first = static_cast<PetscInt>(lower_ranks_sum(comm, coarse_rows));
  auto for_row = [&](PetscInt r, auto&& f) {
    PetscInt count = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* vals = nullptr;
    NAVOX_CALL(MatGetRow(A, first + r, &count, &cols, &vals));
    for (PetscInt e = 0; e < count; ++e) f(cols[e], vals[e]);
    NAVOX_CALL(MatRestoreRow(A, first + r, &count, &cols, &vals));
  };
  // The coarse row of each off-rank column, from its owner.
  std::vector<PetscInt> off;
  for (PetscInt r = 0; r < rows; ++r)
    for_row(r, [&](PetscInt c, PetscScalar) {
      if (c < first || c >= end) off.push_back(c);
    });
  std::sort(off.begin(), off.end());
  off.erase(std::unique(off.begin(), off.end()), off.end());
  std::vector<PetscInt> off_coarse(off.size());
  {
    Vec owner = nullptr;
    NAVOX_CALL(MatCreateVecs(A, &owner, nullptr));
    try {
      PetscScalar* v = nullptr;
      NAVOX_CALL(VecGetArray(owner, &v));
      for (PetscInt r = 0; r < rows; ++r) v[r] = coarse_first + of[static_cast<std::size_t>(r)];
      NAVOX_CALL(VecRestoreArray(owner, &v));
      const RowGather gather(owner, off);
      NAVOX_CALL(gather.gather(owner));
      const PetscScalar* g = nullptr;
      NAVOX_CALL(VecGetArrayRead(gather.values(), &g));
      for (std::size_t i = 0; i < off.size(); ++i) off_coarse[i] = static_cast<PetscInt>(g[i]);
      NAVOX_CALL(VecRestoreArrayRead(gather.values(), &g));
    } catch (...) {
      (void)VecDestroy(&owner);
      throw;
    }
    NAVOX_CALL(VecDestroy(&owner));
  }
  auto coarse_of = [&](PetscInt c) {
    if (c >= first && c < end) return coarse_first + of[static_cast<std::size_t>(c - first)];
    return off_coarse[static_cast<std::size_t>(std::lower_bound(off.begin(), off.end(), c) - off.begin())];
  };
  // The fine rows of each aggregate (a counting sort), then each coarse row's entries.
  std::vector<PetscInt> start(static_cast<std::size_t>(coarse_rows) + 1, 0), members(static_cast<std::size_t>(rows));
  for (PetscInt a : of) ++start[static_cast<std::size_t>(a) + 1];
  for (std::size_t a = 0; a < static_cast<std::size_t>(coarse_rows); ++a) start[a + 1] += start[a];
  {
    std::vector<PetscInt> next(start.begin(), start.end() - 1);
    for (PetscInt r = 0; r < rows; ++r) members[static_cast<std::size_t>(next[static_cast<std::size_t>(of[static_cast<std::size_t>(r)])]++)] = r;
  }
  std::vector<PetscInt> row_start(1, 0), cols;
  std::vector<PetscScalar> vals;
  std::vector<PetscInt> diag_count(static_cast<std::size_t>(coarse_rows), 0), off_count(static_cast<std::size_t>(coarse_rows), 0);
  std::vector<std::pair<PetscInt, PetscScalar>> entries;
  for (PetscInt a = 0; a < coarse_rows; ++a) {
    entries.clear();
    for (PetscInt m = start[static_cast<std::size_t>(a)]; m < start[static_cast<std::size_t>(a) + 1]; ++m)
      for_row(members[static_cast<std::size_t>(m)], [&](PetscInt c, PetscScalar v) { entries.emplace_back(coarse_of(c), v); });
    // Stable: each column's values add in the order of the fine rows.
    std::stable_sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t e = 0; e < entries.size();) {
      const PetscInt c = entries[e].first;
      PetscScalar sum = 0;
      for (; e < entries.size() && entries[e].first == c; ++e) sum += entries[e].second;
      cols.push_back(c);
      vals.push_back(sum);
      ++(c >= coarse_first && c < coarse_first + coarse_rows ? diag_count : off_count)[static_cast<std::size_t>(a)];
    }
    row_start.push_back(static_cast<PetscInt>(cols.size()));
  }
  return preallocated_aij(comm, coarse_rows, diag_count.data(), off_count.data(), [&](Mat C) {
    for (PetscInt a = 0; a < coarse_rows; ++a) {
      const PetscInt row = coarse_first + a, b = row_start[static_cast<std::size_t>(a)];
      NAVOX_CALL(MatSetValues(C, 1, &row, row_start[static_cast<std::size_t>(a) + 1] - b, cols.data() + b, vals.data() + b,
                              INSERT_VALUES));
    }
  });
}

/// Rows numbered in block order: row r's cell is the r-th voxel with an unknown.
std::vector<std::int64_t> cells_of(const std::vector<PetscInt>& index) {
  std::vector<std::int64_t> cells;
  for (std::size_t v = 0; v < index.size(); ++v)
    if (index[v] >= 0) cells.push_back(static_cast<std::int64_t>(v));
  return cells;
}

} // namespace

AggregationMG::AggregationMG(const Grid& grid, const std::vector<PetscInt>& index, Mat A, bool keep_diagonal)
    : AggregationMG(grid.comm(), cells_of(index), grid.owned().n, A) {
  if (!keep_diagonal) NAVOX_CALL(VecDestroy(&fine_diagonal_));
}

AggregationMG::AggregationMG(MPI_Comm comm, std::vector<std::int64_t> cells, const std::array<std::int64_t, 3>& box,
                             Mat A, PetscInt coarsest)
    : comm_(comm) {
  std::array<std::int64_t, 3> n = box;
  try {
    Mat fine = A;
    for (;;) {
      PetscInt rows = 0, coarse_rows = 0;
      NAVOX_CALL(MatGetSize(fine, &rows, nullptr));
      if (rows <= coarsest) break;
      std::vector<PetscInt> of = aggregate(fine, cells, n);
      const auto mine = static_cast<PetscInt>(cells.size());
      MPI_Allreduce(&mine, &coarse_rows, 1, MPIU_INT, MPI_SUM, comm_);
      if (4 * coarse_rows > 3 * rows) break; // aggregation has stalled
      Mat C = nullptr;
      PetscBool shell = PETSC_FALSE;
      NAVOX_CALL(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(fine), MATSHELL, &shell));
      if (shell) {
        C = galerkin_by_rows(fine, of, mine); // a matrix-free level: its rows only
      } else {
        // The Galerkin product needs P as a matrix; the cycle needs only its products.
        Mat P = aggregate_interpolation_aij(comm_, of, mine);
        try {
          C = galerkin_product(fine, P);
        } catch (...) {
          (void)MatDestroy(&P);
          throw;
        }
        NAVOX_CALL(MatDestroy(&P));
      }
      ops_.push_back(C);
      NAVOX_CALL(MatScale(ops_.back(), kCoarseScale));
      interp_.push_back(aggregate_interpolation(comm_, std::move(of), mine));
      diagonals_.push_back(nullptr);
      NAVOX_CALL(MatCreateVecs(ops_.back(), &diagonals_.back(), nullptr));
      NAVOX_CALL(MatGetDiagonal(ops_.back(), diagonals_.back()));
      fine = ops_.back();
    }
    NAVOX_CALL(MatCreateVecs(A, &fine_diagonal_, nullptr));
    NAVOX_CALL(MatGetDiagonal(A, fine_diagonal_));
  } catch (...) {
    destroy();
    throw;
  }
}

std::vector<PetscInt> AggregationMG::aggregate(Mat fine, std::vector<std::int64_t>& cells, std::array<std::int64_t, 3>& n) const {
  const std::array<std::int64_t, 3> nc = {(n[0] + 1) / 2, (n[1] + 1) / 2, (n[2] + 1) / 2};
  auto parent = [&](std::int64_t cell) {
    const std::int64_t i = cell % n[0], j = cell / n[0] % n[1], k = cell / (n[0] * n[1]);
    return (k / 2 * nc[1] + j / 2) * nc[0] + i / 2;
  };
  PetscInt first = 0, end = 0;
  NAVOX_CALL(MatGetOwnershipRange(fine, &first, &end));
  const PetscInt rows = end - first;
  // Unknowns of one coarse cell that are connected inside it form one aggregate.
  DisjointSets sets(rows);
  for (PetscInt r = 0; r < rows; ++r) {
    PetscInt count = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* vals = nullptr;
    NAVOX_CALL(MatGetRow(fine, first + r, &count, &cols, &vals));
    const std::int64_t p = parent(cells[static_cast<std::size_t>(r)]);
    for (PetscInt e = 0; e < count; ++e) {
      const PetscInt c = cols[e] - first;
      if (c != r && c >= 0 && c < rows && vals[e] != 0.0 && parent(cells[static_cast<std::size_t>(c)]) == p)
        sets.unite(r, c);
    }
    NAVOX_CALL(MatRestoreRow(fine, first + r, &count, &cols, &vals));
  }
  std::vector<PetscInt> aggregate(static_cast<std::size_t>(rows), -1);
  std::vector<std::int64_t> coarse_cells;
  for (PetscInt r = 0; r < rows; ++r) {
    PetscInt& a = aggregate[static_cast<std::size_t>(sets.find(r))];
    if (a < 0) {
      a = static_cast<PetscInt>(coarse_cells.size());
      coarse_cells.push_back(parent(cells[static_cast<std::size_t>(r)]));
    }
  }
  for (PetscInt r = 0; r < rows; ++r) aggregate[static_cast<std::size_t>(r)] = aggregate[static_cast<std::size_t>(sets.find(r))];
  cells = std::move(coarse_cells);
  n = nc;
  return aggregate;
}

AggregationMG::~AggregationMG() { destroy(); }

void AggregationMG::destroy() {
  for (Mat& m : interp_) (void)MatDestroy(&m);
  for (Mat& m : ops_) (void)MatDestroy(&m);
  for (Vec& v : diagonals_) (void)VecDestroy(&v);
  (void)VecDestroy(&fine_diagonal_);
}

void AggregationMG::configure_level(PC pc, bool coarsest) {
  NAVOX_CALL(PCSetType(pc, PCMG));
  NAVOX_CALL(PCMGSetLevels(pc, 2, nullptr));
  NAVOX_CALL(PCMGSetGalerkin(pc, PC_MG_GALERKIN_NONE));
  // Forward Gauss-Seidel sweeps before the coarse correction and as many
  // backward sweeps after it keep the cycle symmetric. The sweeps before start
  // from zero, so they need no Krylov method: PCSOR applied once runs them all
  // (the same MatSOR call as Richardson's), and the work vectors a Richardson KSP
  // holds (two per level) are spared; the sweeps after start from the cycle's iterate.
  KSP down = nullptr, up = nullptr;
  NAVOX_CALL(PCMGGetSmootherDown(pc, 1, &down));
  NAVOX_CALL(PCMGGetSmootherUp(pc, 1, &up));
  PC sor = nullptr;
  NAVOX_CALL(KSPSetType(down, KSPPREONLY));
  NAVOX_CALL(KSPGetPC(down, &sor));
  NAVOX_CALL(PCSetType(sor, PCSOR));
  NAVOX_CALL(PCSORSetSymmetric(sor, SOR_LOCAL_FORWARD_SWEEP));
  NAVOX_CALL(PCSORSetIterations(sor, kSweeps, 1));
  NAVOX_CALL(KSPSetType(up, KSPRICHARDSON));
  NAVOX_CALL(KSPSetTolerances(up, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, kSweeps));
  NAVOX_CALL(KSPGetPC(up, &sor));
  NAVOX_CALL(PCSetType(sor, PCSOR));
  NAVOX_CALL(PCSORSetSymmetric(sor, SOR_LOCAL_BACKWARD_SWEEP));
  if (coarsest) return; // PCMG's default: a direct solve, redundant on every rank
  // K-cycle: the coarse problem gets a few flexible CG iterations, each
  // preconditioned by the same two-level cycle one level down.
  KSP solve = nullptr;
  NAVOX_CALL(PCMGGetCoarseSolve(pc, &solve));
  NAVOX_CALL(KSPSetType(solve, KSPFCG));
  NAVOX_CALL(KSPFCGSetMmax(solve, kCoarseIterations));
  NAVOX_CALL(KSPSetTolerances(solve, 0, 0, PETSC_DEFAULT, kCoarseIterations));
  NAVOX_CALL(KSPSetConvergenceTest(solve, KSPConvergedSkip, nullptr, nullptr));
  NAVOX_CALL(KSPSetNormType(solve, KSP_NORM_NONE));
}

void AggregationMG::configure(PC pc) const {
  if (interp_.empty()) {
    NAVOX_CALL(PCSetType(pc, PCMG));
    NAVOX_CALL(PCMGSetLevels(pc, 1, nullptr));
    return;
  }
  for (std::size_t l = 0; l < interp_.size(); ++l) {
    configure_level(pc, l + 1 == interp_.size());
    KSP solve = nullptr;
    NAVOX_CALL(PCMGGetCoarseSolve(pc, &solve));
    NAVOX_CALL(KSPGetPC(solve, &pc));
  }
}

void AggregationMG::update(PC pc, Mat A, Vec work) { NAVOX_CALL(refresh(pc, A, work)); }

PetscErrorCode AggregationMG::refresh(PC pc, Mat A, Vec work) {
  PetscFunctionBeginUser;
  PetscCheck(fine_diagonal_, comm_, PETSC_ERR_ARG_WRONGSTATE, "aggregation multigrid: the fine diagonal was not kept");
  // The changes live only here: kept between solves they would cost a vector per level,
  // and a fine one made here would add to the solver's vectors at the run's peak.
  std::vector<Vec> made;
  Vec fine = work;
  PetscErrorCode e = 0;
  if (!fine) {
    made.push_back(nullptr);
    e = VecDuplicate(fine_diagonal_, &made.back());
    fine = made.back();
  }
  if (!e) e = MatGetDiagonal(A, fine);
  if (!e) e = VecAXPY(fine, -1.0, fine_diagonal_);
  if (!e) e = refresh_levels(pc, fine, made);
  for (Vec& v : made) PetscCall(VecDestroy(&v));
  PetscCall(e);
  PetscFunctionReturn(0);
}

void AggregationMG::update_by(PC pc, Vec change) {
  std::vector<Vec> made;
  const PetscErrorCode e = refresh_levels(pc, change, made);
  for (Vec& v : made) (void)VecDestroy(&v);
  NAVOX_CALL(e);
}

PetscErrorCode AggregationMG::refresh_levels(PC pc, Vec change, std::vector<Vec>& made) {
  PetscFunctionBeginUser;
  // With piecewise-constant P, P^T D P is diagonal for diagonal D: a change of
  // A's diagonal by d changes level l+1's by scale P^T d_l, and nothing else.
  Vec fine = change;
  for (std::size_t l = 0; l < interp_.size(); ++l) {
    made.push_back(nullptr);
    PetscCall(VecDuplicate(diagonals_[l], &made.back()));
    Vec coarse = made.back();
    PetscCall(MatMultTranspose(interp_[l], fine, coarse));
    PetscCall(VecScale(coarse, kCoarseScale));
    // ops_[l]'s diagonal as built plus the change (kept for the level below).
    PetscCall(MatDiagonalSet(ops_[l], diagonals_[l], INSERT_VALUES));
    PetscCall(MatDiagonalSet(ops_[l], coarse, ADD_VALUES));
    PetscCall(PCMGSetInterpolation(pc, 1, interp_[l]));
    KSP solve = nullptr;
    PetscCall(PCMGGetCoarseSolve(pc, &solve));
    PetscCall(KSPSetOperators(solve, ops_[l], ops_[l]));
    PetscCall(KSPGetPC(solve, &pc));
    fine = coarse;
  }
  PetscFunctionReturn(0);
}

} // namespace navox
