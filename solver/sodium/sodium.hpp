#pragma once
/// The Na phase field ξ in PORE and NA voxels (MODEL.md §3.2): where Na sits,
/// which SE faces it makes active, and where plated volume goes.
///
/// One time step of the Na model, after the electrochemistry solve:
///   1. deposit(): each SE|metal face's faradaic current adds (plating) or removes
///      (stripping) Ω_Na |I_F| Δt / F of Na in the voxel across the face; a face
///      on bare CC solid puts it in that CC voxel's overflow.
///   2. settle(): volume that does not fit (ξ > 1, or overflow in a CC voxel)
///      moves to Na-holding face neighbours with room, or, walled in, through
///      Na-holding voxels (never CC or SE) towards the nearest voxel with room it
///      reaches (Na formed in an SE|CC contact first along the contact to its
///      edge at the SE); a partly filled voxel resting on SE
///      or on full Na takes Na from the voxel above it (the stack pressure pushes
///      the Na and CC towards the SE: instantaneous creep); a deficit (ξ < 0) is
///      taken from Na neighbours; what still has no room
///      lifts the current collector by one voxel (every column's lowest CC voxel
///      and everything above it move up by one; a Na-free PORE voxel opens under
///      it) when the force balance says so (set_lift_rule; else it stays as
///      overflow, pressed: confined_bodies.cpp), and an empty layer under the whole
///      CC lowers it again.
/// The sweeps (SettleSweeps) decide every move from the previous sweep's ghosted
/// values (Jacobi style) and carry a walled-in voxel's surplus along a path that
/// is a function of the labels and totals alone, so the result does not depend on
/// the partition (up to the order of floating-point additions), and they conserve
/// Na exactly.
///
/// Whether a voxel holds Na is decided by one tolerance (physics::SodiumMetal::holds);
/// clean() removes what falls below it and books its volume.
///
/// set_activity() labels the metal (CC, bulk Na with ξ ≥ ξ_c, and Na lying on CC
/// or on bulk Na) into connected components (again only when that mask changed);
/// Na not connected to a CC voxel or to the top face floats (w = 0). Connected Na
/// faces get w from physics::SodiumMetal, the same for plating and stripping. A
/// bare CC face, or an SE face across an empty pore, plates where nuclei's
/// footprints cover it (ElectrodeFace::coverage); the faces that can nucleate are
/// the SE|CC faces of a nucleating CC and the SE|PORE faces with an edge on a
/// CC|PORE|SE triple line (SE, the empty pore and CC meet along the edge).
#include "mesh/grid.hpp"
#include "mesh/packed_values.hpp"
#include "mesh/vec_versions.hpp"
#include "physics/materials/material.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/sodium/settle_sweeps.hpp"

#include <petscvec.h>

#include <array>
#include <functional>
#include <memory>
#include <vector>

namespace navox {

class IonicPotential;
struct ElectrodeFace;
class State;

struct SettleResult {
  int sweeps = 0;         ///< redistribution sweeps
  int lifts = 0;          ///< current-collector moves this call (+ up, − down)
  double unplaced = 0;    ///< Na owed that no neighbour could give [voxel volumes]; > 0 means the step stripped too much
};

/// A body of Na (6-connected voxels holding Na, and CC voxels holding overflow) with
/// surplus the settling found no room for: a pocket walled in by SE and CC, or Na whose
/// surplus the creep flow could carry only part of in the step.
struct ConfinedBody {
  double area = 0;   ///< the SE area it presses on, projected along z (SE below − SE above) [m²]
  double drive = 0;  ///< the largest cathodic overpotential −η at its SE faces in the last solve [V]
  bool open = false; ///< has room it reaches (a front of the creep flow)
};

class SodiumModel {
public:
  /// `labels` (a global vector of grid.scalar_dm()) is changed in place by a lift.
  SodiumModel(const Grid& grid, Vec labels, const MaterialTable& materials, physics::SodiumMetal metal);
  ~SodiumModel();
  SodiumModel(const SodiumModel&) = delete;
  SodiumModel& operator=(const SodiumModel&) = delete;

  Vec xi() const { return xi_; }
  /// Na that does not fit in ξ: plated in a CC voxel, or surplus with no room reachable [voxel volumes].
  Vec overflow() const { return excess_; }
  const physics::SodiumMetal& metal() const { return metal_; }
  /// Na volume: ξ plus overflow, summed over the cell, plus what lifts carried out
  /// through the top face in the collector's pores [m³]. Collective.
  double volume() const;
  /// Na held as overflow after the settling: surplus pressed in bodies that reach no room,
  /// which the force balance left there (set_lift_rule) [m³]. Sums in rank order, so the
  /// last digits may differ between partitions. Collective.
  double confined_volume() const;
  /// Net current-collector displacement since the start [voxel layers].
  int lift() const { return static_cast<int>(lift_); }

  /// 1 where Na metal is connected to the CC or the top face, else 0 (0 in the CC itself,
  /// which no reader asks): the answer of the last label_metal() (a global vector of
  /// grid.scalar_dm()).
  Vec connected() const { return connected_; }
  /// Labels the metal's connectivity for ξ as it is now (set_activity does so first;
  /// after a step's deposit and settling, connected() is a step old until this runs).
  /// A function of ξ and the labels alone: returns at once when neither Vec was written since
  /// it last ran, and relabels only when the metal mask changed. Collective.
  void label_metal() const;
  /// Sets every SE|metal face's active fractions in `ionic` from ξ and connectivity. Collective.
  void set_activity(IonicPotential& ionic) const;
  /// Puts the faradaic volume of the last solve in place (step 1 above); returns
  /// the largest volume added to or taken from one voxel's ξ or overflow [voxel volumes]
  /// (with vacancies, not what the lattice exchanges: that changes θ). Collective.
  double deposit(const IonicPotential& ionic, double dt);
  /// The smallest share of the last deposit()'s step after which a voxel it strips
  /// would run dry by its own Na (1 if none does): where a step strips more than the
  /// Na can give, the retry lands just short of it.
  double emptied_share() const { return emptied_share_; }
  /// Step 2 above. Collective.
  SettleResult settle();
  /// How much of its room a compacting voxel may fill in the next settle() (creep
  /// under the stack pressure; SettleSweeps::set_closure). Default: all of it.
  void set_closure(double share, bool empty_voids) { sweeps_->set_closure(share, empty_voids); }
  /// The share set_closure() gave (1: all at once, no stack pressure modelled).
  double closure_share() const { return sweeps_->closure_share(); }
  /// The share of the walled-in surplus that the settling's paths may carry to room in a
  /// step, asked of `limit(labels, xi, excess)` by settle() before its first round (the
  /// plated Na is in ξ and overflow then; the limit may move Na itself, as the creep flow
  /// does, conserving it); after a collector lift the rest finds room without limit (the
  /// lift made it). None set: all of it (SettleSweeps::set_path_share). Collective.
  /// `confined` is confined() as set_activity() left it.
  using PathLimit = std::function<double(Vec labels, Vec xi, Vec excess, Vec confined)>;
  void set_path_limit(PathLimit limit) { path_limit_ = std::move(limit); }
  /// Whether the bodies holding the surplus that has no room push the collector off the
  /// SE (the force balance; MechanicsModule). Asked by settle() before each lift; false:
  /// the surplus stays as overflow, pressed, and the bodies' faces stop plating until it
  /// has found room (set_activity). None set (no stack pressure in the deck: nothing holds
  /// the collector down): every surplus without room lifts it.
  using LiftRule = std::function<bool(const std::vector<ConfinedBody>& bodies)>;
  void set_lift_rule(LiftRule rule) { lift_rule_ = std::move(rule); }
  /// The drive F η_b/Ω of each pressed body's plating, as in set_lift_rule, at the end of
  /// the last accepted step (the faces' η_old: so a run restarted there reads the same),
  /// in its voxels [V]; 0 elsewhere. `out`: a global vector of grid.scalar_dm(). Collective.
  void pressed_drive(const IonicPotential& ionic, Vec out) const;
  /// 1 in the voxels of a body holding surplus with no room it reaches, 2 in one whose
  /// room the creep flow is still to carry it to, 0 elsewhere: as set_activity() last
  /// found them (a global vector of grid.scalar_dm(); null before).
  Vec confined() const { return confined_; }

  /// With vacancy transport (solver/sodium/vacancies.hpp): a face whose metal-side
  /// voxel holds Na exchanges its atoms with that voxel's lattice (the vacant sites are
  /// `vacancies`, a global vector of grid.scalar_dm() in site fractions of the voxel):
  /// deposit() books in lattice_exchange() what the stripping takes and what the plating's
  /// fills of the vacant sites are, puts the plating beyond them in ξ (new lattice, as
  /// without vacancies), and volume() counts atoms, ξ less the vacant sites. Na plated into an empty voxel, or
  /// stripped from a CC voxel's overflow, has no lattice: deposit() moves it as before.
  void strip_through_vacancies(Vec vacancies) {
    vacancies_ = vacancies;
    if (!lattice_exchange_) NAVOX_CALL(VecDuplicate(vacancies, &lattice_exchange_));
    NAVOX_CALL(VecSet(lattice_exchange_, 0.0));
  }
  /// A field of grid.scalar_dm() that lives on the Na's voxels and moves with them when
  /// the collector moves (a lift shifts it like ξ; the layer opened holds 0).
  /// How a carried field combines where the collector squeezes one voxel's Na into the
  /// one below it: an amount adds (the vacant sites), a flag takes the larger (a void).
  enum class Carried { amount, flag };
  void carry_with_lift(Vec field, Carried how) { carried_.emplace_back(field, how); }
  /// With vacancy transport: the Na volume the last deposit() exchanged with the
  /// lattice of each Na voxel [voxel volumes; + plated into vacant sites, − stripped],
  /// which the vacancy model turns into filled or vacant sites.
  Vec lattice_exchange() const { return lattice_exchange_; }

  /// Removes rounding leftovers (0 < |ξ| ≤ ξ_tol, likewise overflow) and books their
  /// volume, so that every "holds Na" decision is exact. settle() ends with it;
  /// call it after anything else that moves ξ. Collective.
  void clean();

  /// Registers what evolves (ξ as `xi`, its overflow as `overflow`, the lift and the
  /// booked volumes) in `state`, whose save/restore then retries a step and whose
  /// checkpoints hold them. The labels are the State's `label` field already.
  void register_state(State& state);

private:
  Phase phase_of(double label) const;
  bool holds_na(double label) const; ///< PORE and NA voxels hold ξ
  int try_lift(int direction);
  /// Whether the Na-holding space under the collector has room for the layer right
  /// under it, and creep closes that much in the step (try_lift's squeeze; whether its
  /// Na reaches that room the sweeps then tell). `lowest_cc`: each column's lowest CC
  /// voxel (INT_MAX: none). Collective.
  bool room_to_squeeze(const std::vector<int>& lowest_cc) const;
  struct Snapshot;
  std::unique_ptr<Snapshot> snapshot() const;
  void restore(const Snapshot& s);
  PathLimit path_limit_;
  LiftRule lift_rule_;
  /// The bodies holding overflow (ConfinedBody), in the order of their labels, each
  /// summed over all ranks; `mark` (a global vector of grid.scalar_dm(), or null) gets
  /// 1 in their voxels, 2 in those of open ones, 0 elsewhere. `ionic` (may be null:
  /// drives 0) gives the faces' η. Collective.
  /// With `drive`, each voxel of a body gets its drive [V] there (0 elsewhere); `eta` is
  /// the faces' overpotential to read (η of the step's solve, or η_old after the step).
  std::vector<ConfinedBody> confined_bodies(const IonicPotential* ionic, Vec mark, Vec drive = nullptr,
                                            double ElectrodeFace::*eta = nullptr) const;
  /// Adds `marks` (of confined_bodies) to confined(); returns whether a voxel was not
  /// marked before. Collective.
  bool press(Vec marks);
  std::unique_ptr<Snapshot> squeezed_; ///< the state before this settle()'s last squeeze, until its Na found room
  /// connected_ = 1 where `mask`'s Na is connected to the CC (a component with a voxel
  /// marked 2: beside the CC) or the top face.
  void update_connected(Vec mask) const;

  const Grid& grid_;
  Vec labels_;
  const MaterialTable& materials_;
  physics::SodiumMetal metal_;
  int gap_material_ = -1; ///< the PORE material a lift opens
  std::unique_ptr<SettleSweeps> sweeps_;
  Vec xi_ = nullptr, excess_ = nullptr;
  std::int64_t lift_ = 0;
  mutable PackedValues mask_seen_; ///< the last labelling's metal mask (packed: mostly 0)
  mutable Vec connected_ = nullptr;               ///< and its answer
  /// labels_ and ξ as label_metal() last read them.
  mutable VecVersions<2> labelled_;
  double emptied_share_ = 1;
  double leftovers_ = 0; ///< rounding leftovers removed by clean() [voxel volumes]
  Vec vacancies_ = nullptr; ///< strip_through_vacancies(): the vacant sites [voxel volumes]
  Vec lattice_exchange_ = nullptr; ///< the last deposit()'s volume into Na lattices [voxel volumes]
  mutable Vec confined_ = nullptr;  ///< confined()
  const IonicPotential* last_ionic_ = nullptr; ///< the last deposit()'s solve (its faces' η)
  std::vector<std::pair<Vec, Carried>> carried_; ///< carry_with_lift()
};

} // namespace navox
