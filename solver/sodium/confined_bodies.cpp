// SodiumModel::confined_bodies: the bodies of Na that hold surplus with no room, which
// the force balance on the collector asks about before a lift (SodiumModel::settle,
// MechanicsModule's lift rule).
#include "solver/sodium/sodium.hpp"

#include "mesh/connected_components.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/reductions.hpp"
#include "mesh/stencil.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/app/log_events.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace navox {

namespace {

constexpr double kTiny = physics::SodiumMetal::kTolerance;
constexpr int kDown = 4, kUp = 5; ///< the −z and +z faces (mesh/stencil.hpp)

/// One body's sums on one rank, merged over ranks in the order of the labels.
struct Tally {
  double area = 0;  ///< SE faces under it less SE faces over it [faces] (integers)
  double drive = 0; ///< [V]
  double open = 0, surplus = 0; ///< 0 or 1
  void merge(const Tally& o) {
    area += o.area;
    drive = std::max(drive, o.drive);
    open = std::max(open, o.open);
    surplus = std::max(surplus, o.surplus);
  }
};

} // namespace

void SodiumModel::pressed_drive(const IonicPotential& ionic, Vec out) const {
  confined_bodies(&ionic, nullptr, out, &ElectrodeFace::eta_old);
}

std::vector<ConfinedBody> SodiumModel::confined_bodies(const IonicPotential* ionic, Vec mark, Vec drive,
                                                       double ElectrodeFace::*eta_member) const {
  ScopedEvent event(Event::pressed);
  if (!eta_member) eta_member = &ElectrodeFace::eta;
  PetscReal most = 0;
  NAVOX_CALL(VecMax(excess_, nullptr, &most));
  if (!(most > kTiny)) { // the settling placed everything (every step of most runs)
    if (mark) NAVOX_CALL(VecSet(mark, 0.0));
    if (drive) NAVOX_CALL(VecSet(drive, 0.0));
    return {};
  }
  // The bodies: voxels holding Na (ξ or overflow) and CC voxels holding overflow (Na
  // squeezed in an SE|CC contact), 6-connected. clean() has left no rounding amounts.
  ScalarVector mask(grid_);
  {
    OwnedRead lab(grid_, labels_), xi(grid_, xi_), ex(grid_, excess_); // pointwise
    Owned m(grid_, mask);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const bool na = holds_na(lab(i, j, k)) && (xi(i, j, k) != 0 || ex(i, j, k) != 0);
      m(i, j, k) = (na || ex(i, j, k) > kTiny) ? 1 : 0;
    });
  }
  ComponentLabels comp = connected_components(grid_, mask);
  std::map<double, Tally> mine;
  {
    Ghosted lab(grid_, labels_), xi(grid_, xi_), ex(grid_, excess_), body(grid_, comp.labels);
    auto is_se = [&](std::int64_t i, std::int64_t j, std::int64_t k, int face) {
      std::int64_t ni, nj, nk;
      return neighbour(grid_, i, j, k, face, ni, nj, nk) && phase_of(lab(ni, nj, nk)) == Phase::SE;
    };
    double last = -1; // runs of one body's voxels look it up once
    Tally* at = nullptr;
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double b = body(i, j, k);
      if (b < 0) return;
      if (b != last) last = b, at = &mine[b];
      Tally& t = *at;
      const double total = xi(i, j, k) + ex(i, j, k);
      if (ex(i, j, k) > kTiny) t.surplus = 1;
      // Pressed against the SE below it, it pushes the collector up; against SE above
      // it (a collector overhang's underside is CC, so this is SE reaching over), down.
      t.area += (is_se(i, j, k, kDown) ? 1.0 : 0.0) - (is_se(i, j, k, kUp) ? 1.0 : 0.0);
      if (!holds_na(lab(i, j, k))) return;
      if (total < 1 - kTiny) t.open = 1;
      for (int f = 0; f < 6 && t.open == 0; ++f) {
        std::int64_t ni, nj, nk;
        if (neighbour(grid_, i, j, k, f, ni, nj, nk) && holds_na(lab(ni, nj, nk)) && xi(ni, nj, nk) == 0 &&
            ex(ni, nj, nk) == 0)
          t.open = 1; // an empty pore beside it
      }
    });
    if (ionic) { // the faces' η, on the SE voxel's rank (the metal voxel may be a ghost)
      const Box ob = grid_.owned();
      const std::vector<std::size_t>& slots = ionic->electrode_slots();
      for (std::size_t n = 0; n < slots.size(); ++n) {
        const auto [i, j, k] = ob.voxel(static_cast<std::int64_t>(slots[n] / 6));
        std::int64_t ni, nj, nk;
        if (!neighbour(grid_, i, j, k, static_cast<int>(slots[n] % 6), ni, nj, nk)) continue;
        const double b = body(ni, nj, nk), eta = ionic->faces()[n].*eta_member;
        if (b >= 0 && eta < 0) mine[b].drive = std::max(mine[b].drive, -eta);
      }
    }
  }
  // Every rank's tallies to every rank (few bodies hold surplus; the others are dropped
  // first), merged in the order of the labels: the same sums on any partition.
  std::vector<double> local;
  {
    std::set<double> wanted; // bodies with surplus on this rank; the others' tallies may hold their drive
    for (const auto& [b, t] : mine)
      if (t.surplus > 0) wanted.insert(b);
    std::vector<double> w(wanted.begin(), wanted.end());
    const std::vector<std::int64_t> all = union_of_labels(grid_, std::vector<std::int64_t>(w.begin(), w.end()));
    for (const std::int64_t b : all) {
      const auto it = mine.find(double(b));
      if (it == mine.end()) continue;
      const Tally& t = it->second;
      local.insert(local.end(), {double(b), t.area, t.drive, t.open, t.surplus});
    }
  }
  const std::vector<double> gathered = gather_all(grid_, local);
  std::map<double, Tally> bodies;
  for (std::size_t at = 0; at + 5 <= gathered.size(); at += 5)
    bodies[gathered[at]].merge(Tally{gathered[at + 1], gathered[at + 2], gathered[at + 3], gathered[at + 4]});
  const auto& h = grid_.spec().spacing;
  std::vector<ConfinedBody> out;
  for (const auto& [b, t] : bodies) out.push_back({t.area * h[0] * h[1], t.drive, t.open > 0});
  for (Vec v : {mark, drive}) {
    if (!v) continue;
    OwnedRead body(grid_, comp.labels);
    Owned c(grid_, v);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const auto it = body(i, j, k) < 0 ? bodies.end() : bodies.find(body(i, j, k));
      const bool in = it != bodies.end();
      c(i, j, k) = v == drive ? (in ? it->second.drive : 0.0) : !in ? 0.0 : it->second.open > 0 ? 2.0 : 1.0;
    });
  }
  NAVOX_CALL(VecDestroy(&comp.labels));
  return out;
}

} // namespace navox
