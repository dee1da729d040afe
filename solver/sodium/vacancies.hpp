#pragma once
/// Vacancies in the plated metal and the voids they open on stripping (MODEL.md
/// §3.5; the term is physics/sodium/vacancy_diffusion.hpp).
///
/// The state is the vacant-site content v of each Na voxel (`vacancy`, in site
/// fractions of the voxel: its atoms are ξ − v, its occupancy θ = 1 − v/ξ) and a
/// void flag (`void`, 1 where a void has opened between the voxel and the SE).
/// Keeping v rather than θ makes every move of the lattice conserve atoms: Na plated
/// or moved into a voxel arrives as full lattice (v unchanged, θ rises), a stripping
/// face adds vacancies without touching ξ.
///
/// advance() over a step of length dt:
///   1. each Na|SE face whose Na voxel holds Na exchanges Ω I_F dt / F of atoms with
///      that voxel's lattice (SodiumModel::lattice_exchange()): stripping injects that
///      many vacancies, plating fills vacant sites (the same boundary condition,
///      D ∂θ/∂n = Ω i_F / F, either sign); plated atoms beyond the vacant sites
///      build new lattice, which deposit() puts in ξ at once, as without vacancies (the
///      Na model's settling gives it room; here only what a lift moved off its sites);
///   2. θ diffuses implicitly (backward Euler) on the Na voxels: a KSP on the
///      matrix-free rows of solver/sodium/occupancy_operator.hpp (options prefix
///      `-theta_`, CG + Jacobi by default; a preconditioner that needs the entries gets
///      them assembled), after which v is updated from the face fluxes of the solved θ,
///      so atoms are conserved to rounding whatever the solver's tolerance;
///   3. a face whose occupancy θ_face falls to θ_c opens a void: the voxel's
///      vacancies condense into empty space (ξ ← ξ − v, v ← 0, atoms unchanged) and
///      the voxel's SE faces lose contact (w = 0, no double layer) until the voxel
///      is full again (creep closing the void: the Na model's compaction).
/// Creep supplies atoms (MODEL.md §3.5's creep term): in Na connected to the collector
/// (which carries the stack load) vacant sites close at the rate k a void closes by
/// creep under the load-bearing pressure (k = −ln(1 − s)/dt from the share s of
/// SodiumModel::closure_share(), set by the mechanics module; the fast-creep limit
/// when the deck gives no stack pressure), a sink k ξ (1 − θ) in the θ equation.
/// Those sites fill with atoms (θ rises) and the same volume of lattice leaves the Na
/// where it meets the collector, which follows it towards the SE: the Na column
/// shortens by the vacancies creep removed.
/// Vacancies are not advected when the Na model moves lattice between voxels; where a
/// voxel is left with more vacant sites than sites, or none, the excess is booked as
/// annihilated (`vacancies_annihilated`). The balance:
///   injected = Σ v + condensed + crept + annihilated.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"
#include "physics/sodium/vacancy_diffusion.hpp"
#include "solver/sodium/occupancy_operator.hpp"

#include <petscksp.h>

#include <memory>

namespace navox {

class IonicPotential;
class SodiumModel;
class State;

struct VacancyStep {
  double max_change = 0;     ///< largest change of θ in a voxel or on a stripping face [-]
  double onset_share = 1;    ///< share of the step at which the first new void opened (1: none)
  long new_voids = 0;        ///< voxels whose void opened in the step
  double voided_share = 0;   ///< the share of the stripping contact they took
  int lifts = 0;             ///< collector moves (− down) as creep shortened the Na
};

/// The interface's state after a step, for the time series.
struct VoidCensus {
  double void_area = 0;     ///< SE faces next to a voided voxel [m²]
  double contact_area = 0;  ///< SE faces next to a Na voxel without a void [m²]
  double theta_min = 1;     ///< smallest θ on a Na|SE face or in a Na voxel [-]
  double void_fraction() const {
    return void_area + contact_area > 0 ? void_area / (void_area + contact_area) : 0.0;
  }
};

class Vacancies {
public:
  Vacancies(const Grid& grid, Vec labels, const MaterialTable& materials, SodiumModel& sodium,
            physics::VacancyDiffusion law, double critical_occupancy);
  ~Vacancies();
  Vacancies(const Vacancies&) = delete;
  Vacancies& operator=(const Vacancies&) = delete;

  /// `vacancy`, `void` and the booked volumes into `state`.
  void register_state(State& state);
  void set_diffusivity(double d) { law_.diffusivity = d; }

  /// Clears the void of a voxel filled again, and takes the contact of every SE face
  /// next to a voided voxel away (after the Na model set the faces' activity). Collective.
  void block_voids(IonicPotential& ionic) const;
  /// Steps 1–3 above with the faradaic currents of the last solve. Collective.
  VacancyStep advance(const IonicPotential& ionic, double dt);
  /// The interface now (faces' currents from the last solve). Collective.
  VoidCensus census(const IonicPotential& ionic) const;

  /// θ where a voxel holds Na, NaN elsewhere; the void flag (owned blocks).
  std::vector<double> occupancy() const;
  std::vector<double> voids() const;
  /// Σ v over the cell [voxel volumes]; with the volumes booked in the State
  /// (`vacancies_injected`, `_condensed`, `_crept`, `_annihilated`) the balance
  /// injected = Σ v + condensed + crept + annihilated holds to rounding. Collective.
  double vacant_volume() const;
  /// Krylov iterations of the last θ solve.
  long iterations() const { return long(iterations_); }

private:
  /// Sets the θ system's rows and solves it; `theta` holds θ^n on entry (the first
  /// guess) and θ^{n+1} on return.
  void solve_occupancy(Vec xi, Vec theta, Vec rate, Vec sink, double dt);
  /// Takes `atoms` [voxel volumes] of Na, with its lattice, out of the Na under the
  /// collector; returns the vacant sites that left with it. Collective.
  double collapse_under_collector(double atoms);

  const Grid& grid_;
  Vec labels_;
  const MaterialTable& materials_;
  SodiumModel& sodium_;
  physics::VacancyDiffusion law_;
  double critical_;
  Vec vacancy_ = nullptr, void_ = nullptr;
  std::unique_ptr<OccupancyOperator> rows_;
  Mat assembled_ = nullptr; ///< the rows as an AIJ matrix, for a preconditioner that needs the entries
  bool needs_entries_ = false;
  KSP ksp_ = nullptr;
  PetscInt iterations_ = 0;
  double sink_rate_ = 0; ///< the creep closure rate k of the last step [1/s]
  double injected_ = 0, condensed_ = 0, annihilated_ = 0, crept_ = 0; ///< [voxel volumes]
};

} // namespace navox
