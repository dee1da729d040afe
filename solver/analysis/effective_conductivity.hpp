#pragma once
/// Effective conductivity and tortuosity factor of one phase of a voxel volume.
///
/// Steady conduction restricted to the phase, with unit conductivity inside it
/// and none elsewhere:
/// \f[ \nabla\cdot(\nabla\phi) = 0 \ \text{in the phase},\qquad
///     \phi = 1 \ \text{on the inlet face},\quad \phi = 0 \ \text{on the outlet face}, \f]
/// and zero flux on the four other faces and on the phase boundary. Finite
/// volumes with two-point fluxes (physics::IonicConduction::between, harmonic
/// mean of equal conductivities) between face neighbours of the phase, and the
/// Dirichlet value half a voxel from the first and last voxel
/// (IonicConduction::to_electrode). From the current \f$I\f$ entering through the inlet,
/// \f[ \frac{\sigma_{eff}}{\sigma} = \frac{I\,L}{A\,\Delta V},\qquad
///     \tau = \frac{\varepsilon}{\sigma_{eff}/\sigma}, \f]
/// with \f$L\f$ the domain length along the direction, \f$A\f$ the face area,
/// \f$\Delta V = 1\f$ and \f$\varepsilon\f$ the volume fraction of the phase.
///
/// Only components that touch both the inlet and the outlet face carry current;
/// every other voxel (other phases, isolated clusters, dead clusters touching one
/// face only) has no unknown, which keeps the operator non-singular and
/// symmetric for CG without changing the answer.
///
/// The unknowns are the spanning voxels only, numbered rank by rank; the
/// operator (7-point, set up once per set of spanning components) is solved
/// by KSP with prefix "analyze_": flexible CG preconditioned by geometric
/// aggregation multigrid on the voxel grid (AggregationMG) by default, the fine
/// level matrix-free (ConductionStencil); any other `-analyze_pc_type` (gamg,
/// hypre, ...) gets the same operator as an assembled matrix (with CG).
#include "mesh/collective.hpp"
#include "mesh/grid.hpp"
#include "mesh/packed_values.hpp"

#include <petscvec.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace navox {

/// No component of the phase touches both the inlet and the outlet face.
class NotPercolating : public CollectiveError {
public:
  using CollectiveError::CollectiveError;
};

struct ConductivityResult {
  int axis = 2;               ///< 0, 1, 2 = x, y, z
  double ratio = 0;           ///< sigma_eff / sigma_phase
  double volume_fraction = 0; ///< epsilon of the phase
  double tortuosity = 0;      ///< tau = epsilon / ratio
  double active_fraction = 0; ///< volume fraction of the phase that spans inlet to outlet
  double inlet_current = 0;   ///< I through the inlet face (unit conductivity, unit potential difference) [A]
  double outlet_current = 0;  ///< I leaving through the outlet face; equals inlet_current at convergence [A]
  PetscInt iterations = 0;    ///< KSP iterations
  double seconds = 0;         ///< solve time, set-up included
};

/// "x", "y" or "z".
const char* axis_name(int axis);

/// Solves along the three axes of one phase, one after the other. What does
/// not depend on the direction is kept: when the same components span the next
/// direction (the usual case), the numbering, the matrix (only its diagonal
/// changes), the multigrid hierarchy, the vectors and the KSP are reused.
class ConductivitySolver {
public:
  /// `components` as for effective_conductivity. The solver keeps them packed (a run
  /// of one label stored once, mesh/packed_values.hpp) with the components that span
  /// each axis, so the caller may destroy the Vec before the solves. Collective.
  ConductivitySolver(const Grid& grid, Vec components);
  ~ConductivitySolver();
  ConductivitySolver(const ConductivitySolver&) = delete;
  ConductivitySolver& operator=(const ConductivitySolver&) = delete;

  /// See effective_conductivity. Collective.
  ConductivityResult solve(int axis);

private:
  struct System;
  const Grid& grid_;
  PackedValues components_;
  std::array<std::vector<std::int64_t>, 3> spanning_; ///< labels of the components touching both faces
  double phase_voxels_ = 0; ///< voxels of the phase, all ranks
  std::unique_ptr<System> system_;
};

/// Solves along `axis` on the voxels of `grid` (non-periodic; its fields are not
/// used). `components` is a global vector of grid.scalar_dm() holding the
/// phase's component labels, -1 outside the phase (see connected_components).
/// Throws NotPercolating on every rank if no component spans the direction, and
/// CollectiveError if the solve fails.
ConductivityResult effective_conductivity(const Grid& grid, Vec components, int axis);

} // namespace navox
