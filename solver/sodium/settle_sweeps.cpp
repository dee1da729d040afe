#include "solver/sodium/settle_sweeps.hpp"

#include "mesh/error.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/stencil.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/app/log_events.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <cmath>
#include <functional>
#include <utility>

namespace navox {

namespace {

constexpr double kTiny = physics::SodiumMetal::kTolerance; ///< amounts at or below this (voxel volumes) are not Na

enum Role : int { none = 0, sender = 1, deficit = 2, compaction = 3 };
constexpr int kBelow = 4, kAbove = 5; ///< the -z and +z faces (mesh/stencil.hpp)
constexpr double kNoRoute = 1e9;      ///< no room (or contact edge) reachable
/// Full, and empty, to the precision of the amounts a sweep moves. A voxel that ends
/// full or empty holds the rounding of the sums of fractions that filled or emptied it:
/// 5e-12 in a voxel that passed on 978 voxels of surplus after a lift. Its amounts
/// themselves agree between partitions only to the ionic solve's tolerance, which the
/// sums carry as absolute differences of up to ~1e-10 of the surplus moved (9e-7 of a
/// voxel after a lift at 128^3). A room or surplus below that is nothing the physics
/// decides: but one voxel that counted as a room on one partition and as full on
/// another drew the next hundreds of voxels of surplus to different places. So a
/// Na-holding voxel within kFullPerSurplus × (S + 1) of full is made exactly full, and
/// any voxel within kRoundingPerSurplus × (S + 1) of empty exactly empty, S the surplus
/// of the whole cell at the sweep's start (a bound on any amount it moves); a walled-in
/// sender whose rooms hold its surplus to the band of full claims no more. The
/// differences are booked with the rounding leftovers (take_rounding()).
constexpr double kFullPerSurplus = 1e-9;
constexpr double kRoundingPerSurplus = 0x1p-42; ///< 1024 units of round-off
constexpr double kOpen = 2;           ///< added to an offer (at most 1): the voxel passes surplus on
/// local_end gives up (and the global search decides) past this many voxels reached.
constexpr std::size_t kLocalSearch = 4096;
/// claim_rooms reaches the rooms up to this many steps through full Na from a walled-in
/// sender (those further away get its surplus along its path, a sweep later).
constexpr std::size_t kReach = 64;
/// claim_rooms' `alone_until` for a search on the rank's block alone, and its answer when
/// no search crossed a rim.
constexpr std::size_t kAlone = std::numeric_limits<std::size_t>::max();

} // namespace

SettleSweeps::SettleSweeps(const Grid& grid) : grid_(grid), halo_(grid) {
  DM dm = grid.scalar_dm();
  PetscInt x = 0, y = 0, z = 0, m = 0, n = 0, p = 0;
  NAVOX_CALL(DMDAGetGhostCorners(dm, &x, &y, &z, &m, &n, &p));
  g_lo_[0] = x, g_lo_[1] = y, g_lo_[2] = z;
  g_n_[0] = m, g_n_[1] = n, g_n_[2] = p;
  for (int f = 0; f < 6; ++f)
    face_step_[f] = kFaceOffset[f][0] + g_n_[0] * (kFaceOffset[f][1] + g_n_[1] * kFaceOffset[f][2]);
  kind_.assign(static_cast<std::size_t>(m * n * p), other);
  at_se_.assign(kind_.size(), 0);
  for (Vec* v : {&route_}) {
    NAVOX_CALL(DMCreateGlobalVector(dm, v));
    NAVOX_CALL(VecSet(*v, 0.0));
  }
  for (Vec* v : {&route_l_, &dist_l_, &end_l_}) NAVOX_CALL(DMCreateLocalVector(dm, v));
  const Box me = grid.owned();
  faces_.assign(kind_.size(), 0);
  for_each_owned([&](auto i, auto j, auto k, std::int64_t g, std::int64_t) {
    for (int f = 0; f < 6; ++f)
      if (has_face(i, j, k, f)) faces_[static_cast<std::size_t>(g)] |= static_cast<std::uint8_t>(1u << f);
  });
  room_seen_.assign(static_cast<std::size_t>(me.size()), 0);
  room_now_.assign(room_seen_.size(), 0);
  depth_.assign(kind_.size(), -1);
}

std::int64_t SettleSweeps::wrapped(std::int64_t g) const {
  std::int64_t i, j, k;
  ghost_coords(g, i, j, k);
  const Box me = grid_.owned();
  const auto& dims = grid_.spec().dims;
  const std::int64_t wi = (i % dims[0] + dims[0]) % dims[0], wj = (j % dims[1] + dims[1]) % dims[1];
  return !me.contains(i, j, k) && me.contains(wi, wj, k) ? ghost_index(wi, wj, k) : -1;
}

SettleSweeps::~SettleSweeps() {
  for (Vec* v : {&route_, &route_l_, &dist_l_, &end_l_})
    if (*v) (void)VecDestroy(v);
}

double SettleSweeps::global_index(std::int64_t i, std::int64_t j, std::int64_t k) const {
  const auto& d = grid_.spec().dims;
  const std::int64_t ii = (i % d[0] + d[0]) % d[0], jj = (j % d[1] + d[1]) % d[1];
  return static_cast<double>(ii + d[0] * (jj + d[1] * k));
}

std::array<std::int64_t, 3> SettleSweeps::voxel_of(double global) const {
  const auto& d = grid_.spec().dims;
  const auto g = static_cast<std::int64_t>(global);
  return {g % d[0], g / d[0] % d[1], g / (d[0] * d[1])};
}

void SettleSweeps::exchange(Vec global, Vec local) const {
  NAVOX_CALL(DMGlobalToLocalBegin(grid_.scalar_dm(), global, INSERT_VALUES, local));
  NAVOX_CALL(DMGlobalToLocalEnd(grid_.scalar_dm(), global, INSERT_VALUES, local));
}

void SettleSweeps::load(Vec labels, const MaterialTable& materials, Vec xi, Vec excess) {
  ScopedEvent event(Event::settle_load);
  // The sweeps' work arrays live from here to store(): between settlings the step's other
  // parts (the labelling a lift runs, the ionic solve) have the memory.
  for (auto* v : {&tot_, &role_, &delta_}) v->assign(kind_.size(), 0.0);
  offer_give_.assign(2 * kind_.size(), 0.0);
  awake_.assign(kind_.size(), 0);
  awake_list_.clear();
  woken_.clear();
  awake_ready_ = false;
  // The kinds, the routes along the contacts, the voxels at the SE and the block's rim
  // depend on the labels alone: found again only when they change (and then the paths
  // through Na too). The labels change with a lift, not in most settlings: their ghost
  // exchange into a vector of its own and the pass over the ghosted block were a tenth
  // of a 64^3 plating run's settling.
  int any = 0;
  if (!labels_seen_.unchanged(grid_.comm(), {labels})) {
    {
      Ghosted lab(grid_, labels);
      for (auto k = g_lo_[2]; k < g_lo_[2] + g_n_[2]; ++k)
        for (auto j = g_lo_[1]; j < g_lo_[1] + g_n_[1]; ++j)
          for (auto i = g_lo_[0]; i < g_lo_[0] + g_n_[0]; ++i) {
            const Phase p = materials[static_cast<std::size_t>(lab(i, j, k))].phase;
            kind_[static_cast<std::size_t>(ghost_index(i, j, k))] =
                p == Phase::CC ? cc : (p == Phase::SE ? se : (holds_sodium(p) ? na : other));
          }
    }
    labels_seen_.note();
    int changed = kind_ != kind_routed_ ? 1 : 0;
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
  }
  // Pressed Na is no outlet of a contact (set_pressed): its changes move the routes.
  pressed_.assign(kind_.size(), 0);
  if (pressed_vec_) {
    OwnedRead pv(grid_, pressed_vec_); // pointwise
    for_each_owned([&](auto i, auto j, auto k, std::int64_t g, std::int64_t) {
      pressed_[static_cast<std::size_t>(g)] = pv(i, j, k) > 0 ? 1 : 0;
    });
  }
  {
    int mine = pressed_ != pressed_routed_ ? 1 : 0, moved = 0;
    MPI_Allreduce(&mine, &moved, 1, MPI_INT, MPI_MAX, grid_.comm());
    if (moved && !any) find_routes();
    pressed_routed_ = pressed_;
  }
  if (any) {
    find_routes();
    kind_routed_ = kind_;
    paths_stale_ = true;
    rims_.clear();
    na_owned_.clear();
    links_.assign(kind_.size(), 0);
    const Box b = grid_.owned();
    for_each_owned([&](auto i, auto j, auto k, std::int64_t g, std::int64_t) {
      if (kind_[static_cast<std::size_t>(g)] != na) return;
      na_owned_.push_back(g);
      auto& link = links_[static_cast<std::size_t>(g)];
      for (int f = 0; f < 6; ++f) {
        if (!has(g, f) || kind_[static_cast<std::size_t>(g + face_step_[f])] != na) continue;
        link |= static_cast<std::uint16_t>(1u << f);
        if (b.contains(i + kFaceOffset[f][0], j + kFaceOffset[f][1], k + kFaceOffset[f][2]))
          link |= static_cast<std::uint16_t>(1u << (f + 8));
        else
          rims_.emplace_back(g, g + face_step_[f]);
      }
    });
  }
  // The totals, and the compaction budgets: the share of its room a voxel may fill by
  // creep in this step; the cell's surplus sets the bands of full and empty.
  double surplus_here = 0;
  // The owned voxels whose total is not +0 (holds(); ghosted indices, block order): the
  // passes below over the totals visit these alone, the others' being +0 as tot_ starts.
  std::vector<std::int64_t> held;
  {
    const PetscScalar *x = nullptr, *e = nullptr;
    NAVOX_CALL(VecGetArrayRead(xi, &x));
    NAVOX_CALL(VecGetArrayRead(excess, &e));
    const std::size_t n = static_cast<std::size_t>(grid_.owned().size());
    // Without a creep limit neither is needed (an unlimited budget is never the smaller).
    budget_.assign(closure_share_ <= 1 ? n : 0, 0.0);
    sent_.assign(path_share_ < 1 ? n : 0, 0.0);
    for_each_owned([&](auto, auto, auto, std::int64_t g, std::int64_t o) {
      const double t = x[o] + e[o];
      if (closure_share_ <= 1) budget_[static_cast<std::size_t>(o)] = closure_share_ * std::max(0.0, 1.0 - t);
      // +0 is what the array holds, and adds nothing to the surplus: the sum is the same
      // as over every voxel, bit for bit.
      if (!holds(t)) return;
      tot_[static_cast<std::size_t>(g)] = t;
      surplus_here += surplus(g);
      held.push_back(g);
    });
    NAVOX_CALL(VecRestoreArrayRead(excess, &e));
    NAVOX_CALL(VecRestoreArrayRead(xi, &x));
  }
  {
    double all = 0;
    MPI_Allreduce(&surplus_here, &all, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
    set_bands(all);
    // The deposits since the last store() may have brought a total within the bands (a +0
    // total is in none: snap leaves it).
    for (const std::int64_t g : held) snap(tot_[static_cast<std::size_t>(g)], g);
  }
  // Voxels that neither hold Na nor are CC keep role, offer and give 0 (as allocated) until store().
  // The voxels a sweep visits: those holding Na, and the CC voxels that hold some or
  // can receive some (contact voxels, route_ >= 0). Na moves only into Na-holding voxels
  // and along contacts, so no other voxel's total can change before the next load.
  movable_.clear();
  const PetscScalar* route = nullptr;
  NAVOX_CALL(VecGetArrayRead(route_l_, &route));
  for_each_owned([&](auto, auto, auto, std::int64_t g, std::int64_t o) {
    const std::uint8_t kd = kind_[static_cast<std::size_t>(g)];
    if (kd == na || (kd == cc && (route[g] >= 0 || tot_[static_cast<std::size_t>(g)] != 0))) movable_.emplace_back(g, o);
  });
  NAVOX_CALL(VecRestoreArrayRead(route_l_, &route));
  // The ghosts a sweep must exchange: a voxel that is not movable never changes, and
  // one that also holds no Na (+0) has total, role, offer, give and moves 0 throughout,
  // which its ghosts hold from the assignments above. At 128^3 a sweep's four exchanges
  // and its passes over the ghosts then touch the pore space's ghosts only.
  {
    double* mark = delta_.data(); // as scratch: all zeros here and after
    for (const auto& [g, o] : movable_) mark[g] = 1;
    for (const std::int64_t g : held)
      if (holds(tot_[static_cast<std::size_t>(g)])) mark[g] = 1;
    halo_.fill(mark);
    std::vector<std::uint8_t> keep(kind_.size(), 0);
    for (const PetscInt g : halo_.ghosts()) keep[static_cast<std::size_t>(g)] = mark[g] != 0;
    // Back to zeros: the entries set above and the ghosts the fill wrote.
    for (const auto& [g, o] : movable_) mark[g] = 0;
    for (const std::int64_t g : held) mark[g] = 0;
    for (const PetscInt g : halo_.ghosts()) mark[g] = 0;
    int changed_ghosts = !sweep_halo_ || keep != sweep_ghosts_ ? 1 : 0, rebuild = 0;
    MPI_Allreduce(&changed_ghosts, &rebuild, 1, MPI_INT, MPI_MAX, grid_.comm());
    if (rebuild) {
      sweep_halo_ = std::make_unique<FaceHalo>(grid_, keep);
      sweep_ghosts_.swap(keep);
    }
  }
}

void SettleSweeps::queue(std::int64_t g, double dv) {
  const auto at = static_cast<std::size_t>(dv);
  if (at >= buckets_.size()) buckets_.resize(at + 1);
  buckets_[at].push_back(g);
}

template <class Next>
void SettleSweeps::spread(double* d, const std::vector<std::pair<std::int64_t, std::int64_t>>& rims, Next&& next) {
  auto& buckets = buckets_;
  std::size_t first = 0; // the lowest bucket that may hold an entry
  for (;;) {
    for (std::size_t at = first; at < buckets.size(); ++at) {
      // (queue may grow `buckets`: index, do not hold a reference across it.)
      for (std::size_t q = 0; q < buckets[at].size(); ++q) {
        const std::int64_t g = buckets[at][q];
        const double dv = static_cast<double>(at);
        if (dv > d[g]) continue; // lowered since it was queued
        for (int f = 0; f < 6; ++f) {
          const std::int64_t n = next(g, f);
          if (n >= 0 && d[n] > dv + 1) {
            d[n] = dv + 1;
            queue(n, dv + 1);
          }
        }
      }
      buckets[at].clear();
    }
    halo_.fill(d);
    int lowered = 0, any = 0;
    first = buckets.size();
    for (const auto& [g, n] : rims)
      if (d[n] >= 0 && d[n] + 1 < d[g]) {
        d[g] = d[n] + 1;
        queue(g, d[g]);
        first = std::min(first, static_cast<std::size_t>(d[g]));
        lowered = 1;
      }
    MPI_Allreduce(&lowered, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
    if (!any) break;
  }
}

void SettleSweeps::find_routes() {
  ScopedEvent event(Event::routes);
  const Box b = grid_.owned();
  // Na-holding voxels with an SE face neighbour: where Na leaving a contact comes out.
  {
    double* s = delta_.data(); // as scratch: all zeros between sweeps, and again after this
    std::vector<std::int64_t> set;
    for_each_owned([&](auto, auto, auto, std::int64_t g, std::int64_t) {
      bool at_se = false;
      if (kind_[static_cast<std::size_t>(g)] == na && !pressed_[static_cast<std::size_t>(g)])
        for (int f = 0; f < 6; ++f)
          at_se = at_se || (has(g, f) && kind_[static_cast<std::size_t>(g + face_step_[f])] == se);
      if (at_se) s[g] = 1.0, set.push_back(g);
    });
    halo_.fill(s);
    std::fill(at_se_.begin(), at_se_.end(), std::uint8_t{0});
    for (const std::int64_t g : set) at_se_[static_cast<std::size_t>(g)] = 1, s[g] = 0;
    for (const PetscInt g : halo_.ghosts()) at_se_[static_cast<std::size_t>(g)] = s[g] > 0 ? 1 : 0, s[g] = 0;
  }
  // Seeds: CC voxels with an SE face neighbour (contacts), 0 beside a Na-holding voxel at the SE.
  {
    PetscScalar* r = nullptr;
    NAVOX_CALL(VecGetArray(route_, &r));
    for_each_owned([&](auto i, auto j, auto k, std::int64_t g, std::int64_t o) {
      r[o] = -1;
      if (kind_[static_cast<std::size_t>(g)] != cc) return;
      bool contact = false, edge = false;
      for (int f = 0; f < 6; ++f) {
        if (!has(g, f)) continue;
        const std::size_t n = static_cast<std::size_t>(g + face_step_[f]);
        contact = contact || kind_[n] == se;
        edge = edge || at_se_[n];
      }
      if (contact) r[o] = edge ? 0.0 : kNoRoute;
    });
    NAVOX_CALL(VecRestoreArray(route_, &r));
  }
  // Breadth-first along the contact voxels: within the block a distance at a time from
  // its seeds (buckets, as find_paths), then across ranks from the face ghosts after each
  // exchange, until no rank shortens one. Exact integer steps, so the same distances as
  // the relaxation it replaces, which passed over the whole block once per step of
  // distance (a contact route across the collector took as many passes).
  exchange(route_, route_l_);
  PetscScalar* rl = nullptr; // ghosted: the owned contacts' distances, the ghosts' after each exchange
  NAVOX_CALL(VecGetArray(route_l_, &rl));
  for (auto& q : buckets_) q.clear();
  // Whether owned voxel g's face f leads to an owned voxel, or beyond the block to a ghost.
  auto within = [&](std::int64_t g, int f) {
    std::int64_t i, j, k;
    ghost_coords(g, i, j, k);
    return b.contains(i + kFaceOffset[f][0], j + kFaceOffset[f][1], k + kFaceOffset[f][2]);
  };
  std::vector<std::pair<std::int64_t, std::int64_t>> rims; // (owned contact, face ghost beyond the block)
  for_each_owned([&](auto, auto, auto, std::int64_t g, std::int64_t) {
    if (rl[g] < 0) return;
    if (rl[g] == 0) queue(g, 0.0);
    for (int f = 0; f < 6; ++f)
      if (has(g, f) && !within(g, f)) rims.emplace_back(g, g + face_step_[f]);
  });
  // (a voxel that is no contact holds -1: never lowered)
  spread(rl, rims, [&](std::int64_t g, int f) -> std::int64_t {
    return has(g, f) && within(g, f) ? g + face_step_[f] : -1;
  });
  {
    PetscScalar* r = nullptr;
    NAVOX_CALL(VecGetArray(route_, &r));
    for_each_owned([&](auto, auto, auto, std::int64_t g, std::int64_t o) { r[o] = rl[g]; });
    NAVOX_CALL(VecRestoreArray(route_, &r));
  }
  NAVOX_CALL(VecRestoreArray(route_l_, &rl));
  exchange(route_, route_l_);
}

void SettleSweeps::find_paths(const PetscScalar* tot) {
  ScopedEvent event(Event::paths);
  ++path_searches_;
  // dist: steps through Na-holding voxels to the nearest one with room. Exact shortest
  // paths (unit steps, so a breadth-first search with one bucket per distance within the
  // block, seeded from the ghosts after each exchange, until no rank lowers one): the same
  // integers on any partition. The buckets make it linear in the Na voxels; a priority
  // queue made it a third of a plating run.
  // Only the Na voxels' entries are read (an owned one's, a face ghost's after an
  // exchange), so only they are set: the rest of the arrays may hold old values.
  PetscScalar* d = nullptr;
  NAVOX_CALL(VecGetArray(dist_l_, &d));
  auto& buckets = buckets_;
  for (auto& q : buckets) q.clear();
  // Voxels with room are at 0. The search starts from the full ones beside them (at 1),
  // not from every voxel with room: most of the pore space has room, and a pass of the
  // search from each of them, reading six neighbours, was most of its time.
  std::vector<std::int64_t> full;
  for (const std::int64_t g : na_owned_) {
    d[g] = tot[g] < 1 - kTiny ? 0.0 : kNoRoute;
    if (d[g] != 0) full.push_back(g);
  }
  for (const std::int64_t g : full) {
    const unsigned link = links_[static_cast<std::size_t>(g)] >> 8; // Na neighbours in the block
    for (int f = 0; f < 6; ++f)
      if (((link >> f) & 1u) && d[g + face_step_[f]] == 0) {
        d[g] = 1;
        queue(g, 1.0);
        break;
      }
  }
  spread(d, rims_, [&](std::int64_t g, int f) -> std::int64_t { // Na neighbours in the block
    return (links_[static_cast<std::size_t>(g)] >> (8 + f)) & 1u ? g + face_step_[f] : -1;
  });
  // end: where a walled-in voxel's surplus is carried, following from each voxel the
  // first face (in face order) to a neighbour one step nearer, to the first voxel on
  // the way beside room (dist 1). Within the block in order of dist, then across ranks
  // by exchanges until no rank finds another.
  std::vector<std::pair<std::int64_t, std::int64_t>> chain; // (voxel, next voxel), ascending dist
  {
    // In order of (dist, voxel): the voxels in index order, each into its distance's bucket.
    for (const std::int64_t g : na_owned_)
      if (d[g] >= 2 && d[g] < kNoRoute) queue(g, d[g]);
    for (std::size_t at = 2; at < buckets.size(); ++at) {
      for (const std::int64_t g : buckets[at]) {
        const unsigned link = links_[static_cast<std::size_t>(g)]; // Na neighbours, ghosts too
        for (int f = 0; f < 6; ++f) {
          const std::int64_t n = g + face_step_[f];
          if (((link >> f) & 1u) && d[n] == d[g] - 1) {
            chain.emplace_back(g, n);
            break;
          }
        }
      }
      buckets[at].clear();
    }
  }
  // The first pass below reads the ends of face ghosts before any exchange.
  PetscScalar* e = nullptr;
  NAVOX_CALL(VecGetArray(end_l_, &e));
  for (const std::int64_t g : na_owned_) e[g] = -1.0;
  for (const PetscInt g : halo_.ghosts()) e[g] = -1.0;
  // Each pass keeps only the links whose end it did not find (in their order: a voxel
  // still follows the one it leads to), so that the passes after an exchange read what
  // crosses the rim and not the whole chain again.
  for (;;) {
    int found = 0, any = 0;
    std::size_t open = 0;
    for (const auto& link : chain) {
      const auto [g, n] = link;
      std::int64_t i, j, k;
      ghost_coords(n, i, j, k);
      const double to = d[n] == 1 ? global_index(i, j, k) : e[n];
      if (to >= 0) {
        e[g] = to;
        found = 1;
      } else {
        chain[open++] = link;
      }
    }
    chain.resize(open);
    MPI_Allreduce(&found, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
    if (!any) break;
    halo_.fill(e);
  }
  NAVOX_CALL(VecRestoreArray(end_l_, &e));
  NAVOX_CALL(VecRestoreArray(dist_l_, &d));
}

double SettleSweeps::local_end(const PetscScalar* tot, std::int64_t g0) {
  // Breadth-first from g0 through Na-holding voxels of the block, level by level, up to
  // the first level that holds a voxel with room, at D steps. The voxels on the shortest
  // paths are those whose distance to room (find_paths' dist) is D minus their steps
  // from g0, so find_paths' rule (from each voxel, the first face in face order to a
  // neighbour one step nearer room) picks the same next voxel among them, and the same
  // end (D - 1 steps from g0). Exact only while every voxel within D - 1 steps has all
  // its Na-holding neighbours in the block (no shorter path can leave it and return).
  auto& depth = depth_;
  auto& seen = seen_;
  // The Na-holding neighbour across face f of a voxel with links `link` within the block
  // (across a periodic face too, when the voxel there is this block's), or -1.
  auto across = [&](std::int64_t g, unsigned link, int f) -> std::int64_t {
    const std::int64_t n = g + face_step_[f];
    return (link >> (f + 8)) & 1u ? n : wrapped(n);
  };
  auto& level = levels_;
  seen.clear();
  seen.push_back(g0);
  depth[static_cast<std::size_t>(g0)] = 0;
  level.assign({0, 1});
  std::int32_t found = -1;
  bool fail = false;
  for (std::int32_t k = 0; found < 0 && !fail; ++k) {
    const std::size_t first = level[static_cast<std::size_t>(k)], last = level[static_cast<std::size_t>(k) + 1];
    if (first == last || seen.size() > kLocalSearch) {
      fail = true; // no room within the block (it may lie beyond), or too far
      break;
    }
    for (std::size_t q = first; q < last && !fail; ++q) {
      const std::int64_t g = seen[q];
      const unsigned link = links_[static_cast<std::size_t>(g)];
      for (int f = 0; f < 6; ++f) {
        if (!((link >> f) & 1u)) continue;
        const std::int64_t n = across(g, link, f);
        if (n < 0) {
          fail = true; // a Na-holding neighbour outside the block
          break;
        }
        if (depth[static_cast<std::size_t>(n)] >= 0) continue;
        depth[static_cast<std::size_t>(n)] = k + 1;
        seen.push_back(n);
        if (tot[n] < 1 - kTiny) found = k + 1;
      }
    }
    level.push_back(seen.size());
  }
  double end = -1;
  if (!fail) {
    // On a shortest path: the voxels with room at D steps, then back level by level, each
    // voxel with a neighbour on a shortest path one level further (marked by depth + D + 1).
    const std::int32_t mark = found + 1;
    auto on_path = [&](std::int64_t n, std::int32_t k) {
      return n >= 0 && depth[static_cast<std::size_t>(n)] == k + mark;
    };
    for (std::size_t q = level[static_cast<std::size_t>(found)]; q < level[static_cast<std::size_t>(found) + 1]; ++q)
      if (tot[seen[q]] < 1 - kTiny) depth[static_cast<std::size_t>(seen[q])] += mark;
    for (std::int32_t k = found - 1; k >= 1; --k)
      for (std::size_t q = level[static_cast<std::size_t>(k)]; q < level[static_cast<std::size_t>(k) + 1]; ++q) {
        const std::int64_t g = seen[q];
        const unsigned link = links_[static_cast<std::size_t>(g)];
        for (int f = 0; f < 6; ++f)
          if (((link >> f) & 1u) && on_path(across(g, link, f), k + 1)) {
            depth[static_cast<std::size_t>(g)] += mark;
            break;
          }
      }
    std::int64_t g = g0;
    for (std::int32_t k = 0; k + 1 < found; ++k) {
      const unsigned link = links_[static_cast<std::size_t>(g)];
      for (int f = 0; f < 6; ++f)
        if (((link >> f) & 1u) && on_path(across(g, link, f), k + 1)) {
          g = across(g, link, f);
          break;
        }
    }
    std::int64_t i, j, k;
    ghost_coords(g, i, j, k);
    end = global_index(i, j, k);
  }
  for (const std::int64_t g : seen) depth[static_cast<std::size_t>(g)] = -1;
  return end;
}

std::vector<double> SettleSweeps::to_ranks(const std::vector<std::vector<double>>& out) const {
  const int size = grid_.size();
  std::vector<int> send(static_cast<std::size_t>(size)), recv(send.size()), sdispl(send.size(), 0),
      rdispl(send.size(), 0);
  std::vector<double> sendbuf;
  for (int r = 0; r < size; ++r) {
    send[static_cast<std::size_t>(r)] = static_cast<int>(out[static_cast<std::size_t>(r)].size());
    sdispl[static_cast<std::size_t>(r)] = static_cast<int>(sendbuf.size());
    sendbuf.insert(sendbuf.end(), out[static_cast<std::size_t>(r)].begin(), out[static_cast<std::size_t>(r)].end());
  }
  MPI_Alltoall(send.data(), 1, MPI_INT, recv.data(), 1, MPI_INT, grid_.comm());
  int total = 0;
  for (int r = 0; r < size; ++r) {
    rdispl[static_cast<std::size_t>(r)] = total;
    total += recv[static_cast<std::size_t>(r)];
  }
  std::vector<double> in(static_cast<std::size_t>(total));
  MPI_Alltoallv(sendbuf.data(), send.data(), sdispl.data(), MPI_DOUBLE, in.data(), recv.data(), rdispl.data(),
                MPI_DOUBLE, grid_.comm());
  return in;
}

bool SettleSweeps::room_beside(const double* t, std::int64_t g) const {
  for (int f = 0; f < 6; ++f) {
    if (!has(g, f)) continue;
    const std::int64_t n = g + face_step_[f];
    if (kind_[static_cast<std::size_t>(n)] == na && t[n] < 1 - kTiny) return true;
  }
  return false;
}

std::size_t SettleSweeps::claim_rooms(const PetscScalar* t, std::size_t alone_until) {
  ScopedEvent event(Event::paths);
  // A key per voxel: steps from the nearest walled-in sender times 2^44, plus that
  // sender's global index (the lower on a tie). Both are integers below 2^53, so the key
  // is exact in a double and the smaller key is the nearer sender. The search goes a
  // distance at a time on every rank together, so that a sender whose rooms so far hold
  // its surplus stops there (its search reached tens of thousands of voxels for rooms a
  // few steps away): the rooms at a distance go to their senders' ranks, which sum them
  // in the order of the rooms' global indices and name the senders now satisfied; only
  // the others' full voxels pass the search on. The keys, the sums and so the claims are
  // the same on any partition.
  // Most sweeps' searches stay inside one block, and a distance at a time on every rank
  // made a reduction each (~23 a call, and four collectives more at a distance with
  // rooms: latency a cluster pays per sweep). So each rank first searches its block alone
  // (alone_until = kAlone), and the sweep keeps that when no rank's search reached its
  // rim; else all search again, alone up to the distance where the first search crossed
  // a rim (no key crossed one before it, so each rank's keys, rooms and sums are those of
  // the search together) and together from there.
  constexpr double kStep = 17592186044416.0; // 2^44 > any grid's voxel count here
  const double none = std::numeric_limits<double>::infinity();
  if (claim_.size() != kind_.size()) claim_.assign(kind_.size(), none);
  double* key = claim_.data();
  auto& touched = claim_touched_;
  const bool one = grid_.size() == 1;
  // At distance d, no other rank's keys or rooms (on one rank, or before alone_until).
  auto alone = [&](std::size_t d) { return one || d < alone_until; };
  // Until alone_until a rank with no voxels left to search goes on (to search together
  // from there); after it, the search ends when no rank has any.
  const bool rejoin = !one && alone_until != kAlone;
  auto steps = [&](double kv) { return static_cast<std::size_t>(kv / kStep); };
  auto source_of = [&](double kv) { return kv - static_cast<double>(steps(kv)) * kStep; };
  auto owner_of = [&](double source) {
    const auto [i, j, k] = voxel_of(source);
    return grid_.owner(i, j, k);
  };
  // Full voxels pass the search on; a voxel with room is reached, and filled, but not passed.
  auto full = [&](std::int64_t g) { return t[g] >= 1 - kTiny; };
  // This rank's senders: (global index, what it carries), ascending, and what is left
  // of it past the rooms found so far.
  std::vector<std::pair<double, double>> amounts;
  std::vector<double> left;
  std::vector<std::int64_t> frontier, next;
  auto set = [&](std::int64_t g, double kv) {
    if (key[g] == none) touched.push_back(g);
    key[g] = kv;
    next.push_back(g);
  };
  for (const auto& [g, o] : walled_) {
    const double amount = path_amount(o, t[g] - 1);
    if (amount <= kTiny) continue;
    std::int64_t i, j, k;
    ghost_coords(g, i, j, k);
    amounts.emplace_back(global_index(i, j, k), amount);
    left.push_back(amount);
    set(g, amounts.back().first);
  }
  std::vector<double> satisfied; // senders whose rooms hold their surplus, ascending (every rank)
  auto done = [&](double source) { return std::binary_search(satisfied.begin(), satisfied.end(), source); };
  struct Room {
    double source, steps, at, room;
    bool open;
  };
  std::vector<Room> rooms; // the rooms of this rank's senders
  std::vector<std::vector<double>> out(static_cast<std::size_t>(grid_.size()));
  // The voxels at `at` steps, their keys final (set from those one step nearer, in the
  // block or across its rim after the exchange below): whether any rank has one, and one
  // with room. Most distances have no room anywhere (deep in full Na), and then the
  // rooms' exchange and the senders' sums are skipped: one reduction a distance.
  // And whether any rank has a full one with a Na neighbour across the block's rim: the
  // only voxels another rank's search reads at this distance (its rim pass below). Most
  // distances have none (the search stays inside one block), and then their keys'
  // exchange is skipped: the keys are the same, the ghosts it would have refreshed fail
  // that pass's test either way.
  // And whether any rank has one keyed by another rank's sender (its search crossed a
  // rim before): only then do rooms go to other ranks, or does a rank ask whether another
  // rank's sender is satisfied (a sender satisfied at an earlier distance keys no voxel
  // this far out). With none, and no rim pass, the rooms' exchange and the naming of the
  // satisfied senders stay on each rank: four collectives fewer.
  bool any_rooms = false, rim_crossed = false, foreign = false;
  const Box me = grid_.owned();
  auto advance = [&](std::size_t d) { // the voxels at distance d
    frontier.swap(next);
    next.clear();
    std::sort(frontier.begin(), frontier.end());
    frontier.erase(std::unique(frontier.begin(), frontier.end()), frontier.end());
    int local[4] = {frontier.empty() ? 0 : 1, 0, 0, 0}, all[4] = {0, 0, 0, 0};
    for (const std::int64_t g : frontier) {
      const unsigned link = links_[static_cast<std::size_t>(g)];
      if (!full(g)) local[1] = 1;
      else if ((link & ~(link >> 8)) & 0x3Fu) local[2] = 1; // a Na neighbour outside the block
      if (!alone(d) && !local[3]) {
        const auto [i, j, k] = voxel_of(source_of(key[g]));
        if (!me.contains(i, j, k)) local[3] = 1;
      }
      if (local[1] && local[2] && (alone(d) || local[3])) break;
    }
    if (alone(d)) std::copy(local, local + 4, all);
    else MPI_Allreduce(local, all, 4, MPI_INT, MPI_MAX, grid_.comm());
    any_rooms = all[1] != 0;
    rim_crossed = all[2] != 0;
    foreign = all[3] != 0;
    return all[0] != 0 || (rejoin && d < alone_until);
  };
  advance(0); // the senders (full: no rooms)
  for (std::size_t at = 0;; ++at) {
    if (any_rooms) {
      for (auto& o : out) o.clear();
      for (const std::int64_t g : frontier) {
        if (full(g)) continue;
        std::int64_t i, j, k;
        ghost_coords(g, i, j, k);
        const double source = source_of(key[g]);
        auto& o = out[static_cast<std::size_t>(alone(at) || !foreign ? 0 : owner_of(source))];
        o.insert(o.end(), {source, static_cast<double>(at), global_index(i, j, k), 1 - std::max(t[g], 0.0),
                           room_beside(t, g) ? 1.0 : 0.0});
      }
      std::vector<double> in;
      if (alone(at) || !foreign) in.swap(out[0]);
      else in = to_ranks(out);
      const std::size_t before = rooms.size();
      for (std::size_t q = 0; q + 4 < in.size(); q += 5) rooms.push_back({in[q], in[q + 1], in[q + 2], in[q + 3], in[q + 4] > 0});
      // This distance's rooms per sender, in the order of their global indices: what is left
      // of each sender's surplus, as the fills below take it.
      std::sort(rooms.begin() + static_cast<std::ptrdiff_t>(before), rooms.end(),
                [](const Room& a, const Room& b) { return a.source != b.source ? a.source < b.source : a.at < b.at; });
      std::vector<double> now_done;
      for (std::size_t p = before; p < rooms.size();) {
        std::size_t end = p;
        double room = 0;
        for (; end < rooms.size() && rooms[end].source == rooms[p].source; ++end) room += rooms[end].room;
        const auto n = static_cast<std::size_t>(
            std::lower_bound(amounts.begin(), amounts.end(), std::make_pair(rooms[p].source, -1.0)) - amounts.begin());
        left[n] = room <= left[n] ? left[n] - room : 0.0;
        if (left[n] <= full_within_) now_done.push_back(rooms[p].source);
        p = end;
      }
      if (alone(at) || !(foreign || rim_crossed)) {
        satisfied.insert(satisfied.end(), now_done.begin(), now_done.end());
      } else {
        const int mine = static_cast<int>(now_done.size());
        std::vector<int> counts(static_cast<std::size_t>(grid_.size())), displ(counts.size(), 0);
        MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, grid_.comm());
        for (std::size_t r = 1; r < counts.size(); ++r) displ[r] = displ[r - 1] + counts[r - 1];
        const std::size_t was = satisfied.size();
        satisfied.resize(was + static_cast<std::size_t>(displ.back() + counts.back()));
        MPI_Allgatherv(now_done.data(), mine, MPI_DOUBLE, satisfied.data() + was, counts.data(), displ.data(),
                       MPI_DOUBLE, grid_.comm());
      }
      if (satisfied.size() > 1) std::sort(satisfied.begin(), satisfied.end());
    }
    if (at == kReach) break;
    // One step further from the full voxels of the senders still looking.
    for (const std::int64_t g : frontier) {
      if (!full(g) || done(source_of(key[g]))) continue;
      const double further = key[g] + kStep;
      const unsigned link = links_[static_cast<std::size_t>(g)];
      for (int f = 0; f < 6; ++f) {
        if (!((link >> f) & 1u)) continue;
        // A Na neighbour outside the block: across the rim below, or on one rank across a
        // periodic side (the ghost there copies a voxel of this block).
        const std::int64_t n =
            (link >> (f + 8)) & 1u ? g + face_step_[f] : (alone(at) ? wrapped(g + face_step_[f]) : -1);
        if (n >= 0 && further < key[n]) set(n, further);
        // Searching alone, a key for another rank's voxel (never on one rank, nor before
        // the first distance where any rank's first search found one): give up.
        if (n < 0 && alone(at)) {
          for (const std::int64_t v : touched) key[v] = none;
          touched.clear();
          claimed_.clear();
          return at;
        }
      }
    }
    if (!alone(at) && rim_crossed) {
      // (Only Na-holding ghosts' keys are read, and sweep_halo_ moves those.)
      sweep_halo_->fill(key);
      for (const auto& [g, n] : rims_) {
        if (key[n] == none || steps(key[n]) != at || !full(n) || done(source_of(key[n]))) continue;
        const double further = key[n] + kStep;
        if (further < key[g]) set(g, further);
      }
    }
    if (!advance(at + 1)) break;
  }
  // Back to infinity for the next sweep: the voxels set here and the ghosts.
  for (const std::int64_t g : touched) key[g] = none;
  if (rejoin)
    for (const PetscInt g : sweep_halo_->ghosts()) key[g] = none;
  touched.clear();
  // In order of (sender, steps, room): the sums below are made in the same order on any partition.
  std::sort(rooms.begin(), rooms.end(), [](const Room& a, const Room& b) {
    return a.source != b.source ? a.source < b.source : (a.steps != b.steps ? a.steps < b.steps : a.at < b.at);
  });
  claimed_.clear();
  for (std::size_t p = 0; p < rooms.size();) {
    std::size_t end = p;
    while (end < rooms.size() && rooms[end].source == rooms[p].source) ++end;
    const double amount = std::lower_bound(amounts.begin(), amounts.end(), std::make_pair(rooms[p].source, -1.0))->second;
    // Whole distances while the surplus lasts, the last one in proportion to its rooms' room.
    double left = amount, share = 1.0, open_room = 0.0;
    std::size_t whole = p, upto = p; // rooms[p, whole) fill up, rooms[whole, upto) take share × their room
    for (std::size_t q = p; q < end && left > full_within_;) {
      std::size_t r = q;
      double room = 0;
      for (; r < end && rooms[r].steps == rooms[q].steps; ++r) room += rooms[r].room;
      upto = r;
      if (room <= left) {
        left -= room;
        whole = r;
      } else {
        share = left / room;
        left = 0;
      }
      q = r;
    }
    // What is left past every room it reached goes to the open ones (room beside: they
    // pass it on), in proportion to their room; with none open it stays.
    if (left > full_within_)
      for (std::size_t q = p; q < end; ++q) open_room += rooms[q].open ? rooms[q].room : 0.0;
    const double beyond = left > full_within_ && open_room > 0 ? left / open_room : 0.0;
    double gave = 0;
    for (std::size_t q = p; q < end; ++q) {
      const double a = (q < whole ? rooms[q].room : (q < upto ? share * rooms[q].room : 0.0)) +
                       (rooms[q].open ? beyond * rooms[q].room : 0.0);
      if (a <= 0) continue;
      pushes_.push_back({rooms[q].at, rooms[q].source, a});
      gave += a;
    }
    const auto [i, j, k] = voxel_of(rooms[p].source);
    claimed_.emplace_back(grid_.owned().offset(i, j, k), gave);
    p = end;
  }
  std::sort(claimed_.begin(), claimed_.end());
  return kAlone;
}

void SettleSweeps::deliver(PetscScalar* delta, bool local) {
  ScopedEvent event(Event::paths);
  std::vector<Push> mine;
  if (local || grid_.size() == 1) {
    mine.swap(pushes_);
  } else {
    // Each push to the rank that owns its end voxel.
    std::vector<std::vector<double>> out(static_cast<std::size_t>(grid_.size()));
    for (const Push& p : pushes_) {
      const auto [i, j, k] = voxel_of(p.end);
      auto& o = out[static_cast<std::size_t>(grid_.owner(i, j, k))];
      o.insert(o.end(), {p.end, p.source, p.amount});
    }
    pushes_.clear();
    const std::vector<double> in = to_ranks(out);
    for (std::size_t q = 0; q + 2 < in.size(); q += 3) mine.push_back({in[q], in[q + 1], in[q + 2]});
  }
  // Summed per end voxel in the order of the senders' global indices: the same on any partition.
  std::sort(mine.begin(), mine.end(),
            [](const Push& a, const Push& b) { return a.end != b.end ? a.end < b.end : a.source < b.source; });
  for (std::size_t p = 0; p < mine.size();) {
    double sum = 0;
    std::size_t q = p;
    for (; q < mine.size() && mine[q].end == mine[p].end; ++q) sum += mine[q].amount;
    const auto [i, j, k] = voxel_of(mine[p].end);
    delta[ghost_index(i, j, k)] += sum;
    delivered_.push_back(ghost_index(i, j, k));
    p = q;
  }
  pushes_.swap(mine);
  pushes_.clear();
}

void SettleSweeps::store(Vec xi, Vec excess) {
  PetscScalar *x = nullptr, *e = nullptr;
  NAVOX_CALL(VecGetArray(xi, &x));
  NAVOX_CALL(VecGetArray(excess, &e));
  for_each_owned([&](auto, auto, auto, std::int64_t g, std::int64_t o) {
    const double t = tot_[static_cast<std::size_t>(g)];
    if (kind_[static_cast<std::size_t>(g)] == cc) {
      e[o] = t;
      return;
    }
    x[o] = std::clamp(t, 0.0, 1.0);
    e[o] = t - x[o];
  });
  NAVOX_CALL(VecRestoreArray(excess, &e));
  NAVOX_CALL(VecRestoreArray(xi, &x));
  // The work arrays go until the next load() (its allocation costs far less than a sweep).
  for (auto* v : {&tot_, &role_, &offer_give_, &delta_, &budget_, &sent_, &claim_}) std::vector<double>().swap(*v);
  std::vector<std::uint8_t>().swap(awake_);
  std::vector<std::uint32_t>().swap(awake_list_);
}

bool SettleSweeps::has_face(std::int64_t i, std::int64_t j, std::int64_t k, int f) const {
  const auto& d = grid_.spec().dims;
  const std::int64_t ni = i + kFaceOffset[f][0], nj = j + kFaceOffset[f][1], nk = k + kFaceOffset[f][2];
  if (nk < 0 || nk >= d[2]) return false;
  // Periodic lateral neighbours sit in the ghost layer, wrapped.
  return grid_.spec().periodic_lateral || (ni >= 0 && ni < d[0] && nj >= 0 && nj < d[1]);
}

double SettleSweeps::surplus(std::int64_t g) const {
  const double t = tot_[static_cast<std::size_t>(g)];
  return std::max(0.0, kind_[static_cast<std::size_t>(g)] == cc ? t : t - 1);
}

void SettleSweeps::set_bands(double surplus) {
  snap_within_ = kRoundingPerSurplus * (surplus + 1);
  full_within_ = kFullPerSurplus * (surplus + 1);
}

void SettleSweeps::snap(double& v, std::int64_t g) {
  double to = v;
  if (kind_[static_cast<std::size_t>(g)] == na && std::abs(v - 1) <= full_within_) to = 1;
  else if (std::abs(v) <= snap_within_) to = 0;
  if (to == v) return;
  rounding_ += v - to;
  v = to;
}

bool SettleSweeps::active(double t, std::int64_t g) const {
  return holds(t) && !(kind_[static_cast<std::size_t>(g)] == na && t >= 1 - kTiny && t <= 1 + kTiny);
}

void SettleSweeps::wake_around(std::int64_t g) {
  std::int64_t i, j, k;
  ghost_coords(g, i, j, k);
  const Box me = grid_.owned();
  auto set = [&](std::int64_t n) {
    if (awake_[static_cast<std::size_t>(n)]) return;
    awake_[static_cast<std::size_t>(n)] = 1;
    woken_.push_back(n);
  };
  if (me.contains(i, j, k)) set(g);
  for (int f = 0; f < 6; ++f) {
    const std::int64_t ni = i + kFaceOffset[f][0], nj = j + kFaceOffset[f][1], nk = k + kFaceOffset[f][2];
    if (me.contains(ni, nj, nk)) set(ghost_index(ni, nj, nk));
  }
}

void SettleSweeps::wake(const double* t) {
  // A round's first sweep: the room of sleeping voxels is found below (0 elsewhere).
  if (!awake_ready_)
    for (std::size_t o = 0; o < room_now_.size(); ++o) set_room(static_cast<std::int64_t>(o), 0);
  if (close_empty_) {
    // An empty voxel resting on SE or full Na compacts too: every movable voxel acts.
    if (!awake_ready_) {
      for (const auto& [g, o] : movable_) awake_[static_cast<std::size_t>(g)] = 1;
      awake_list_.resize(movable_.size());
      std::iota(awake_list_.begin(), awake_list_.end(), 0u);
      awake_ready_ = true;
    }
    woken_.clear();
    return;
  }
  if (!awake_ready_) {
    // A movable voxel that is active or has a face neighbour that is (ghosts included);
    // the others (no role, nothing offered or given, nothing received) sleep until a
    // neighbour becomes active. Their room does not change while they sleep.
    for (const auto& [g, o] : movable_) {
      bool live = active(t[g], g);
      for (int f = 0; f < 6 && !live; ++f) live = has(g, f) && active(t[g + face_step_[f]], g + face_step_[f]);
      if (live) awake_[static_cast<std::size_t>(g)] = 1;
      if (kind_[static_cast<std::size_t>(g)] != cc) set_room(o, t[g] < 1 - kTiny ? 1 : 0);
    }
    awake_ready_ = true;
    awake_list_.clear();
    for (std::size_t m = 0; m < movable_.size(); ++m)
      if (awake_[static_cast<std::size_t>(movable_[m].first)]) awake_list_.push_back(static_cast<std::uint32_t>(m));
    woken_.clear();
    return;
  } else {
    // Active face ghosts wake the owned voxels beside them (their moves may reach them).
    for (const PetscInt g : sweep_halo_->ghosts())
      if (active(t[g], g)) wake_around(g);
  }
  if (woken_.empty()) return;
  // The voxels woken since the last sweep (the movable ones: movable_ is in ascending
  // ghosted index), merged into the list in block order: scanning all of movable_ for
  // them took longer than the sweep's own work on the awake voxels.
  const std::size_t before = awake_list_.size();
  for (const std::int64_t g : woken_) {
    const auto it = std::lower_bound(movable_.begin(), movable_.end(), g,
                                     [](const std::pair<std::int64_t, std::int64_t>& m, std::int64_t v) { return m.first < v; });
    if (it != movable_.end() && it->first == g) awake_list_.push_back(static_cast<std::uint32_t>(it - movable_.begin()));
  }
  woken_.clear();
  std::sort(awake_list_.begin() + static_cast<std::ptrdiff_t>(before), awake_list_.end());
  std::inplace_merge(awake_list_.begin(), awake_list_.begin() + static_cast<std::ptrdiff_t>(before), awake_list_.end());
}

bool SettleSweeps::sweep(double& unplaced) {
  ScopedEvent event(Event::sweep);
  if (tot_.size() != kind_.size()) throw Error("settling: sweep() without load() since the last store()");
  const std::int64_t nz = grid_.spec().dims[2];
  // Runs f(i, j, k, g, o, kind) on the voxels load() found movable, in block order (g:
  // ghosted index, o: owned): a sweep's sums are made in the same order on every call.
  // Only the awake ones (wake()): a quiet voxel would do nothing, so skipping it changes nothing.
  auto for_movable = [&](auto&& f) {
    std::int64_t i, j, k;
    for (const std::uint32_t m : awake_list_) {
      const auto& [g, o] = movable_[m];
      ghost_coords(g, i, j, k);
      f(i, j, k, g, o, kind_[static_cast<std::size_t>(g)]);
    }
  };

  // Roles: senders hold more than fits (total > 1, or any in a CC voxel); requesters
  // hold less than 0 (a deficit, taken from any Na neighbour) or are partly filled
  // with SE or full Na right below them (compaction: the stack pressure pushes the
  // Na above, +z, down into them).
  sweep_halo_->fill(tot_.data());
  const double* t = tot_.data();
  wake(t);
  // A walled-in Na sender whose path local_end could not find; the voxels with room
  // changed; a walled-in Na sender at all (its surplus is delivered, a collective step).
  int flags[3] = {0, paths_stale_ ? 1 : 0, 0};
  {
    double* r = role_.data();
    for_movable([&](auto i, auto j, auto k, std::int64_t g, std::int64_t o, std::uint8_t kd) {
      const double tot = t[g];
      if (kd == cc) {
        r[g] = tot > kTiny ? sender : none;
        return;
      }
      set_room(o, tot < 1 - kTiny ? 1 : 0);
      int role = none;
      if (tot > 1 + kTiny) {
        role = sender;
        if (!room_beside(t, g)) { // walled in
          flags[2] = 1;
          walled_.emplace_back(g, o);
        }
      } else if (tot < -kTiny) role = deficit;
      else if ((tot > kTiny || close_empty_) && tot < 1 - kTiny && k > 0 && k + 1 < nz &&
               (budget_.empty() || budget_[static_cast<std::size_t>(o)] > kTiny)) {
        const std::int64_t gb = g + face_step_[kBelow];
        const std::uint8_t below = kind_[static_cast<std::size_t>(gb)];
        // On SE or on Na, full or not: the Na in a pore is pushed down as one plug,
        // not drained from its foot while the Na above it stays.
        if (below == se || (below == na && t[gb] > kTiny)) role = compaction;
      }
      r[g] = role;
    });
  }
  // Walled-in senders anywhere: their surplus goes to the rooms they reach (claim_rooms),
  // else along their paths; the voxels with room changed since the paths were found.
  if (room_changes_ != 0) flags[1] = 1;
  int paths[3] = {0, 0, 0};
  {
    int mine[2] = {flags[1], flags[2]}, all[2] = {0, 0};
    MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MAX, grid_.comm());
    paths[1] = all[0], paths[2] = all[1];
  }
  claimed_.clear();
  local_ends_.clear();
  bool pushes_local = false; // every rank's pushes end in its own block (all agree)
  if (paths[2]) {
    // The senders that reached no room within kReach: each one's own search, while their
    // voxels reached stay below half the block's (many senders at once, as after a lift,
    // share one global search).
    auto find_local_ends = [&]() {
      ScopedEvent event(Event::paths);
      const std::size_t budget = std::max<std::size_t>(kLocalSearch, room_now_.size() / 2);
      std::size_t spent = 0;
      flags[0] = 0;
      local_ends_.clear();
      for (const auto& [g, o] : walled_) {
        if (claimed_of(o) > 0) continue;
        double e = -1;
        if (spent < budget) {
          e = local_end(t, g);
          spent += seen_.size();
        }
        if (e < 0) flags[0] = 1;
        local_ends_.emplace_back(o, e);
      }
      std::sort(local_ends_.begin(), local_ends_.end()); // in block order already; kept so for the lookup
    };
    // Each rank's claims on its block alone, then one reduction: the nearest distance at
    // which any rank's search reached its rim (then all search again, together from
    // there), and whether any sender needs the paths.
    const std::size_t crossed = claim_rooms(t, kAlone);
    if (crossed == kAlone) find_local_ends();
    int mine[2] = {flags[0], crossed == kAlone ? 0 : static_cast<int>(kReach - crossed) + 1}, all[2] = {mine[0], mine[1]};
    if (grid_.size() > 1) MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MAX, grid_.comm());
    if (all[1]) {
      pushes_.clear(); // the claims' pushes, if this rank's search kept to its block
      claim_rooms(t, kReach + 1 - static_cast<std::size_t>(all[1]));
      find_local_ends();
      MPI_Allreduce(&flags[0], &all[0], 1, MPI_INT, MPI_MAX, grid_.comm());
    }
    paths[0] = all[0];
    // Claimed rooms and local path ends are owned voxels: deliver() need not send them.
    pushes_local = !all[1] && !paths[0];
  }
  walled_.clear();
  // The paths through Na, found again only when a walled-in sender needs them (its own
  // search left the block) and the voxels with room (or the labels) changed since they
  // were last found.
  if (paths[0] && paths[1]) {
    find_paths(t);
    room_seen_ = room_now_;
    room_changes_ = 0;
    paths_stale_ = false;
  }
  sweep_halo_->fill(role_.data());
  const double* rl = role_.data();

  // What each Na voxel can take from each sending neighbour, and give each requesting one.
  // A CC neighbour sends only into a voxel at the SE (Na leaves a contact along the SE).
  {
    double* og = offer_give_.data();
    for_movable([&](auto i, auto j, auto k, std::int64_t g, std::int64_t o, std::uint8_t kd) {
      if (kd != na) return;
      int senders = 0, takers = 0;
      for (int f = 0; f < 6; ++f) {
        if (!has(g, f)) continue;
        const std::int64_t n = g + face_step_[f];
        const int nr = static_cast<int>(rl[n]);
        if (nr == sender && (kind_[static_cast<std::size_t>(n)] == na || at_se_[static_cast<std::size_t>(g)])) ++senders;
        if (nr == deficit || (nr == compaction && f == kBelow)) ++takers;
      }
      const double tot = t[g];
      // Room below kTiny is no room: offering it would keep a walled-in sender from its
      // path while taking nothing (the move would be below kTiny).
      const double offer = senders > 0 && tot < 1 - kTiny ? (1 - std::max(tot, 0.0)) / senders : 0.0;
      // Open: room of its own and a neighbour with room beyond, so what it takes past its
      // room passes on (flagged by kOpen on top of the offer, which is at most 1).
      og[2 * g] = offer > 0 && room_beside(t, g) ? offer + kOpen : offer;
      og[2 * g + 1] = takers > 0 && static_cast<int>(rl[g]) != deficit && tot > kTiny ? tot / takers : 0.0;
    });
  }
  sweep_halo_->fill(offer_give_.data(), 2);

  // The moves, summed into a ghosted local vector and then into the owners'.
  double local[3] = {0, 0, 0}; // moved anything, unplaced deficit, the surplus after the moves
  {
    const double* og = offer_give_.data();
    auto ol = [og](std::int64_t n) { return og[2 * n]; };     // what n offers
    auto gl = [og](std::int64_t n) { return og[2 * n + 1]; }; // what n gives
    const PetscScalar *route = nullptr, *dist = nullptr, *end = nullptr;
    NAVOX_CALL(VecGetArrayRead(route_l_, &route));
    NAVOX_CALL(VecGetArrayRead(dist_l_, &dist));
    NAVOX_CALL(VecGetArrayRead(end_l_, &end));
    double* dl = delta_.data(); // all zeros here (see the end of the sweep)
    // (pushes_ holds claim_rooms()' pushes; deliver() empties it.)
    for_movable([&](auto i, auto j, auto k, std::int64_t g, std::int64_t o, std::uint8_t kd) {
      const int me = static_cast<int>(rl[g]);
      if (me == none) return;
      const double tot = t[g];
      // need > 0: volume to send; need < 0: volume wanted.
      const double need = me == sender ? (kd == cc ? tot : tot - 1) : (me == deficit ? tot : tot - 1);
      double cap[6] = {0, 0, 0, 0, 0, 0}, sum_cap = 0, open_cap = 0;
      bool open[6] = {false, false, false, false, false, false};
      for (int f = 0; f < 6; ++f) {
        if (!has(g, f)) continue;
        const std::int64_t n = g + face_step_[f];
        if (kind_[static_cast<std::size_t>(n)] != na || (kd == cc && !at_se_[static_cast<std::size_t>(n)])) continue;
        if (me == sender) {
          cap[f] = ol(n) >= kOpen ? ol(n) - kOpen : ol(n);
          if (ol(n) >= kOpen) open_cap += cap[f], open[f] = true;
        }
        else if (me == deficit || f == kAbove) cap[f] = gl(n);
        sum_cap += cap[f];
      }
      if (me == sender && sum_cap <= 0) {
        if (need <= kTiny) return;
        int to = -1;
        if (kd == cc) {
          // A walled-in CC contact voxel passes its surplus along the contact towards
          // its edge, and the edge voxel into its Na-holding neighbour at the SE (full or not).
          const double mine = route[g];
          for (int f = 0; f < 6 && to < 0 && mine >= 0 && mine < kNoRoute; ++f) {
            if (!has(g, f)) continue;
            const std::int64_t n = g + face_step_[f];
            if (mine == 0 ? at_se_[static_cast<std::size_t>(n)] != 0 : route[n] == mine - 1) to = f;
          }
          if (to >= 0) dl[g + face_step_[to]] += need;
        } else if (const double gave = claimed_of(o); gave > 0) {
          // A walled-in Na voxel that reached rooms: claim_rooms() pushed what they take.
          if (!sent_.empty()) sent_[static_cast<std::size_t>(o)] += gave;
          dl[g] -= gave;
          local[0] = 1;
          return;
        } else if (const double own = local_end_of(o),
                   path_end = own >= 0 ? own : (paths[0] && dist[g] < kNoRoute ? end[g] : -1.0);
                   path_end >= 0) {
          // A walled-in Na voxel with no room within kReach: its surplus is carried through
          // full Na to the end of its path; where creep limits the flow, no more than the
          // share of all it held (path_amount).
          const double amount = path_amount(o, need);
          if (amount > kTiny) {
            pushes_.push_back({path_end, global_index(i, j, k), amount});
            if (!sent_.empty()) sent_[static_cast<std::size_t>(o)] += amount;
            dl[g] -= amount;
            local[0] = 1;
          }
          return;
        }
        // With nowhere to go the surplus stays (overflow): the collector lifts.
        if (to >= 0) {
          dl[g] -= need;
          local[0] = 1;
        }
        return;
      }
      double amount = std::min(std::abs(need), sum_cap);
      if (me == compaction && !budget_.empty()) {
        double& budget = budget_[static_cast<std::size_t>(o)];
        amount = std::min(amount, budget);
        budget -= amount;
      }
      if (amount <= kTiny) {
        if (me == deficit) local[1] += -tot;
        return;
      }
      // Shared in proportion to what each neighbour can take or give. A Na sender with
      // more than its neighbours' room passes the rest through the open ones, in
      // proportion to their room: the Na pushed into free space spreads on through it in
      // the same step (a pore fills outward from where the Na enters it, a voxel per sweep
      // along every direction at once, not one voxel at a time).
      const double sign = need > 0 ? 1.0 : -1.0;
      const double beyond = me == sender && kd == na && open_cap > 0 ? need - amount : 0.0;
      for (int f = 0; f < 6; ++f) {
        if (cap[f] <= 0) continue;
        double a = sign * amount * cap[f] / sum_cap;
        if (open[f] && beyond > 0) a += beyond * cap[f] / open_cap;
        dl[g + face_step_[f]] += a;
        dl[g] -= a;
      }
      local[0] = 1;
    });
    if (paths[2]) deliver(dl, pushes_local);
    NAVOX_CALL(VecRestoreArrayRead(end_l_, &end));
    NAVOX_CALL(VecRestoreArrayRead(dist_l_, &dist));
    NAVOX_CALL(VecRestoreArrayRead(route_l_, &route));
  }
  // The moves into other blocks' voxels to their owners, then onto the totals.
  sweep_halo_->add_to_owners(delta_.data());
  // Moves land only on awake voxels (a neighbour's move needs their offer or give; a
  // path's end holds Na, and deliver() names it) and face ghosts: those change, and are
  // all the entries of delta_ to zero again for the next sweep. A voxel that becomes
  // active wakes its neighbours for the next sweep.
  // (An active voxel already has its neighbours awake.)
  auto land = [&](std::int64_t g) {
    double& v = tot_[static_cast<std::size_t>(g)];
    const bool was = active(v, g);
    v += delta_[static_cast<std::size_t>(g)];
    delta_[static_cast<std::size_t>(g)] = 0.0;
    snap(v, g);
    local[2] += surplus(g);
    if (!was && active(v, g)) wake_around(g);
  };
  for (const std::uint32_t m : awake_list_) land(movable_[m].first);
  // (A delivery's amount is positive: one still in delta_ found its end voxel asleep.)
  // A room filled to full is quiet: woken all the same, so that the next sweep notes its room gone.
  for (const std::int64_t g : delivered_) {
    if (delta_[static_cast<std::size_t>(g)] != 0) land(g);
    if (!awake_[static_cast<std::size_t>(g)]) wake_around(g);
  }
  delivered_.clear();
  for (const PetscInt g : sweep_halo_->ghosts()) delta_[static_cast<std::size_t>(g)] = 0.0;
  double global[3] = {0, 0, 0};
  MPI_Allreduce(local, global, 3, MPI_DOUBLE, MPI_SUM, grid_.comm());
  unplaced = global[1];
  // (A voxel that is not awake is quiet: its surplus is within kTiny of none.)
  set_bands(global[2]);
  return global[0] > 0;
}

} // namespace navox
