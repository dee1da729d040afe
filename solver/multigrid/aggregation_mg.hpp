#pragma once
/// Geometric aggregation multigrid for a cell-centred two-point-flux operator whose
/// unknowns are a subset of the voxels (one phase, high conductivity contrast).
///
/// Coarsening follows the grid and the coefficient: level \f$m\f$ groups the
/// cells of level \f$m-1\f$ in 2 x 2 x 2 blocks of a box of cells (cell \f$c\f$,
/// counted from the box's first cell, lies in block \f$\lfloor c/2 \rfloor\f$),
/// and the unknowns of one block on one rank that are connected inside it
/// (through non-zeros of the operator) form one aggregate. The box is the rank's
/// own block of the grid (the analysis solve: unknowns on the voxels' owners) or
/// the whole grid (the ionic solve: rows balanced over the ranks, so one rank's
/// rows may come from several blocks). Voxels without an
/// unknown take no part, and two pores that meet a block without touching in it
/// stay apart, so coarse levels never short-circuit the pore network.
/// Interpolation is piecewise constant, \f$P_{ij} = 1\f$ for unknown \f$i\f$
/// in aggregate \f$j\f$, and the coarse operators are scaled Galerkin products
/// \f[ A_m = \tfrac12\, P_m^T A_{m-1} P_m , \f]
/// which keep the 7-point structure on the grid. The factor 1/2 turns the
/// Galerkin product, which for 2 x 2 x 2 aggregation in 3D is twice the operator
/// rediscretised on the coarse cells, back into that operator, so coarse
/// corrections have the right size for smooth errors (Braess 1995, "Towards
/// algebraic multigrid for elliptic problems of second order"). The cycle is a
/// K-cycle (Notay and Vassilevski, Numer. Linear Algebra Appl. 15, 2008): each
/// coarse problem gets two flexible CG iterations preconditioned by the next
/// level, which keeps the iteration count independent of the number of levels
/// where a V-cycle of unsmoothed aggregation would not. Aggregates never span
/// ranks, so interpolation has no off-rank entries and any partition coarsens.
#include "mesh/grid.hpp"

#include <petscksp.h>

#include <array>
#include <cstdint>
#include <vector>

namespace navox {

class AggregationMG {
public:
  /// `index`: the global row of each owned voxel (block order, x fastest), -1
  /// for voxels without an unknown; `A`: the operator on those rows, whose
  /// connections (not values) decide the aggregates. Coarsens until at most
  /// kCoarsest unknowns are left. Collective.
  /// Without `keep_diagonal` the fine diagonal is not kept (a vector of A's rows): then
  /// only update_by() may refresh the hierarchy.
  AggregationMG(const Grid& grid, const std::vector<PetscInt>& index, Mat A, bool keep_diagonal = true);
  /// `cells`: the cell of each of this rank's rows of `A`, in row order, as i + n0 (j + n1 k)
  /// in a box of n0 x n1 x n2 cells; coarsens until at most `coarsest` unknowns are left
  /// (a small coarsest level where its factorisation is redone often). Collective.
  AggregationMG(MPI_Comm comm, std::vector<std::int64_t> cells, const std::array<std::int64_t, 3>& n, Mat A,
                PetscInt coarsest = kCoarsest);
  /// Coarse problems this small are solved directly (by default).
  static constexpr PetscInt kCoarsest = 4096;
  ~AggregationMG();
  AggregationMG(const AggregationMG&) = delete;
  AggregationMG& operator=(const AggregationMG&) = delete;

  /// Makes `pc` the multigrid preconditioner: nested two-level PCMGs, each with
  /// two forward / two backward Gauss-Seidel sweeps (on each rank's block) and, as coarse solve, flexible CG
  /// iterations preconditioned by the next level's PCMG (K-cycle); a direct
  /// solve on the coarsest level. Call before the options are read.
  void configure(PC pc) const;
  /// Gives `pc` (as left by configure) its interpolations and the coarse
  /// operators of `A`, which may differ from the constructor's on the diagonal
  /// only (the directions of one conduction problem differ by their electrode
  /// terms); call whenever A's diagonal changes. `work`, if given, is a vector of A's
  /// rows whose values may be overwritten (spares a temporary of that size).
  void update(PC pc, Mat A, Vec work = nullptr);
  /// update() for PETSc callbacks: returns the error instead of throwing.
  PetscErrorCode refresh(PC pc, Mat A, Vec work = nullptr);
  /// update() from the change of A's diagonal since the constructor, `change` (a vector
  /// of A's rows, overwritten): what a caller that knows it spares keeping the diagonal.
  void update_by(PC pc, Vec change);

private:
  static void configure_level(PC pc, bool coarsest);
  void destroy();
  /// refresh()'s work; the vectors it makes go to `made`, for refresh() to destroy.
  PetscErrorCode refresh_levels(PC pc, Vec change, std::vector<Vec>& made);
  /// The aggregate (coarse row, counted from this rank's first) of each of this rank's
  /// rows of `fine` (rows in `cells` of a block of `n` cells); turns `cells` and `n`
  /// into the coarse level's (one cell per aggregate, in coarse-row order).
  std::vector<PetscInt> aggregate(Mat fine, std::vector<std::int64_t>& cells, std::array<std::int64_t, 3>& n) const;

  MPI_Comm comm_;
  std::vector<Mat> interp_; ///< interp_[l]: level l+1 to level l (0 = the caller's operator), shells (aggregate_interpolation.hpp)
  std::vector<Mat> ops_;    ///< ops_[l]: operator of level l+1
  std::vector<Vec> diagonals_;   ///< diagonals_[l]: ops_[l]'s diagonal as built
  Vec fine_diagonal_ = nullptr;  ///< the constructor's A's diagonal
};

} // namespace navox
