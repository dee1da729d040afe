#include "solver/sodium/settle_sweeps.hpp"

#include "mesh/error.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/stencil.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/app/log_events.hpp"

#include <algorithm>
#include <cmath>

namespace navox {

namespace {

constexpr double kTiny = physics::SodiumMetal::kTolerance; ///< amounts at or below this (voxel volumes) are not Na
constexpr int kClimbTag = 7301;  ///< MPI tag of the climb's carry between ranks in z

enum Role : int { none = 0, sender = 1, deficit = 2, compaction = 3 };
constexpr int kBelow = 4, kAbove = 5; ///< the -z and +z faces (mesh/stencil.hpp)
constexpr double kNoRoute = 1e9;      ///< a CC contact voxel with no Na-holding space reachable along the contact

} // namespace

SettleSweeps::SettleSweeps(const Grid& grid) : grid_(grid) {
  DM dm = grid.scalar_dm();
  PetscInt x = 0, y = 0, z = 0, m = 0, n = 0, p = 0;
  NAVOX_CALL(DMDAGetGhostCorners(dm, &x, &y, &z, &m, &n, &p));
  g_lo_[0] = x, g_lo_[1] = y, g_lo_[2] = z;
  g_n_[0] = m, g_n_[1] = n, g_n_[2] = p;
  for (int f = 0; f < 6; ++f)
    face_step_[f] = kFaceOffset[f][0] + g_n_[0] * (kFaceOffset[f][1] + g_n_[1] * kFaceOffset[f][2]);
  kind_.assign(static_cast<std::size_t>(m * n * p), other);
  for (Vec* v : {&tot_, &role_, &offer_, &give_, &delta_, &route_}) {
    NAVOX_CALL(DMCreateGlobalVector(dm, v));
    NAVOX_CALL(VecSet(*v, 0.0));
  }
  for (Vec* v : {&tot_l_, &role_l_, &offer_l_, &give_l_, &delta_l_, &route_l_}) NAVOX_CALL(DMCreateLocalVector(dm, v));
  // The blocks above and below share this block's columns (a DMDA partition is a tensor product).
  const Box me = grid.owned();
  for (int r = 0; r < grid.size(); ++r) {
    const Box& b = grid.blocks()[static_cast<std::size_t>(r)];
    if (b.lo[0] != me.lo[0] || b.lo[1] != me.lo[1]) continue;
    if (b.hi(2) == me.lo[2]) below_ = r;
    if (b.lo[2] == me.hi(2)) above_ = r;
  }
  carry_.assign(static_cast<std::size_t>(me.n[0] * me.n[1]), 0.0);
}

SettleSweeps::~SettleSweeps() {
  for (Vec* v : {&tot_, &role_, &offer_, &give_, &delta_, &route_, &tot_l_, &role_l_, &offer_l_, &give_l_, &delta_l_,
                 &route_l_})
    if (*v) (void)VecDestroy(v);
}

void SettleSweeps::exchange(Vec global, Vec local) const {
  NAVOX_CALL(DMGlobalToLocalBegin(grid_.scalar_dm(), global, INSERT_VALUES, local));
  NAVOX_CALL(DMGlobalToLocalEnd(grid_.scalar_dm(), global, INSERT_VALUES, local));
}

void SettleSweeps::load(Vec labels, const MaterialTable& materials, Vec xi, Vec excess) {
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
  // The routes along the contacts depend on the labels alone: found again only when they change.
  int changed = kind_ != kind_routed_ ? 1 : 0, any = 0;
  MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
  if (any) {
    find_routes();
    kind_routed_ = kind_;
  }
  NAVOX_CALL(VecWAXPY(tot_, 1.0, xi, excess));
  // Voxels that neither hold Na nor are CC keep role, offer and give 0 until the next load.
  for (Vec v : {role_, offer_, give_}) NAVOX_CALL(VecSet(v, 0.0));
}

void SettleSweeps::find_routes() {
  const Box b = grid_.owned();
  // Seeds: CC voxels with an SE face neighbour (contacts), 0 beside Na-holding space.
  {
    PetscScalar* r = nullptr;
    NAVOX_CALL(VecGetArray(route_, &r));
    std::int64_t o = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i, ++o) {
          const std::int64_t g = ghost_index(i, j, k);
          r[o] = -1;
          if (kind_[static_cast<std::size_t>(g)] != cc) continue;
          bool contact = false, beside_na = false;
          for (int f = 0; f < 6; ++f) {
            if (!has_face(i, j, k, f)) continue;
            const std::uint8_t n = kind_[static_cast<std::size_t>(g + face_step_[f])];
            contact = contact || n == se;
            beside_na = beside_na || n == na;
          }
          if (contact) r[o] = beside_na ? 0.0 : kNoRoute;
        }
    NAVOX_CALL(VecRestoreArray(route_, &r));
  }
  // Breadth-first along the contact voxels, one layer per exchange, until nothing shortens.
  for (;;) {
    exchange(route_, route_l_);
    const PetscScalar* rl = nullptr;
    PetscScalar* r = nullptr;
    NAVOX_CALL(VecGetArrayRead(route_l_, &rl));
    NAVOX_CALL(VecGetArray(route_, &r));
    int shortened = 0;
    std::int64_t o = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i, ++o) {
          if (r[o] <= 0) continue;
          const std::int64_t g = ghost_index(i, j, k);
          for (int f = 0; f < 6; ++f)
            if (has_face(i, j, k, f) && rl[g + face_step_[f]] >= 0 && rl[g + face_step_[f]] + 1 < r[o]) {
              r[o] = rl[g + face_step_[f]] + 1;
              shortened = 1;
            }
        }
    NAVOX_CALL(VecRestoreArray(route_, &r));
    NAVOX_CALL(VecRestoreArrayRead(route_l_, &rl));
    int any = 0;
    MPI_Allreduce(&shortened, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
    if (!any) break;
  }
  exchange(route_, route_l_);
}

void SettleSweeps::store(Vec xi, Vec excess) const {
  const Box b = grid_.owned();
  const PetscScalar* t = nullptr;
  PetscScalar *x = nullptr, *e = nullptr;
  NAVOX_CALL(VecGetArrayRead(tot_, &t));
  NAVOX_CALL(VecGetArray(xi, &x));
  NAVOX_CALL(VecGetArray(excess, &e));
  std::int64_t o = 0;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i, ++o) {
        if (kind_[static_cast<std::size_t>(ghost_index(i, j, k))] == cc) {
          e[o] = t[o];
          continue;
        }
        x[o] = std::clamp(t[o], 0.0, 1.0);
        e[o] = t[o] - x[o];
      }
  NAVOX_CALL(VecRestoreArray(excess, &e));
  NAVOX_CALL(VecRestoreArray(xi, &x));
  NAVOX_CALL(VecRestoreArrayRead(tot_, &t));
}

bool SettleSweeps::passes(const PetscScalar* tot, std::int64_t i, std::int64_t j, std::int64_t k) const {
  // Full (or CC), walled in (no Na-holding neighbour with room), with Na or CC above to climb into.
  const auto& d = grid_.spec().dims;
  const std::int64_t g = ghost_index(i, j, k);
  const std::uint8_t me = kind_[static_cast<std::size_t>(g)];
  if (!(me == cc || (me == na && tot[g] >= 1 - kTiny)) || k + 1 >= d[2]) return false;
  const std::uint8_t up = kind_[static_cast<std::size_t>(g + face_step_[kAbove])];
  if (up != na && up != cc) return false;
  for (int f = 0; f < 6; ++f) {
    if (!has_face(i, j, k, f)) continue;
    const std::int64_t n = g + face_step_[f];
    if (kind_[static_cast<std::size_t>(n)] == na && tot[n] < 1 - kTiny) return false;
  }
  return true;
}

bool SettleSweeps::has_face(std::int64_t i, std::int64_t j, std::int64_t k, int f) const {
  const auto& d = grid_.spec().dims;
  const std::int64_t ni = i + kFaceOffset[f][0], nj = j + kFaceOffset[f][1], nk = k + kFaceOffset[f][2];
  if (nk < 0 || nk >= d[2]) return false;
  // Periodic lateral neighbours sit in the ghost layer, wrapped.
  return grid_.spec().periodic_lateral || (ni >= 0 && ni < d[0] && nj >= 0 && nj < d[1]);
}

void SettleSweeps::climb(const PetscScalar* tot, PetscScalar* delta) {
  ScopedEvent event(Event::climb);
  // Pushes arrive in loop order (k, then j, i); the scan wants each column bottom to top.
  std::stable_sort(pushes_.begin(), pushes_.end(),
                   [](const Push& a, const Push& b) { return a.column != b.column ? a.column < b.column : a.k < b.k; });
  const Box b = grid_.owned();
  if (below_ >= 0)
    MPI_Recv(carry_.data(), static_cast<int>(carry_.size()), MPI_DOUBLE, below_, kClimbTag, grid_.comm(),
             MPI_STATUS_IGNORE);
  else
    std::fill(carry_.begin(), carry_.end(), 0.0);
  std::size_t p = 0;
  for (std::int64_t c = 0; c < static_cast<std::int64_t>(carry_.size()); ++c) {
    const bool pushed = p < pushes_.size() && pushes_[p].column == c;
    if (carry_[c] == 0 && !pushed) continue;
    const std::int64_t i = b.lo[0] + c % b.n[0], j = b.lo[1] + c / b.n[0];
    double cur = carry_[c];
    std::int64_t k = cur != 0 ? b.lo[2] : pushes_[p].k;
    while (k < b.hi(2)) {
      // What climbs into a voxel that does not pass it on stays there.
      if (cur != 0 && !passes(tot, i, j, k)) {
        delta[ghost_index(i, j, k)] += cur;
        cur = 0;
      }
      if (p < pushes_.size() && pushes_[p].column == c && pushes_[p].k == k) cur += pushes_[p++].amount;
      if (cur == 0) {
        if (p < pushes_.size() && pushes_[p].column == c) {
          k = pushes_[p].k;
          continue;
        }
        break;
      }
      ++k;
    }
    carry_[c] = k >= b.hi(2) ? cur : 0.0;
  }
  if (above_ >= 0)
    MPI_Send(carry_.data(), static_cast<int>(carry_.size()), MPI_DOUBLE, above_, kClimbTag, grid_.comm());
}

bool SettleSweeps::sweep(double& unplaced) {
  ScopedEvent event(Event::sweep);
  const Box b = grid_.owned();
  const std::int64_t nz = grid_.spec().dims[2];
  // Runs f(i, j, k, g, o) on the owned voxels that hold Na or are CC (g: ghosted index, o: owned).
  auto for_movable = [&](auto&& f) {
    std::int64_t o = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j) {
        std::int64_t g = ghost_index(b.lo[0], j, k);
        for (auto i = b.lo[0]; i < b.hi(0); ++i, ++o, ++g) {
          const std::uint8_t kd = kind_[static_cast<std::size_t>(g)];
          if (kd == na || kd == cc) f(i, j, k, g, o, kd);
        }
      }
  };

  // Roles: senders hold more than fits (total > 1, or any in a CC voxel); requesters
  // hold less than 0 (a deficit, taken from any Na neighbour) or are partly filled
  // with SE or full Na right below them (compaction: the stack pressure pushes the
  // Na above, +z, down into them).
  exchange(tot_, tot_l_);
  const PetscScalar* t = nullptr;
  NAVOX_CALL(VecGetArrayRead(tot_l_, &t));
  {
    PetscScalar* r = nullptr;
    NAVOX_CALL(VecGetArray(role_, &r));
    for_movable([&](auto i, auto j, auto k, std::int64_t g, std::int64_t o, std::uint8_t kd) {
      const double tot = t[g];
      if (kd == cc) {
        r[o] = tot > kTiny ? sender : none;
        return;
      }
      int role = none;
      if (tot > 1 + kTiny) role = sender;
      else if (tot < -kTiny) role = deficit;
      else if (tot > kTiny && tot < 1 - kTiny && k > 0 && k + 1 < nz) {
        const std::int64_t gb = g + face_step_[kBelow];
        const std::uint8_t below = kind_[static_cast<std::size_t>(gb)];
        if (below == se || (below == na && t[gb] >= 1 - kTiny)) role = compaction;
      }
      r[o] = role;
    });
    NAVOX_CALL(VecRestoreArray(role_, &r));
  }
  exchange(role_, role_l_);
  const PetscScalar* rl = nullptr;
  NAVOX_CALL(VecGetArrayRead(role_l_, &rl));

  // What each Na voxel can take from each sending neighbour, and give each requesting one.
  {
    PetscScalar *o_ = nullptr, *g_ = nullptr;
    NAVOX_CALL(VecGetArray(offer_, &o_));
    NAVOX_CALL(VecGetArray(give_, &g_));
    for_movable([&](auto i, auto j, auto k, std::int64_t g, std::int64_t o, std::uint8_t kd) {
      if (kd != na) return;
      int senders = 0, takers = 0;
      for (int f = 0; f < 6; ++f) {
        if (!has_face(i, j, k, f)) continue;
        const int nr = static_cast<int>(rl[g + face_step_[f]]);
        if (nr == sender) ++senders;
        if (nr == deficit || (nr == compaction && f == kBelow)) ++takers;
      }
      const double tot = t[g];
      // Room below kTiny is no room: offering it would stop a walled-in sender's climb
      // while taking nothing (the move would be below kTiny).
      o_[o] = senders > 0 && tot < 1 - kTiny ? (1 - std::max(tot, 0.0)) / senders : 0.0;
      g_[o] = takers > 0 && static_cast<int>(rl[g]) != deficit && tot > kTiny ? tot / takers : 0.0;
    });
    NAVOX_CALL(VecRestoreArray(give_, &g_));
    NAVOX_CALL(VecRestoreArray(offer_, &o_));
  }
  exchange(offer_, offer_l_);
  exchange(give_, give_l_);

  // The moves, summed into a ghosted local vector and then into the owners'.
  double local[2] = {0, 0}; // moved anything, unplaced deficit
  {
    const PetscScalar *ol = nullptr, *gl = nullptr;
    PetscScalar* dl = nullptr;
    NAVOX_CALL(VecGetArrayRead(offer_l_, &ol));
    NAVOX_CALL(VecGetArrayRead(give_l_, &gl));
    NAVOX_CALL(VecSet(delta_l_, 0.0));
    NAVOX_CALL(VecGetArray(delta_l_, &dl));
    pushes_.clear();
    const PetscScalar* route = nullptr;
    NAVOX_CALL(VecGetArrayRead(route_l_, &route));
    for_movable([&](auto i, auto j, auto k, std::int64_t g, std::int64_t, std::uint8_t kd) {
      const int me = static_cast<int>(rl[g]);
      if (me == none) return;
      const double tot = t[g];
      // need > 0: volume to send; need < 0: volume wanted.
      const double need = me == sender ? (kd == cc ? tot : tot - 1) : (me == deficit ? tot : tot - 1);
      double cap[6] = {0, 0, 0, 0, 0, 0}, sum_cap = 0;
      for (int f = 0; f < 6; ++f) {
        if (!has_face(i, j, k, f)) continue;
        const std::int64_t n = g + face_step_[f];
        if (kind_[static_cast<std::size_t>(n)] != na) continue;
        if (me == sender) cap[f] = ol[n];
        else if (me == deficit || f == kAbove) cap[f] = gl[n];
        sum_cap += cap[f];
      }
      // A walled-in CC contact voxel passes its surplus along the contact towards its
      // edge, and the edge voxel into its Na-holding neighbour (full or not).
      if (me == sender && kd == cc && sum_cap <= 0 && need > kTiny) {
        const double mine = route[g];
        int to = -1;
        for (int f = 0; f < 6 && to < 0 && mine >= 0 && mine < kNoRoute; ++f) {
          if (!has_face(i, j, k, f)) continue;
          const std::int64_t n = g + face_step_[f];
          if (mine == 0 ? kind_[static_cast<std::size_t>(n)] == na : route[n] == mine - 1) to = f;
        }
        if (to >= 0) {
          dl[g + face_step_[to]] += need;
          dl[g] -= need;
          local[0] = 1;
          return;
        }
      }
      // A sender walled in (by full Na or CC solid) pushes its surplus up its column,
      // through Na and CC, until it meets room (a pore of the collector) or the top;
      // climb() takes it there in this sweep.
      if (me == sender && sum_cap <= 0 && k + 1 < nz) {
        const std::uint8_t up = kind_[static_cast<std::size_t>(g + face_step_[kAbove])];
        if ((up == na || up == cc) && need > kTiny) {
          pushes_.push_back({(j - b.lo[1]) * b.n[0] + (i - b.lo[0]), k, need});
          dl[g] -= need;
          local[0] = 1;
          return;
        }
      }
      const double amount = std::min(std::abs(need), sum_cap);
      if (amount <= kTiny) {
        if (me == deficit) local[1] += -tot;
        return;
      }
      // Shared in proportion to what each neighbour can take or give.
      const double sign = need > 0 ? 1.0 : -1.0;
      for (int f = 0; f < 6; ++f) {
        if (cap[f] <= 0) continue;
        const double a = sign * amount * cap[f] / sum_cap;
        dl[g + face_step_[f]] += a;
        dl[g] -= a;
      }
      local[0] = 1;
    });
    NAVOX_CALL(VecRestoreArrayRead(route_l_, &route));
    climb(t, dl);
    NAVOX_CALL(VecRestoreArray(delta_l_, &dl));
    NAVOX_CALL(VecRestoreArrayRead(give_l_, &gl));
    NAVOX_CALL(VecRestoreArrayRead(offer_l_, &ol));
  }
  NAVOX_CALL(VecRestoreArrayRead(role_l_, &rl));
  NAVOX_CALL(VecRestoreArrayRead(tot_l_, &t));
  NAVOX_CALL(VecSet(delta_, 0.0));
  NAVOX_CALL(DMLocalToGlobalBegin(grid_.scalar_dm(), delta_l_, ADD_VALUES, delta_));
  NAVOX_CALL(DMLocalToGlobalEnd(grid_.scalar_dm(), delta_l_, ADD_VALUES, delta_));
  NAVOX_CALL(VecAXPY(tot_, 1.0, delta_));
  double global[2] = {0, 0};
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  unplaced = global[1];
  return global[0] > 0;
}

} // namespace navox
