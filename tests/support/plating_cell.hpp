#pragma once
/// The pieces the plating tests' cells share: 0.5 µm voxels, periodic laterally, and
/// an NBH electrolyte with a charge-transfer resistance.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"

#include <petscdm.h>

#include <array>
#include <cstdint>

namespace navox::test {

/// dims voxels of 0.5 µm, periodic along x and y.
inline GridSpec half_micron_cell(const std::array<std::int64_t, 3>& dims) {
  GridSpec spec;
  spec.dims = dims;
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  spec.periodic_lateral = true;
  return spec;
}

/// NBH at 0.09 S/m with R_ct = 2e-4 Ω m² at 298.15 K.
inline Material plating_electrolyte() {
  Material se{"NBH", Phase::SE, 0.09, 0, 298.15};
  se.charge_transfer_resistance = 2e-4;
  return se;
}

/// φ = 0 over the grid's `phi` field: the ionic solve's first guess.
inline Vec zero_potential(const Grid& grid) {
  Vec phi = nullptr;
  DMCreateGlobalVector(grid.field_dm("phi"), &phi);
  VecSet(phi, 0.0);
  return phi;
}

} // namespace navox::test
