#pragma once
/// The redistribution sweeps of the Na settling rules (MODEL.md §3.2,
/// docs/model.md "Settling"), on the total Na of each voxel, ξ + overflow, in
/// voxel volumes.
///
/// One sweep is Jacobi style: every voxel decides from the previous sweep's
/// values (one ghost exchange of the totals, then of the roles and of what each
/// voxel offers and gives), and the moves are summed with one reverse exchange;
/// the exchanges move the face ghosts only (mesh/face_halo.hpp).
/// Na moves only between face neighbours that hold Na (PORE and NA voxels), and
/// out of a CC voxel at an SE contact into the Na-holding voxels at the SE beside
/// it: never through CC or SE. Rules per voxel:
///   - sender (total > 1 in Na, any overflow in CC): passes the surplus to the
///     Na-holding face neighbours with room, in proportion to their room (a CC
///     voxel only to those with an SE face of their own: Na formed in a contact
///     leaves it along the SE, not through the collector); a Na sender with more
///     than that room passes the rest through the open ones (room and a neighbour
///     with room beyond), which pass it on in the next sweep;
///   - deficit (total < 0): takes it from Na-holding neighbours;
///   - compaction (0 < total < 1 resting on SE or on a voxel holding Na): takes Na
///     from above (a column of Na moves down as one plug);
///   - a CC voxel at an SE contact (a CC voxel with an SE face neighbour), walled
///     in, passes its surplus along the contact, from CC contact voxel to CC contact
///     voxel, towards the nearest one beside a Na-holding voxel at the SE (the
///     contact's edge), and that one into that voxel even when full (which passes
///     it on): Na formed inside a contact is squeezed out sideways by the stack
///     pressure (the routes are recomputed only when the labels change); not into Na
///     pressed where it has no room (set_pressed): the contact's next edge instead;
///   - a Na voxel walled in (no Na-holding neighbour with room) passes its surplus
///     through full Na into the nearest voxels with room that it reaches through
///     full Na, nearest first (creep flow of the confined Na into free space it
///     touches; claim_rooms: each room to its nearest walled-in voxel, up to kReach
///     steps). One that reaches none that way sends it down the distance field `dist_` (steps through Na-holding voxels
///     to the nearest one with room; a bucketed breadth-first search), from each voxel to its face neighbour one
///     step nearer (the first in face order), carried within the sweep to the
///     first voxel on that path beside room (`end_`), where the next sweep shares
///     it out (at most a share of its surplus per step when creep limits it:
///     set_path_share). A search from the sender alone (local_end) gives the same end
///     when it stays inside the block; the field is found again only when one of
///     those fails and the set of voxels with room or the labels changed. Surplus with no room
///     reachable stays where it is (overflow of a Na or CC voxel): then the
///     collector lifts (SodiumModel::settle).
/// `load` reads ξ, overflow and the voxel kinds and allocates the sweeps' work
/// arrays; `store` writes ξ and overflow back and frees them, so they take no
/// memory while the rest of the step runs.
#include "mesh/face_halo.hpp"
#include "mesh/grid.hpp"
#include "mesh/vec_versions.hpp"
#include "physics/materials/material.hpp"

#include <petscvec.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace navox {

class SettleSweeps {
public:
  explicit SettleSweeps(const Grid& grid);
  ~SettleSweeps();
  SettleSweeps(const SettleSweeps&) = delete;
  SettleSweeps& operator=(const SettleSweeps&) = delete;

  /// Totals ξ + overflow and each voxel's kind from `labels`. Collective.
  void load(Vec labels, const MaterialTable& materials, Vec xi, Vec excess);
  /// Creep-limited compaction (MODEL.md §3.4): over the rounds of sweeps after the
  /// next load(), a compacting voxel takes at most `share` of the room it had at that
  /// load (share ≥ 1: all of it, the fast-creep limit); with `empty_voids` an empty
  /// voxel resting on SE or full Na compacts too (a void the Na closes). Call before load().
  void set_closure(double share, bool empty_voids) { closure_share_ = share, close_empty_ = empty_voids; }
  /// The share of its room a compacting voxel fills per step, at most 1.
  double closure_share() const { return std::min(closure_share_, 1.0); }
  /// Creep-limited extrusion (MODEL.md §3.4; docs/model.md "Na creep as a flow"): over
  /// the sweeps after the next load(), a walled-in Na voxel carries along its path at
  /// most `share` of all the surplus it held (at the load and received since; share ≥ 1:
  /// all of it). What stays is overflow: the collector lifts. Call before load().
  void set_path_share(double share) { path_share_ = share; }
  /// Na pressed where it has no room (`confined` > 0: SodiumModel::confined(); null:
  /// none) is no outlet of a contact: Na formed in a contact leaves it at the nearest edge
  /// whose Na is not pressed (the pressed Na is at a higher pressure than the contact).
  /// Call before load().
  void set_pressed(Vec confined) { pressed_vec_ = confined; }
  /// One sweep; returns whether anything moved, anywhere. `unplaced` gets the
  /// deficit no neighbour could fill [voxel volumes]. Collective.
  bool sweep(double& unplaced);
  /// ξ = the total clamped to [0, 1] in Na-holding voxels, overflow = the rest
  /// (surplus with no room reachable, in Na-holding or CC voxels). Frees the sweeps'
  /// work arrays: the next sweep needs a load() first.
  void store(Vec xi, Vec excess);
  /// What the sweeps removed since the last call (totals made exactly full or empty: the
  /// bands of kFullPerSurplus in settle_sweeps.cpp) [voxel volumes, this rank's]: the
  /// caller books it with the other rounding leftovers.
  double take_rounding() { return std::exchange(rounding_, 0.0); }
  /// How often the distance field was found since construction (for tests and profiling).
  int path_searches() const { return path_searches_; }

private:
  enum Kind : std::uint8_t { other = 0, se = 1, na = 2, cc = 3 };
  std::int64_t ghost_index(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return ((k - g_lo_[2]) * g_n_[1] + (j - g_lo_[1])) * g_n_[0] + (i - g_lo_[0]);
  }
  /// The inverse of ghost_index: the coordinates (i, j, k) of ghosted index g.
  void ghost_coords(std::int64_t g, std::int64_t& i, std::int64_t& j, std::int64_t& k) const {
    i = g % g_n_[0] + g_lo_[0];
    j = g / g_n_[0] % g_n_[1] + g_lo_[1];
    k = g / (g_n_[0] * g_n_[1]) + g_lo_[2];
  }
  /// The owned voxel that ghost g copies across a periodic face, else -1 (computed, not
  /// tabled: a table took 8 B per voxel for the few ghosts it concerns).
  std::int64_t wrapped(std::int64_t g) const;
  /// local_end() of owned voxel o this sweep, or -1 when it is no walled-in sender or its search failed.
  double local_end_of(std::int64_t o) const {
    const auto it = std::lower_bound(local_ends_.begin(), local_ends_.end(), std::make_pair(o, -2.0));
    return it != local_ends_.end() && it->first == o ? it->second : -1.0;
  }
  /// Global voxel index i + nx (j + ny k) of (i, j, k), lateral coordinates wrapped.
  double global_index(std::int64_t i, std::int64_t j, std::int64_t k) const;
  /// The inverse of global_index: (i, j, k) of a global voxel index.
  std::array<std::int64_t, 3> voxel_of(double global) const;
  struct Push {
    double end;    ///< global index of the voxel the surplus is carried to
    double source; ///< global index of the walled-in sender
    double amount; ///< [voxel volumes]
  };
  void exchange(Vec global, Vec local) const;
  /// f(i, j, k, g, o) for every owned voxel, x fastest: g its ghosted index, o its owned one.
  template <class F> void for_each_owned(F&& f) const {
    const Box b = grid_.owned();
    std::int64_t o = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j) {
        std::int64_t g = ghost_index(b.lo[0], j, k);
        for (auto i = b.lo[0]; i < b.hi(0); ++i, ++o, ++g) f(i, j, k, g, o);
      }
  }
  /// Whether face f of (i, j, k) has a neighbour (not across the bottom, top or a lateral wall).
  bool has_face(std::int64_t i, std::int64_t j, std::int64_t k, int f) const;
  /// has_face of the owned voxel at ghosted index g, from the table.
  bool has(std::int64_t g, int f) const { return (faces_[static_cast<std::size_t>(g)] >> f) & 1u; }
  /// route_: per CC contact voxel, contact steps to the nearest one beside a Na-holding
  /// voxel at the SE (0 there; kNoRoute if none); -1 elsewhere. Also at_se_. Collective.
  void find_routes();
  /// Queues ghosted voxel g at distance dv (buckets_).
  void queue(std::int64_t g, double dv);
  /// Breadth-first distances in the ghosted array d from the voxels queued in buckets_:
  /// to the neighbours next(g, f) names (-1: none; owned voxels only), a distance at a
  /// time, then from the face ghosts of `rims` (owned voxel, ghost beside it) after each
  /// exchange, until no rank lowers one. Exact integer steps, the same on any partition.
  /// Collective.
  template <class Next>
  void spread(double* d, const std::vector<std::pair<std::int64_t, std::int64_t>>& rims, Next&& next);
  /// dist_l_ and end_l_ from the totals `tot` (ghosted). Collective.
  void find_paths(const PetscScalar* tot);
  /// The end of walled-in Na sender g's path (as find_paths gives it), found by a
  /// breadth-first search from g alone when the search stays inside the rank's block;
  /// -1 when it would leave the block or grow past a bound (then find_paths decides).
  double local_end(const PetscScalar* tot, std::int64_t g);
  /// Adds each push's amount at its end voxel in `delta` (owned part), wherever it
  /// was recorded, in the order of (end, source). Collective, unless `local`: every
  /// rank's pushes end in its own block (all ranks agree on it), and stay there.
  void deliver(PetscScalar* delta, bool local);
  /// Each rank's records (out[r] for rank r, whole records) to that rank: what this rank
  /// receives, in the order of the sending ranks. Collective.
  std::vector<double> to_ranks(const std::vector<std::vector<double>>& out) const;
  /// The rooms the walled-in Na senders of walled_ fill this sweep (totals `tot`, ghosts
  /// exchanged): pushes_ gets a push per room and claimed_ each sender's total. A
  /// breadth-first search from all of them at once through full Na (ties to the lower
  /// global index), a distance at a time on all ranks, up to kReach steps: each voxel
  /// with room it reaches is claimed by its nearest sender, whose search stops at the
  /// distance where its rooms hold its surplus; it fills them in order of distance
  /// (those at one distance in proportion to their room); surplus beyond all of them
  /// goes to the open ones among them (room beside), which pass it on. The same integers
  /// and sums on any partition. The distances below `alone_until` are searched on this
  /// rank's block alone, as if it were the whole grid, the rest together (collective).
  /// With alone_until = kAlone (all of it alone) it returns the distance at which one of
  /// this rank's searches would pass a full voxel's key across the block's rim, and
  /// claims nothing, else kAlone. When no rank's search does, the claims are those of the
  /// search together, each room and sum the same (no other rank's key reaches the block),
  /// and the same when alone_until is the nearest such distance of any rank.
  std::size_t claim_rooms(const PetscScalar* tot, std::size_t alone_until);
  /// What claim_rooms() gave owned voxel o's rooms this sweep; 0 if none.
  double claimed_of(std::int64_t o) const {
    const auto it = std::lower_bound(claimed_.begin(), claimed_.end(), std::make_pair(o, -1.0));
    return it != claimed_.end() && it->first == o ? it->second : 0.0;
  }
  /// What a walled-in Na sender at owned index o with `need` surplus carries away this
  /// sweep: all of it, or where creep limits the flow the share of all it held (sent ≤
  /// share (need + sent)).
  double path_amount(std::int64_t o, double need) const {
    if (sent_.empty()) return need;
    const double sent = sent_[static_cast<std::size_t>(o)];
    return std::min(need, std::max(0.0, path_share_ * (need + sent) - sent));
  }
  /// A face neighbour of owned voxel g is a Na-holding voxel with room (totals `t`).
  bool room_beside(const double* t, std::int64_t g) const;

  const Grid& grid_;
  FaceHalo halo_;                                        ///< the face ghosts of the arrays below
  /// The face ghosts a sweep's exchanges move: those of movable voxels and of voxels
  /// holding Na at the load (the others' totals, roles, offers and moves stay 0 until
  /// store(), on their owner and as ghosts alike). Found by load(), built again only
  /// when that set changes.
  std::unique_ptr<FaceHalo> sweep_halo_;
  std::vector<std::uint8_t> sweep_ghosts_; ///< per ghosted voxel: a ghost sweep_halo_ moves
  std::int64_t g_lo_[3] = {0, 0, 0}, g_n_[3] = {0, 0, 0}; ///< the ghosted box
  std::vector<std::uint8_t> kind_;                       ///< per ghosted voxel
  VecVersions<1> labels_seen_;                           ///< the labels kind_ was found from
  std::vector<std::uint8_t> faces_;                      ///< per ghosted voxel (owned ones): bit f = has_face
  /// Per ghosted voxel (owned Na-holding ones): bit f = a Na-holding neighbour across face f,
  /// bit 8 + f = and it is owned too. Found with the routes (the labels changed).
  std::vector<std::uint16_t> links_;
  std::vector<std::uint8_t> kind_routed_;                ///< kind_ when the routes were found
  Vec pressed_vec_ = nullptr;                            ///< set_pressed()
  std::vector<std::uint8_t> pressed_, pressed_routed_;   ///< per ghosted voxel (owned ones): pressed; when the routes were found
  std::vector<std::uint8_t> at_se_;                      ///< per ghosted voxel: Na-holding with an SE face neighbour
  std::int64_t face_step_[6] = {0, 0, 0, 0, 0, 0};      ///< ghosted index offset across each face
  /// Owned Na-holding voxel and its Na-holding face neighbour outside the owned block (ghosted indices).
  std::vector<std::pair<std::int64_t, std::int64_t>> rims_;
  /// The owned Na-holding voxels (ghosted indices, block order): what find_paths() visits.
  std::vector<std::int64_t> na_owned_;
  std::vector<std::uint8_t> room_seen_; ///< per owned voxel: Na-holding with room when the paths were found
  std::vector<std::uint8_t> room_now_;  ///< per owned voxel: Na-holding with room, this sweep
  /// How many owned voxels room_now_ and room_seen_ differ in, kept by set_room (every
  /// write to room_now_ goes through it): comparing the two arrays in every sweep cost a
  /// pass over the block.
  std::int64_t room_changes_ = 0;
  void set_room(std::int64_t o, std::uint8_t room) {
    std::uint8_t& now = room_now_[static_cast<std::size_t>(o)];
    if (now == room) return;
    const std::uint8_t seen = room_seen_[static_cast<std::size_t>(o)];
    room_changes_ += (room != seen ? 1 : 0) - (now != seen ? 1 : 0);
    now = room;
  }
  double closure_share_ = 2;            ///< set_closure(): > 1 = no limit
  bool close_empty_ = false;
  std::vector<double> budget_;          ///< per owned voxel: what compaction may still take [voxel volumes]; empty: no limit
  double path_share_ = 2;               ///< set_path_share(): > 1 = no limit
  std::vector<double> sent_;            ///< per owned voxel: surplus carried along its path since the load; empty: no limit
  bool paths_stale_ = true;             ///< the labels changed since the paths were found
  int path_searches_ = 0;
  std::vector<Push> pushes_;               ///< this sweep's walled-in senders, in loop order
  /// This sweep's walled-in senders (owned index, ascending) with their local_end() (-1: none).
  std::vector<std::pair<std::int64_t, double>> local_ends_;
  std::vector<std::pair<std::int64_t, std::int64_t>> walled_; ///< this sweep's walled-in Na senders (ghosted, owned index)
  std::vector<std::pair<std::int64_t, std::int64_t>> movable_; ///< load(): the voxels sweeps visit (ghosted, owned index)
  std::vector<std::int32_t> depth_;        ///< local_end: steps from the sender per ghosted voxel, -1 unseen
  std::vector<std::int64_t> seen_;         ///< local_end: the voxels it reached, level by level
  std::vector<std::size_t> levels_;        ///< local_end: seen_[levels_[k] .. levels_[k + 1]) are k steps away
  std::vector<std::vector<std::int64_t>> buckets_; ///< spread(): ghosted voxels by distance (kept for their storage)
  /// Per ghosted voxel (halo_ exchanges their face ghosts): the totals, the roles, what
  /// each offers and gives (interleaved), and a sweep's moves.
  std::vector<double> tot_, role_, offer_give_, delta_;
  /// Sleeping voxels: a movable voxel that is quiet (holds no Na, +0 exactly, or is a Na
  /// voxel exactly full to kTiny) and whose face neighbours are quiet has no role, offers
  /// and gives nothing and receives nothing, so a sweep skips it (the result is the same
  /// bit for bit); it wakes, for the rest of the settling round, when a neighbour stops
  /// being quiet. Per ghosted voxel: awake; the awake voxels' positions in movable_, in
  /// block order. Between load() and store().
  std::vector<std::uint8_t> awake_;
  std::vector<std::uint32_t> awake_list_;
  bool awake_ready_ = false;
  std::vector<std::int64_t> woken_; ///< owned voxels woken since the last wake() (ghosted indices)
  std::vector<std::int64_t> delivered_; ///< the end voxels deliver() added to this sweep
  /// claim_rooms(): per ghosted voxel, steps from the nearest walled-in sender times 2^44
  /// plus its global index (infinity: none); between sweeps all infinity. Allocated on
  /// first use after load(), freed by store().
  std::vector<double> claim_;
  std::vector<std::int64_t> claim_touched_; ///< claim_rooms(): the owned voxels it set
  /// This sweep's walled-in senders that claimed rooms (owned index, ascending) and what they gave.
  std::vector<std::pair<std::int64_t, double>> claimed_;
  /// Holds Na, or is −0: anything but +0 (a sleeping voxel's total stays +0 bit for bit).
  static bool holds(double t) { return t != 0 || std::signbit(t); }
  /// Not quiet: holds Na, and unless a Na voxel, not full (1 - kTiny <= t <= 1 + kTiny:
  /// no room, nothing to send, and what it gives goes only to a neighbour that is not quiet).
  bool active(double t, std::int64_t g) const;
  /// What owned or ghost voxel g holds beyond full (a Na-holding voxel) or at all (CC).
  double surplus(std::int64_t g) const;
  /// Total v of voxel g within full_within_ of 1 (Na-holding) or snap_within_ of 0: made exactly that, the difference booked.
  void snap(double& v, std::int64_t g);
  /// The bands of this sweep from the cell's surplus at its start.
  void set_bands(double surplus);
  double snap_within_ = 0; ///< this sweep's rounding band (kRoundingPerSurplus × (the cell's surplus + 1))
  double full_within_ = 0; ///< and its band of full (kFullPerSurplus × (the cell's surplus + 1))
  double rounding_ = 0;    ///< what snap() removed since take_rounding() [voxel volumes]
  /// Wakes the movable voxels among owned voxel or ghost g and its owned face neighbours.
  void wake_around(std::int64_t g);
  /// At a sweep's start (totals and their face ghosts exchanged): the first sweep after
  /// load() finds the awake voxels, later ones wake those beside ghosts that are active;
  /// awake_list_ follows. Also room_now_ of every movable voxel on the first sweep.
  void wake(const double* t);
  Vec route_ = nullptr;                                        ///< global
  Vec route_l_ = nullptr, dist_l_ = nullptr, end_l_ = nullptr; ///< ghosted
};

} // namespace navox
