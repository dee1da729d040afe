#pragma once
// Test set-up for the creep flow (solver/mechanics/creep_flow.hpp): cubic voxels on a
// chosen split of the ranks, and frictionless walls on every side.
#include "mesh/grid.hpp"
#include "solver/mechanics/creep_flow.hpp"

#include <array>
#include <cstdint>

namespace navox::test {

/// dims voxels of edge h [m], ranks split as `processors` ({-1, -1, -1}: PETSc decides).
inline GridSpec cubic_voxels(std::array<std::int64_t, 3> dims, double h, std::array<int, 3> processors) {
  GridSpec spec;
  spec.dims = dims;
  spec.spacing = {h, h, h};
  spec.processors = processors;
  return spec;
}

/// The calibrated Na at `temperature` [K], free-slip walls at rest on every side.
inline CreepFlowSetup free_slip_box(double temperature) {
  CreepFlowSetup setup;
  setup.rheology.temperature = temperature;
  for (auto& s : setup.sides) s.kind = CreepFlowSide::free_slip;
  return setup;
}

} // namespace navox::test
