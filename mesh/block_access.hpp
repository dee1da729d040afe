#pragma once
/// Copying between DMDA vectors and plain arrays of this rank's block (x fastest),
/// the format readers produce and writers consume.
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <vector>

namespace navox {

/// Owned values of `global`: a vector of grid.scalar_dm() or of any grid.field_dm(),
/// which share one layout.
std::vector<double> scalar_block(const Grid& grid, Vec global);
/// Sets the owned values of `global` (a vector of grid.scalar_dm()) from a block array.
void set_scalar_block(const Grid& grid, Vec global, const std::vector<double>& values);

} // namespace navox
