#pragma once
/// The ionic potential solve: SNES on the "phi" DMDA with a local residual and an
/// exact Jacobian, built from physics::IonicConduction (SE|SE faces and the
/// counter electrode at z = 0) and physics::solve_face (Butler–Volmer plus double
/// layer on every SE|metal face).
///
/// The unknowns are the SE voxels only: one row each, numbered rank by rank in the
/// owned block's order, with no rows for the rest of the grid (the "phi" DM's
/// vector gets the electrode potential in metal and 0 in pores after each solve;
/// the output files write NaN there, see ElectrochemistryModule::outputs), so the
/// mask stays here and out of the physics. The SE|SE and counter-electrode terms
/// are linear and assembled once per temperature; a Jacobian is that matrix plus
/// the SE|metal faces' derivatives on its diagonal. Rows are scaled by one global
/// factor 1/(sigma_max h_min); the Jacobian is symmetric positive definite, so the
/// defaults are Newton with CG + BoomerAMG (GAMG without hypre), the
/// preconditioner rebuilt every few Newton iterations only. Any -phi_... option
/// overrides (not those that need a DM, such as geometric multigrid).
///
/// The CC and the Na connected to it are one conductor at potential V. With a
/// prescribed current (galvanostatic) V is the extra unknown of a bordered system,
/// solved as its Schur complement (cell_potential.hpp): V follows phi in every
/// residual evaluation (a scalar root of the faces' current), and each Newton
/// iteration on phi is one linear solve with the Jacobian less a rank-one term.
#include "mesh/grid.hpp"
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "physics/materials/material.hpp"

#include <petscsnes.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace navox {

class AggregationMG;

struct IonicConditions {
  double temperature = 298.15;    ///< [K]
  double electrode_potential = 0; ///< V: CC and connected Na against the counter electrode [V]
  double inv_dt = 0;              ///< 1/Δt for the double layer [1/s]; 0 = steady state
};

/// One face between an owned SE voxel and a non-SE voxel: what the Na model
/// sets before a solve, and what the solve leaves behind.
struct ElectrodeFace {
  double active_anodic = 0;   ///< w for stripping [-]
  double active_cathodic = 0; ///< w for plating [-]
  double metal_fraction = 0;  ///< carries the double layer [-]
  double eta_old = 0;         ///< overpotential at the end of the last accepted step [V]
  double eta = 0;             ///< from the last solve [V]
  double current = 0;         ///< into the SE, from the last solve [A]
  double faradaic = 0;        ///< its Butler–Volmer part [A]
  /// The nucleating CC material across this face while it is bare (not fully
  /// covered by nuclei), set by the Na model; -1 if none.
  int bare_collector = -1;
  /// Share of the face that nuclei's footprints cover: it plates there although
  /// the CC is blocking [-]. Kept across steps; set by Nucleation.
  double coverage = 0;
  /// Ω_Na p / F for the pressure p in the metal at the face [V] (η's stress term,
  /// physics/mechanics/stress_potential.hpp); set by the mechanics module before each solve.
  double stress_shift = 0;
};

struct IonicResult {
  PetscInt snes_iterations = 0;
  PetscInt ksp_iterations = 0;
  int potential_iterations = 0;  ///< galvanostatic: evaluations of the cell current in V (one pass over the faces each)
  double electrode_potential = 0; ///< V [V]
  double counter_current = 0;    ///< current entering the SE from the counter electrode (z = 0) [A]
  double electrode_current = 0;  ///< current entering the SE through SE|metal faces [A]
  double faradaic_current = 0;   ///< its Butler–Volmer part [A]
  double max_current_density = 0; ///< largest |current / area| on one face [A/m²]
};

class IonicPotential {
public:
  /// `labels` is a global vector of grid.scalar_dm() holding material indices.
  /// Faces start as: CC active for plating if its material says so, NA active
  /// both ways, pores inactive.
  IonicPotential(const Grid& grid, Vec labels, const MaterialTable& materials);
  ~IonicPotential();
  IonicPotential(const IonicPotential&) = delete;
  IonicPotential& operator=(const IonicPotential&) = delete;

  /// Solves for phi (a global vector of grid.field_dm("phi")) at the given V, in place.
  /// Throws CollectiveError (on every rank) if the solver diverges.
  IonicResult solve(Vec phi, const IonicConditions& conditions);
  /// Solves for phi and V such that the current into the SE through the SE|metal
  /// faces equals `current` [A] (positive = stripping); conditions.electrode_potential
  /// is the first guess.
  IonicResult solve_current(Vec phi, IonicConditions conditions, double current);
  /// After a failed solve_current: the V its current needs at its last iterate [V],
  /// or where it lies (+-inf: no face can carry it); NaN after a successful one.
  double voltage_estimate() const { return voltage_estimate_; }

  /// The electrode faces (SE|metal and SE|pore) of owned SE voxels, the only faces
  /// a solve reads or writes: element n is the face electrode_slots()[n]. Only these
  /// are stored (a few of the six faces of a few voxels), not six per voxel.
  std::vector<ElectrodeFace>& faces() { return faces_; }
  const std::vector<ElectrodeFace>& faces() const { return faces_; }
  /// Per element of faces(), its place among the six faces of the owned voxels:
  /// owned offset × 6 + face (mesh/stencil.hpp), ascending. The SE never changes in
  /// a run, so neither does this list.
  const std::vector<std::size_t>& electrode_slots() const { return electrode_slots_; }
  /// The electrode face `face` of owned voxel (i, j, k); null if that face is none
  /// (the voxel is no SE voxel, or the face is an SE|SE, wall or counter face).
  ElectrodeFace* face_at(std::int64_t i, std::int64_t j, std::int64_t k, int face) {
    const std::size_t n = face_number(i, j, k, face);
    return n == kNoFace ? nullptr : &faces_[n];
  }
  const ElectrodeFace* face_at(std::int64_t i, std::int64_t j, std::int64_t k, int face) const {
    const std::size_t n = face_number(i, j, k, face);
    return n == kNoFace ? nullptr : &faces_[n];
  }
  static constexpr std::size_t kNoFace = static_cast<std::size_t>(-1);
  /// The index into faces() of that face, or kNoFace.
  std::size_t face_number(std::int64_t i, std::int64_t j, std::int64_t k, int face) const {
    const auto v = static_cast<std::size_t>(grid_.owned().offset(i, j, k));
    const std::size_t slot = v * 6 + static_cast<std::size_t>(face);
    for (std::size_t n = face_start_[v]; n < face_start_[v + 1]; ++n)
      if (electrode_slots_[n] == slot) return n;
    return kNoFace;
  }
  /// Makes the last solve's overpotentials the double layer's starting state.
  void accept_step();
  /// Starts the nonlinear solver afresh (a new SNES, Jacobian and preconditioner):
  /// from then on its behaviour depends only on the state, so a run restarted from
  /// this point repeats it bit for bit.
  void restart_preconditioner();
  /// Takes new material labels (after the current collector moved). Collective.
  void set_labels(Vec labels);

  /// The nonlinear solver (prefix "phi_"), e.g. for Jacobian checks in tests.
  SNES snes() const { return snes_; }
  /// Sets the conditions the residual uses, without solving.
  void set_conditions(const IonicConditions& conditions);
  /// Makes the residual and Jacobian the SNES sees the galvanostatic ones at `current`
  /// [A] (V following phi), without solving, until the next solve; for checks. Call
  /// after set_conditions.
  void set_current(double current);

  struct Context; ///< what the PETSc callbacks see

  /// A vector laid out as the solver's unknowns (one row per SE voxel), for tests.
  Vec create_unknowns() const;

private:
  IonicResult measure();
  /// solve() from the unknowns as they stand (x_), phi written from them after; V as
  /// ctx_->control says (galvanostatic: following phi).
  IonicResult solve_unknowns(Vec phi, const IonicConditions& conditions);
  /// A fresh SNES and preconditioner (the hierarchy from the conduction matrix as it stands).
  void create_solver();
  void destroy_solver();
  /// destroy_solver, and the aggregation hierarchy too (the conduction matrix changes).
  void drop_hierarchy();
  /// The rows, the matrices, the unknowns and the solver, from the labels.
  void create_rows();
  /// The SE voxels' values of phi (a global vector of the "phi" DM) into the unknowns.
  void gather(Vec phi);
  /// The unknowns into phi, with the display values elsewhere.
  void scatter(Vec phi) const;

  const Grid& grid_;
  DM dm_ = nullptr;
  SNES snes_ = nullptr;
  std::unique_ptr<AggregationMG> mg_; ///< the default preconditioner's hierarchy, from the conduction matrix
  Mat jacobian_ = nullptr;
  Mat schur_ = nullptr; ///< the galvanostatic Jacobian: jacobian_ less a rank-one term (cell_potential.hpp)
  Vec x_ = nullptr; ///< the unknowns: phi in the SE voxels
  Vec labels_local_ = nullptr;
  Context* ctx_ = nullptr;
  std::vector<ElectrodeFace> faces_;
  std::vector<std::size_t> electrode_slots_;
  /// Per owned voxel v, its electrode faces are faces_[face_start_[v] .. face_start_[v + 1]).
  std::vector<std::uint32_t> face_start_;
  double voltage_estimate_ = 0;
};

} // namespace navox
