#pragma once
/// Explicit seeding of Na nuclei on bare, blocking current-collector surfaces
/// (MODEL.md §3.3), using physics::ClassicalNucleation.
///
/// Each time step, every face the Na model marks as bare (ElectrodeFace::bare_collector:
/// an SE|CC face of a nucleating CC not yet covered by nuclei; a CC|PORE|SE triple
/// line is the edge of such a contact) nucleates on its uncovered area (1 − c) A with
/// probability 1 − exp(−J(η) (1 − c) A Δt), η being the face's overpotential at the
/// end of the last accepted step (explicit seeding). The uniform number of a face
/// comes from a counter-based generator keyed on (seed, global face index, step
/// number), so the nuclei do not depend on the partition, and a retried step (same
/// step number, smaller Δt) draws a subset of the nuclei the longer step drew.
///
/// Exclusion. The candidates of a step are taken in the order their Poisson processes
/// fire (τ = Δt ln(1 − u)/ln(1 − p)); one whose face an earlier nucleus of the step
/// already covers does not form. Without this, a step that lets every face fire
/// (a sodiophilic surface at its dip, where J is ~1e9 per µm² per s) would seed every
/// face at once, a count that grows as 1/h².
///
/// Footprint. A nucleus makes the bare contact within ρ_n of the centre of its face
/// active (ClassicalNucleation::footprint_radius): every bare SE|CC face with at
/// least half of its area within ρ_n (sampled on an 8 × 8 grid of points) is
/// covered (c = 1). The area a nucleus activates is therefore its contact within a
/// disc of area π ρ_n² (to the resolution of the faces), not one voxel face, and
/// the number of nuclei needed to carry a current does not depend on the voxel
/// size. The default ρ_n = 0.3 µm exceeds the 0.25 µm contacts of the V8 cell the
/// wetting angles were calibrated on, so there a nucleus activates its contact. Nuclei are gathered on every rank (few per
/// step) and applied in face order, so coverage is the same on any partition.
///
/// Its Na, the critical cap of V* = (4/3)π r*³ f(θ_w), is formed by the face's own
/// faradaic current, like all plated Na, so the Na volume stays Ω/F times the
/// faradaic charge; the event records V*'s charge F V*/Ω.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"

#include <cstdint>
#include <vector>

namespace navox {

class IonicPotential;
class State;

/// The optional `nucleation:` section: the random stream of nucleation events and
/// how many may appear in one time step.
struct NucleationSpec {
  std::uint64_t seed = 1;        ///< keys every draw, with the face and the step
  double max_step_fraction = 0.01; ///< expected new nuclei per step / bare faces (limits Δt)
};

/// One nucleation event.
struct NucleusEvent {
  double t = 0;               ///< end of the step it appeared in [s]
  long step = 0;              ///< that step's number
  std::int64_t face = 0;      ///< global face index: 6 × (global index of the SE voxel) + face
  double x = 0, y = 0, z = 0; ///< centre of the face [m]
  double eta = 0;             ///< overpotential that formed it [V]
  double critical_radius = 0; ///< r* [m]
  double charge = 0;          ///< F V*/Ω: the charge of the critical nucleus [C]
  int material = -1;          ///< the CC material it sits on
};

class Nucleation {
public:
  Nucleation(const Grid& grid, const MaterialTable& materials, const NucleationSpec& spec);

  /// Whether any material nucleates at all.
  bool enabled() const { return enabled_; }
  std::uint64_t seed() const { return spec_.seed; }

  /// The longest step, at most `dt`, over which the expected number of new nuclei
  /// stays within spec.max_step_fraction of the footprints the bare surface has room
  /// for (bare area / π ρ_n²; at least a quarter of a nucleus), at the overpotentials
  /// of the last accepted step. Collective.
  double limit_step(const IonicPotential& ionic, double dt, double temperature) const;
  /// Draws the nuclei of step `step` lasting `dt` and covers their footprints. Collective.
  void draw(IonicPotential& ionic, long step, double dt, double temperature);
  /// Uncovers the footprints of the last draw again (the step was rejected).
  void discard(IonicPotential& ionic);
  /// The step was accepted at time t: returns its events, sorted by face, on rank 0
  /// (empty elsewhere), and adds them to the count.
  std::vector<NucleusEvent> accept(double t);

  /// Nuclei formed since the start (all ranks).
  long count() const { return static_cast<long>(count_); }
  /// Per owned voxel: the nuclei formed on the faces of an SE voxel (an output field).
  const std::vector<double>& field() const { return per_voxel_; }

  /// Registers what evolves in `state`: the count (`nuclei_formed`), the nuclei per
  /// voxel (`nuclei`) and the faces' coverage (`coverage`, kept in `ionic`'s faces).
  /// A rejected step is then undone by State::restore (discard() is not needed).
  void register_state(State& state, IonicPotential& ionic);

private:
  /// Covers the footprint of nucleus `e` on the owned bare faces, remembering old coverages.
  void cover(IonicPotential& ionic, const NucleusEvent& e);
  /// Whether nucleus `e`'s footprint covers face `face` of voxel idx (global indices).
  bool covers(const NucleusEvent& e, const std::int64_t idx[3], int face) const;

  const Grid& grid_;
  const MaterialTable& materials_;
  NucleationSpec spec_;
  bool enabled_ = false;
  std::vector<std::pair<std::size_t, double>> covered_; ///< faces the last draw covered, with their old coverage
  std::vector<std::size_t> seeded_;   ///< owned offsets of the voxels whose face got a nucleus in the last draw
  std::vector<NucleusEvent> pending_; ///< the last draw's events on all ranks, by face; t unset
  std::int64_t count_ = 0;
  std::vector<double> per_voxel_; ///< nuclei per owned voxel, by the SE voxel they face
};

} // namespace navox
