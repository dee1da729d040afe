#pragma once
/// The conserved Allen–Cahn step on the Na phase field ξ, with optional
/// band-limited Langevin noise (MODEL.md §3.2, §3.3; `sodium.phase_field`).
///
/// After each step's deposit and settling (SodiumModel), advance() moves ξ in the
/// voxels that hold it (PORE and NA) over the step's Δt:
///   1. noise (when its strength is > 0): ξ += h(ξ)(z − λ_noise), z the filtered,
///      clipped normal numbers of physics::BandLimitedNoise;
///   2. n explicit sub-steps of physics::AllenCahn in its conserved form, n chosen
///      from Δt and AllenCahn::stable_step so that ξ stays in [0, 1].
/// Faces to SE, CC and the outer walls carry no flux, and each part has its own
/// multiplier λ, so Σξ does not change (to rounding) and ξ never enters a solid.
///
/// The normal numbers are keyed on (seed, global voxel, step) and filtered with a
/// fixed stencil, so the noise is the same on any number of ranks; the multipliers
/// are global sums, so ξ agrees across rank counts to rounding.
#include "physics/sodium/allen_cahn.hpp"
#include "physics/sodium/langevin_noise.hpp"
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"

#include <petscvec.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace navox {

class Ghosted;
class FaceHalo;

/// The optional `sodium.phase_field:` section: a conserved Allen–Cahn step on ξ
/// after each step's settling, with optional band-limited Langevin noise
/// (`noise:`). Absent: ξ stays as the settling leaves it (sharp fronts).
struct PhaseFieldSpec {
  bool enabled = false;
  physics::AllenCahn relaxation;   ///< rate k [1/s], width δ [m]
  physics::BandLimitedNoise noise; ///< strength D [1/s] (0: no noise); passes from correlation_length
  double correlation_length = 0;   ///< ℓ [m]
  std::uint64_t seed = 1;          ///< keys the noise, with the voxel and the step
};

class PhaseFieldStep {
public:
  PhaseFieldStep(const Grid& grid, const MaterialTable& materials, const PhaseFieldSpec& spec);
  ~PhaseFieldStep();
  PhaseFieldStep(const PhaseFieldStep&) = delete;
  PhaseFieldStep& operator=(const PhaseFieldStep&) = delete;

  bool enabled() const { return spec_.enabled; }
  const PhaseFieldSpec& spec() const { return spec_; }
  /// Allen–Cahn sub-steps a step of length dt takes.
  long substeps(double dt) const;

  /// Advances ξ (a global vector of grid.scalar_dm()) over step number `step` of
  /// length dt, with the materials given by `labels`. Collective.
  void advance(Vec xi, Vec labels, long step, double dt);
  /// The unit-variance band-limited noise of step `step`, (S^m ν)/s_m, into `out`. Collective.
  void unit_noise(long step, Vec out);

private:
  void add_noise(Vec xi, const Ghosted& labels, long step, double dt);
  void relax(Vec xi, const Ghosted& labels, double dt);
  /// A row of the ghosted box along x: ξ and whether each voxel holds it.
  struct Row {
    const double* xi;
    const std::int64_t* holds;
  };
  /// One explicit sub-step of the n owned voxels of row `at` (ξ into out, the voxels
  /// without ξ left as they are): `side` the rows at −y, +y, −z, +z (a row of voxels
  /// without ξ beyond an outer wall), x_open whether the row's ends have a voxel beyond;
  /// λ's two sums over the new row added to `sums`.
  void step_row(const Row& at, const Row (&side)[4], const bool (&x_open)[2], int n, double lambda, double tau,
                double* out, double (&sums)[2]) const;

  const Grid& grid_;
  const MaterialTable& materials_;
  PhaseFieldSpec spec_;
  double coefficient_[3] = {0, 0, 0}; ///< Allen–Cahn face coefficient per axis [1/s]
  double noise_deviation_ = 1;        ///< s_m of the filter, computed once
  Vec noise_ = nullptr, filtered_ = nullptr;
  std::vector<std::int64_t> holds_;    ///< over the ghosted box: all bits set where the voxel holds ξ, else 0
  std::vector<std::int64_t> closed_;   ///< a row of zeros: the holds_ beyond an outer wall
  std::unique_ptr<FaceHalo> halo_;     ///< the face ghosts of the arrays below (collective to build)
  std::vector<double> current_, next_; ///< ξ over the ghosted box, the sub-steps ping-ponging
};

} // namespace navox
