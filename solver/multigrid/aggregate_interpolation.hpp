#pragma once
/// Piecewise-constant interpolation from aggregates, stored as one index per fine row.
///
/// \f[ (P x_c)_i = x_{c,\,a(i)}, \qquad (P^T x_f)_j = \sum_{i:\,a(i)=j} x_{f,i} \f]
/// with \f$a(i)\f$ the aggregate (coarse row) of fine row \f$i\f$. An AIJ matrix
/// holds the same operator in about 28 B per fine row (value, column, row
/// offset, diagonal and length indices); this shell holds 4–8 B (the index), and
/// its products add in the same order as AIJ's, so they agree bit for bit
/// (`parallel.aggregation_mg` checks it). Aggregates never span ranks, so every
/// product is local.
#include <petscmat.h>

#include <vector>

namespace navox {

/// A MatShell of `coarse_rows` columns (owned here) over this rank's fine rows:
/// `aggregate[r]` is fine row r's coarse row, counted from this rank's first.
/// Implements MatMult, MatMultAdd, MatMultTranspose, MatMultTransposeAdd: what
/// PCMG's interpolation and restriction use. Collective.
Mat aggregate_interpolation(MPI_Comm comm, std::vector<PetscInt> aggregate, PetscInt coarse_rows);

/// The same operator as an AIJ matrix (for Galerkin products). Collective.
Mat aggregate_interpolation_aij(MPI_Comm comm, const std::vector<PetscInt>& aggregate, PetscInt coarse_rows);

} // namespace navox
