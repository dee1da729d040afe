#pragma once
/// Plated Na that is walled in, carried by its creep flow (MODEL.md §3.2, §3.4;
/// docs/model.md "Creep-limited extrusion in a run", "Settling").
///
/// Plated Na that has no room beside it must flow through the Na it is in to empty
/// space it touches (a pore of the collector, a gap) or push the collector back. The
/// flow (solver/mechanics/creep_flow.hpp) is solved over the step's state after plating:
/// voxels that hold Na and are full are metal, with the surplus as a source
/// s = (ξ + overflow − 1)/Δt; voxels that hold Na and have room are empty space at
/// p = 0; SE and CC are walls. The largest pressure p_max at a walled-in source is
/// what pushing all of the surplus through takes. The Na cannot be pressed harder than
/// the collector presses it, the bearing pressure p_c of the force balance: beyond, the
/// collector gives way. Since the flow is a power law in stress, the share of the
/// surplus that creep carries at p_c is
///   φ = min(1, (p_c / p_max)^n),
/// rounded down to 10 significant bits so that results to the flow's tolerance give the
/// same share on any partition. The flow scales with its sources, so φ × the flow is the
/// flow of φ × the surplus: share() moves φ Δt × CreepFlow::inflow() into ξ and overflow,
/// face by face (the sources give up φ of their surplus, the fronts the flow reaches
/// receive it, a front overfilled passes the rest on in the settling); the rest of the
/// surplus stays, and lifts the collector if the force balance says so (SodiumModel::settle). The flow is solved from
/// rest each time (a restarted run repeats it, bit for bit: its LU is on one rank) and
/// only in steps where some surplus is walled in and some full Na touches free space;
/// where none does (a flat Na electrode under its collector), φ = 0 without a solve.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"
#include "solver/mechanics/creep_flow.hpp"

#include <memory>

namespace navox {

class ExtrusionLimit {
public:
  ExtrusionLimit(const Grid& grid, const MaterialTable& materials, const physics::PowerLawCreep& law);

  /// For the state after plating (labels, ξ and overflow: global Vecs of
  /// grid.scalar_dm()) at bearing pressure p_c [Pa], temperature [K] and step dt [s]:
  /// moves φ of the surplus where the flow takes it (ξ and overflow change) and returns
  /// the share of the walled-in surplus the settling's paths may still carry: 2 (no
  /// limit) when no surplus is walled in or φ = 1 (what overfilled a front is at free
  /// space already), 0 when φ < 1 (the rest waits for a lift) or when no full Na touches
  /// free space anywhere (then nothing is solved: φ = 0, p_max = 0). Where the flow would draw
  /// more Na from a voxel than it holds (not met so far), nothing moves and φ is returned
  /// for the paths to carry. `confined` (SodiumModel::confined(); may be null): surplus
  /// in voxels marked 1, a body that reaches no room and that the force balance left
  /// pressed, is no source (no flow carries it, and its pressure is not the flow's). Collective.
  double share(Vec labels, Vec xi, Vec excess, Vec confined, double bearing_pressure, double temperature,
               double dt);

  double last_share() const { return share_; } ///< φ of the last share() (1 without walled-in Na, 0 without free space)
  double last_pressure() const { return pressure_; } ///< p_max [Pa] of the last share() (0 without a solve)
  int last_iterations() const { return iterations_; } ///< Picard + Newton of the last solve

private:
  const Grid& grid_;
  const MaterialTable& materials_;
  physics::PowerLawCreep law_;
  std::unique_ptr<CreepFlow> flow_;
  double flow_temperature_ = -1;
  double share_ = 1, pressure_ = 0;
  int iterations_ = 0;

  /// Moves share_ × the flow over dt into ξ and overflow; false (nothing moved) where a
  /// voxel would give more Na than it holds. Collective.
  bool place(Vec xi, Vec excess, double dt);
};

} // namespace navox
