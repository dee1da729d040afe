#include "solver/sodium/sodium.hpp"

#include "solver/time/state.hpp"

#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/packed_values.hpp"
#include "mesh/reductions.hpp"
#include "mesh/scatter.hpp"
#include "mesh/stencil.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/app/log_events.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <set>

namespace navox {

namespace {

constexpr double kTiny = physics::SodiumMetal::kTolerance; ///< amounts at or below this are not Na

} // namespace

SodiumModel::SodiumModel(const Grid& grid, Vec labels, const MaterialTable& materials, physics::SodiumMetal metal)
    : grid_(grid), labels_(labels), materials_(materials), metal_(metal),
      sweeps_(std::make_unique<SettleSweeps>(grid)) {
  for (std::size_t m = 0; m < materials_.size() && gap_material_ < 0; ++m)
    if (materials_[m].phase == Phase::PORE) gap_material_ = static_cast<int>(m);
  xi_ = new_scalar_vector(grid_);
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(xi_), "xi"));
  excess_ = new_scalar_vector(grid_);
  // Pre-existing Na (NA voxels) starts dense.
  Ghosted lab(grid_, labels_);
  Owned xi(grid_, xi_);
  for_owned(grid_, [&](auto i, auto j, auto k) {
    xi(i, j, k) = materials_[static_cast<int>(lab(i, j, k))].phase == Phase::NA ? 1.0 : 0.0;
  });
}

SodiumModel::~SodiumModel() {
  for (Vec* v : {&xi_, &excess_, &connected_, &lattice_exchange_, &confined_})
    if (*v) (void)VecDestroy(v);
}

Phase SodiumModel::phase_of(double label) const { return materials_[static_cast<int>(label)].phase; }

bool SodiumModel::holds_na(double label) const { return holds_sodium(phase_of(label)); }

double SodiumModel::volume() const {
  PetscScalar a = 0, b = 0;
  NAVOX_CALL(VecSum(xi_, &a));
  NAVOX_CALL(VecSum(excess_, &b));
  PetscScalar vacant = 0;
  if (vacancies_) NAVOX_CALL(VecSum(vacancies_, &vacant));
  return (a + b - vacant + leftovers_) * grid_.cell_volume();
}

bool SodiumModel::press(Vec marks) {
  if (!confined_) {
    confined_ = new_scalar_vector(grid_);
    NAVOX_CALL(VecSet(confined_, 0.0));
  }
  bool grew = false;
  {
    OwnedRead m(grid_, marks); // pointwise
    Owned c(grid_, confined_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (m(i, j, k) > 0 && c(i, j, k) == 0) grew = true;
      c(i, j, k) = std::max(c(i, j, k), m(i, j, k));
    });
  }
  return global_or(grid_, grew);
}

double SodiumModel::confined_volume() const {
  double held = 0; // (a deficit a stripping step leaves is no pressed Na)
  {
    OwnedRead ex(grid_, excess_); // pointwise
    for_owned(grid_, [&](auto i, auto j, auto k) { held += std::max(ex(i, j, k), 0.0); });
  }
  return global_sum(grid_, held) * grid_.cell_volume();
}

void SodiumModel::clean() {
  // Rounding leftovers of the moves (|amount| ≤ ξ_tol, not exactly 0) are booked, not kept,
  // so that no decision sees them; values that are exactly 0 or real Na are untouched.
  OwnedRead lab(grid_, labels_); // pointwise: no ghost exchange
  Owned xi(grid_, xi_), ex(grid_, excess_);
  double removed = sweeps_ ? sweeps_->take_rounding() : 0.0; // the sweeps' own (settle_sweeps.hpp)
  auto take = [&](PetscScalar& v) {
    if (v != 0 && std::abs(v) <= kTiny) {
      removed += v;
      v = 0;
    }
  };
  for_owned(grid_, [&](auto i, auto j, auto k) {
    if (holds_na(lab(i, j, k))) take(xi(i, j, k));
    take(ex(i, j, k));
  });
  leftovers_ += global_sum(grid_, removed);
}

void SodiumModel::register_state(State& state) {
  state.adopt_field("xi", xi_);
  state.adopt_field("overflow", excess_);
  state.bind_integer("lift", lift_);
  state.bind_real("na_leftovers", leftovers_);
}

void SodiumModel::label_metal() const {
  // Nothing it reads written since it last ran (a step's activity right after the last
  // step's accept(), which labelled the same ξ): its answer stands.
  // (unchanged() first, on every call: note() below records what it found.)
  const bool same = labelled_.unchanged(grid_.comm(), {labels_, xi_});
  if (connected_ && same) return;
  // Na metal for connectivity: bulk Na (ξ ≥ ξ_c) and a voxel holding less Na that lies on
  // CC or on bulk Na (the partly filled front of a deposit); 2 where it has a CC voxel
  // across a face, else 1. The CC itself stays out of the labelling: a component of
  // metal (CC and Na, 6-connected) holds a CC voxel exactly when one of its Na
  // components has a voxel beside the CC, so labelling the Na alone gives every Na voxel
  // the same answer. The CC was most of the voxels labelled (a pellet is ~80 % Cu).
  ScalarVector mask(grid_);
  { // (the views go before the labelling, the step's largest transient)
    Ghosted lab(grid_, labels_);
    Ghosted xi(grid_, xi_);
    auto is_cc = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return phase_of(lab(i, j, k)) == Phase::CC; };
    auto bulk = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      return holds_na(lab(i, j, k)) && xi(i, j, k) >= metal_.connect_threshold;
    };
    auto on_cc = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      for (int face = 0; face < 6; ++face) {
        std::int64_t ni, nj, nk;
        if (neighbour(grid_, i, j, k, face, ni, nj, nk) && is_cc(ni, nj, nk)) return true;
      }
      return false;
    };
    Owned m(grid_, mask);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (!holds_na(lab(i, j, k)) || !physics::SodiumMetal::holds(xi(i, j, k))) return;
      const bool touches_cc = on_cc(i, j, k);
      bool attached = touches_cc || bulk(i, j, k);
      for (int face = 0; face < 6 && !attached; ++face) {
        std::int64_t ni, nj, nk;
        if (neighbour(grid_, i, j, k, face, ni, nj, nk)) attached = bulk(ni, nj, nk);
      }
      m(i, j, k) = attached ? (touches_cc ? 2 : 1) : 0;
    });
  }
  update_connected(mask);
  labelled_.note();
}

namespace {

/// f(i, j, k, face, ni, nj, nk, electrode face) for each electrode face of `ionic` (an SE
/// voxel's face to metal or pore) whose neighbour is in the grid, in the order for_owned
/// and the faces 0..5 would meet them (ionic.electrode_slots() ascends): only those few
/// faces are visited, not every voxel of the block.
template <class Ionic, class F> void for_each_electrode_face(const Grid& grid, Ionic& ionic, F&& f) {
  const Box b = grid.owned();
  const std::vector<std::size_t>& slots = ionic.electrode_slots();
  for (std::size_t n = 0; n < slots.size(); ++n) {
    const auto [i, j, k] = b.voxel(static_cast<std::int64_t>(slots[n] / 6));
    const int face = static_cast<int>(slots[n] % 6);
    std::int64_t ni, nj, nk;
    if (neighbour(grid, i, j, k, face, ni, nj, nk)) f(i, j, k, face, ni, nj, nk, ionic.faces()[n]);
  }
}

} // namespace

void SodiumModel::set_activity(IonicPotential& ionic) const {
  ScopedEvent event(Event::activity);
  label_metal();
  Ghosted lab(grid_, labels_);
  Ghosted xi(grid_, xi_);
  Ghosted con(grid_, connected_);
  const auto& h = grid_.spec().spacing;
  for_each_electrode_face(grid_, ionic, [&](auto, auto, auto, int face, auto ni, auto nj, auto nk, ElectrodeFace& f) {
    const double l = lab(ni, nj, nk);
    f.active_anodic = f.active_cathodic = f.metal_fraction = 0;
    f.bare_collector = -1;
    if (phase_of(l) == Phase::CC) {
      // Bare CC takes Na but has none to give; a blocking one only where nuclei cover it.
      const Material& cc = materials_[static_cast<int>(l)];
      f.active_cathodic = cc.bare_surface_active ? 1.0 : f.coverage;
      f.metal_fraction = 1;
      if (cc.nucleates && f.coverage < 1) f.bare_collector = static_cast<int>(l);
      return;
    }
    if (!holds_na(l)) return;
    const double x = xi(ni, nj, nk);
    if (con(ni, nj, nk) > 0 && physics::SodiumMetal::holds(x)) {
      // Connected Na against the SE: the same w both ways, from its thickness.
      const double w = metal_.activity(x, h[face_axis(face)]);
      f.active_anodic = w;
      f.active_cathodic = f.metal_fraction = std::max(w, f.coverage);
      return;
    }
    // An empty pore: no metal, unless it was a contact that nuclei covered before the
    // collector lifted off it. It touches no CC across the face, so no nucleus forms on
    // it: a CC|PORE|SE triple line is the edge of a contact, and its nuclei form on the
    // SE|CC faces along it (an SE face under an empty gap is no site of its own).
    f.active_cathodic = f.metal_fraction = f.coverage;
  });
  // Na holding surplus that has no room, which the force balance let stay (settle()): it
  // is pressed until its Ω p / F cancels its faces' drive to plate (confined_bodies), so
  // they plate no more until the surplus has found room; they still strip.
  if (!confined_) confined_ = new_scalar_vector(grid_);
  if (confined_bodies(nullptr, confined_).empty()) return; // nothing pressed: none marked
  Ghosted conf(grid_, confined_);
  for_each_electrode_face(grid_, ionic, [&](auto, auto, auto, int, auto ni, auto nj, auto nk, ElectrodeFace& f) {
    if (conf(ni, nj, nk) > 0) f.active_cathodic = 0;
  });
}

void SodiumModel::update_connected(Vec mask) const {
  // The labelling is a function of the mask alone (Na beside the CC is marked 2 in it), so
  // an unchanged mask (no voxel crossed ξ_c, none came to or left the CC) keeps the last answer.
  if (mask_seen_.repack(mask, grid_.comm())) return;
  if (!connected_) connected_ = new_scalar_vector(grid_);
  ScopedEvent event(Event::components);
  ComponentLabels comp = connected_components(grid_, mask);
  OwnedRead metal(grid_, mask); // (the reads here are pointwise: no ghost exchange)
  // Components with a voxel beside the CC or on the top face carry the CC's potential.
  std::vector<double> mine;
  {
    const std::vector<double> c = [&] {
      OwnedRead cl(grid_, comp.labels);
      std::vector<double> out;
      for_owned(grid_, [&](auto i, auto j, auto k) {
        // (a run of one component's voxels adds its label once)
        if (metal(i, j, k) == 2 && (out.empty() || out.back() != cl(i, j, k))) out.push_back(cl(i, j, k));
      });
      return out;
    }();
    std::set<double> unique(c.begin(), c.end());
    mine.assign(unique.begin(), unique.end());
  }
  const std::vector<double> all = gather_all(grid_, mine);
  std::set<double> sources(all.begin(), all.end());
  for (auto l : labels_on_face(grid_, comp.labels, 2, 1)) sources.insert(double(l));

  {
    OwnedRead cl(grid_, comp.labels);
    Owned c(grid_, connected_);
    double last = -1; // the last label looked up, and whether it is a source
    bool last_source = false;
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double l = cl(i, j, k);
      if (l >= 0 && l != last) last = l, last_source = sources.count(l) != 0;
      c(i, j, k) = (l >= 0 && last_source) ? 1 : 0;
    });
  }
  NAVOX_CALL(VecDestroy(&comp.labels));
}

double SodiumModel::deposit(const IonicPotential& ionic, double dt) {
  ScopedEvent event(Event::deposit);
  last_ionic_ = &ionic;
  const double inv_cell = 1.0 / grid_.cell_volume();
  ScalarVector added(grid_);
  {
    Ghosted lab(grid_, labels_), xi(grid_, xi_);
    Scatter s(grid_), to_lattice(grid_);
    // The faces in for_owned's order, as the sums into `added` have always been made.
    for_each_electrode_face(grid_, ionic, [&](auto, auto, auto, int, auto ni, auto nj, auto nk, const ElectrodeFace& f) {
      if (f.faradaic == 0) return;
      const double v = metal_.plated_volume(f.faradaic, dt) * inv_cell;
      // Into or out of an existing Na lattice: the vacancy model exchanges the atoms
      // with its vacant sites (stripping leaves vacancies, plating fills them first).
      if (vacancies_ && holds_na(lab(ni, nj, nk)) && physics::SodiumMetal::holds(xi(ni, nj, nk)))
        to_lattice.add(ni, nj, nk, v);
      else
        s.add(ni, nj, nk, v);
    });
    s.finish(added);
    if (lattice_exchange_) to_lattice.finish(lattice_exchange_);
  }
  // Na plated into a lattice fills its vacant sites (the vacancy model books them); what
  // they cannot take grows ξ here, as without vacancies: the same settling, and the step's
  // control on the change (SodiumModule) sees it. (The sites it fills, and those stripping
  // leaves, change the occupancy θ, which vacancies.max_occupancy_change limits.)
  if (vacancies_ && lattice_exchange_) {
    Owned e(grid_, lattice_exchange_), add(grid_, added);
    OwnedRead vacant(grid_, vacancies_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double plated = e(i, j, k);
      if (!(plated > 0)) return;
      const double fill = std::clamp(vacant(i, j, k), 0.0, plated);
      add(i, j, k) += plated - fill;
      e(i, j, k) = fill;
    });
  }
  // Na-holding voxels take it in ξ (settle() resolves ξ outside [0, 1]); CC voxels hold it as overflow.
  double largest = 0;
  {
    OwnedRead lab(grid_, labels_), add(grid_, added); // pointwise
    Owned xi(grid_, xi_), ex(grid_, excess_);
    double emptied = 1; // the smallest share of the step after which a stripped voxel runs dry
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double a = add(i, j, k);
      if (a == 0) return;
      largest = std::max(largest, std::abs(a));
      PetscScalar& v = materials_[static_cast<int>(lab(i, j, k))].phase == Phase::CC ? ex(i, j, k) : xi(i, j, k);
      if (a < 0 && v + a < 0) emptied = std::min(emptied, std::max(v, 0.0) / -a);
      v += a;
    });
    MPI_Allreduce(&emptied, &emptied_share_, 1, MPI_DOUBLE, MPI_MIN, grid_.comm());
  }
  double global = 0;
  MPI_Allreduce(&largest, &global, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
  return global;
}

bool SodiumModel::room_to_squeeze(const std::vector<int>& lowest_cc) const {
  const auto& d = grid_.spec().dims;
  double room = 0, columns = 0;
  OwnedRead lab(grid_, labels_), xi(grid_, xi_), ex(grid_, excess_); // pointwise
  for_owned(grid_, [&](auto i, auto j, auto k) {
    const int kc = lowest_cc[static_cast<std::size_t>(j * d[0] + i)];
    if (kc == INT_MAX || k >= kc) return;
    if (k == kc - 1) columns += 1;
    if (holds_na(lab(i, j, k))) room += std::max(0.0, 1.0 - xi(i, j, k) - ex(i, j, k));
  });
  // Creep closes at most share × room in the step: enough for a whole layer? (A
  // relative margin keeps the answer off the rounding of the sums.)
  return sweeps_->closure_share() * global_sum(grid_, room) >= global_sum(grid_, columns) * (1 + 1e-9);
}

/// What a squeeze changes, kept until its Na has found room (SodiumModel::settle).
struct SodiumModel::Snapshot {
  std::vector<PackedValues> copies; ///< labels, ξ, overflow, then the carried fields
  std::int64_t lift = 0;
  /// The Na booked outside the fields: what the settling's bands took off ξ in rounds
  /// that a restore undoes goes back with ξ (without it each restore lost up to
  /// ~1e-7 of a voxel from Na volume = Ω/F × charge).
  double leftovers = 0;
};

std::unique_ptr<SodiumModel::Snapshot> SodiumModel::snapshot() const {
  auto s = std::make_unique<Snapshot>();
  std::vector<Vec> from{labels_, xi_, excess_};
  for (const auto& c : carried_) from.push_back(c.first);
  s->copies.resize(from.size());
  for (std::size_t n = 0; n < from.size(); ++n) s->copies[n].pack(from[n]);
  s->lift = lift_;
  s->leftovers = leftovers_;
  return s;
}

void SodiumModel::restore(const Snapshot& s) {
  std::vector<Vec> to{labels_, xi_, excess_};
  for (const auto& c : carried_) to.push_back(c.first);
  for (std::size_t n = 0; n < to.size(); ++n) s.copies[n].unpack(to[n]);
  lift_ = s.lift;
  leftovers_ = s.leftovers;
}

int SodiumModel::try_lift(int direction) {
  ScopedEvent event(Event::lift);
  // Lowest CC voxel of every column, over all ranks (a 2D array: small next to the volume).
  const auto& d = grid_.spec().dims;
  // Called after every step's settling (direction −1), so its reads go by column, from
  // the bottom up, to the voxels its decisions need, not over the whole block.
  const Box b = grid_.owned();
  std::vector<int> low(static_cast<std::size_t>(d[0] * d[1]), INT_MAX), global(low.size());
  {
    OwnedRead lab(grid_, labels_); // pointwise (the views go before anything writes the fields)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i)
        for (auto k = b.lo[2]; k < b.hi(2); ++k)
          if (phase_of(lab(i, j, k)) == Phase::CC) {
            low[static_cast<std::size_t>(j * d[0] + i)] = static_cast<int>(k);
            break;
          }
  }
  MPI_Allreduce(low.data(), global.data(), static_cast<int>(low.size()), MPI_INT, MPI_MIN, grid_.comm());
  // The grid is a window fixed to the SE: each lift pushes the collector's top layer
  // out through the top face. With no CC below the top layer left, plating cannot go on.
  if (direction > 0 && std::none_of(global.begin(), global.end(), [&](int k) { return k < d[2] - 1; }))
    throw CollectiveLimit("the current collector has been lifted out of the cell (" + std::to_string(lift_) +
                          " voxel layers of lift): give the collector more layers above the SE than the Na "
                          "thickness to be plated");
  auto column = [&](std::int64_t i, std::int64_t j) { // (i, j) owned
    return global[static_cast<std::size_t>(j * d[0] + i)];
  };
  // Can the CC move? Up: nothing but CC, pores and Na above its lowest voxel, and no
  // Na in the top layer: the lift pushes that layer out through the top face, and a
  // lowering brings back in a copy of the layer under it, with no Na. Na carried out
  // so and never brought back made lift and lowering a pump out of the cell (a Ti
  // pellet at 0.25 um voxels, filled to its top, lost 38 % of its plated Na so, a pair
  // of moves at a time). A dense layer above the collector (the plate) keeps the cell's
  // Na inside it. Down: an empty layer under it (a gap,
  // or the deck's own Na used up), which is either a gap an earlier lift opened, or
  // lies on Na in every column: the Na shrank from the collector's side (creep of a
  // Na electrode, "Vacancies and voids"), and the collector follows it, below its
  // starting place if need be. Or down by squeezing: the layer under the collector
  // still holds Na here and there, but the Na-holding space under it has room for a
  // whole layer, and creep closes that much in the step; the stack pressure then
  // pushes the collector down and that layer's Na into the voxel below it, from where
  // the settling sweeps carry it into the room (the Na film between a porous
  // collector and the SE thins under load; MODEL.md §3.4). Should that Na find no
  // room it can reach, settle() undoes the squeeze.
  // (Pointwise reads: the move itself, which reads the voxel below or above, has ghosts.)
  bool ok = true, on_na = true, squeeze = true, na_on_top = false;
  {
    OwnedRead lab(grid_, labels_), xi(grid_, xi_), ex(grid_, excess_);
    auto owned_k = [&](std::int64_t k) { return k >= b.lo[2] && k < b.hi(2); };
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const int kc = column(i, j);
        if (kc == INT_MAX) continue;
        if (direction > 0) {
          for (auto k = std::max<std::int64_t>(kc, b.lo[2]); k < b.hi(2) && ok; ++k)
            if (phase_of(lab(i, j, k)) == Phase::SE) ok = false;
          // (After clean(): any Na left in a voxel is Na, not a rounding leftover.)
          if (const std::int64_t k = d[2] - 1; owned_k(k) && phase_of(lab(i, j, k)) != Phase::CC)
            na_on_top = na_on_top || xi(i, j, k) > 0 || ex(i, j, k) > 0;
          continue;
        }
        if (kc < 2) ok = squeeze = false;
        if (const std::int64_t k = kc - 1; owned_k(k)) {
          const double l = lab(i, j, k);
          // Empty: clean() has removed the rounding leftovers, so no Na at all.
          const bool gap = static_cast<int>(l) == gap_material_, na = phase_of(l) == Phase::NA;
          const bool empty = xi(i, j, k) == 0 && ex(i, j, k) == 0;
          if (!(gap || na) || !empty) ok = false;
          // (Not over a deficit: a step that stripped more than was there is rejected.)
          if (!holds_na(l) || xi(i, j, k) < 0 || ex(i, j, k) < 0) squeeze = false;
        }
        if (const std::int64_t k = kc - 2; owned_k(k)) {
          const double l = lab(i, j, k);
          if (!holds_na(l) || !physics::SodiumMetal::holds(xi(i, j, k))) on_na = false;
        }
      }
  }
  if (direction > 0 && global_or(grid_, !ok)) return 0;
  if (direction > 0 && global_or(grid_, na_on_top))
    throw CollectiveLimit("a lift of the current collector would carry Na out of the cell through its top face "
                          "(Na in the top layer's pores, after " + std::to_string(lift_) +
                          " voxel layers of lift): put a dense layer above the collector (microstructure.above, "
                          "the plate) thicker than the lift");
  bool squeezing = false;
  if (direction < 0 && global_or(grid_, !ok)) {
    if (global_or(grid_, !squeeze) || !(lift_ > 0 || !global_or(grid_, !on_na)) || !room_to_squeeze(global))
      return 0;
    squeezing = true;
    squeezed_ = snapshot();
  }
  const bool follows_na = !global_or(grid_, !on_na);
  if (direction > 0 ? gap_material_ < 0 : !(squeezing || follows_na || (lift_ > 0 && gap_material_ >= 0))) return 0;
  Ghosted lab(grid_, labels_), xi(grid_, xi_), ex(grid_, excess_);
  // Up: the overflow held in a column's CC voxels fills the gap opening under it (the
  // top layer that leaves holds no Na, above).
  std::vector<double> held(low.size(), 0.0), column_held(low.size(), 0.0);
  if (direction > 0) {
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (phase_of(lab(i, j, k)) == Phase::CC) held[static_cast<std::size_t>(j * d[0] + i)] += ex(i, j, k);
    });
    MPI_Allreduce(held.data(), column_held.data(), static_cast<int>(held.size()), MPI_DOUBLE, MPI_SUM,
                  grid_.comm());
  }
  // Where each voxel's new content comes from: the voxel below (up) or above (down)
  // in a column's collector and above; `opened` is the gap a lift opens, `refilled` the
  // top layer a lowering repeats (its Na content 0).
  struct Source {
    std::int64_t from;
    bool opened, refilled;
  };
  auto source = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    const int kc = column(i, j);
    Source src{k, false, false};
    if (kc != INT_MAX && direction > 0 && k >= kc) src.from = k - 1;
    if (kc != INT_MAX && direction < 0 && k >= kc - 1) src.from = std::min<std::int64_t>(k + 1, d[2] - 1);
    src.opened = direction > 0 && k == kc;
    src.refilled = direction < 0 && kc != INT_MAX && k == d[2] - 1;
    return src;
  };
  ScalarVector nl(grid_), nx(grid_), ne(grid_);
  {
    std::optional<Ghosted> vac;
    if (vacancies_) vac.emplace(grid_, vacancies_);
    Owned L(grid_, nl), X(grid_, nx), E(grid_, ne);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const Source src = source(i, j, k);
      const std::int64_t from = src.from;
      const bool opened = src.opened, top_refill = src.refilled;
      L(i, j, k) = opened ? gap_material_ : lab(i, j, from);
      X(i, j, k) = (opened || top_refill) ? 0.0 : xi(i, j, from);
      E(i, j, k) = (opened || top_refill) ? 0.0 : ex(i, j, from);
      // Squeezed: the layer's Na into the Na-holding voxel below it, or, where the
      // collector comes down onto the SE, into the collector's voxel as overflow (atoms,
      // no lattice), which the sweeps pass along the contact to its edge.
      if (squeezing && k == column(i, j) - 2 && holds_na(lab(i, j, k)))
        X(i, j, k) += xi(i, j, k + 1), E(i, j, k) += ex(i, j, k + 1);
      if (squeezing && k == column(i, j) - 1 && !holds_na(lab(i, j, k - 1)))
        E(i, j, k) += xi(i, j, k) + ex(i, j, k) - (vac ? (*vac)(i, j, k) : 0.0);
      if (direction > 0 && column(i, j) != INT_MAX) {
        if (phase_of(L(i, j, k)) == Phase::CC) E(i, j, k) = 0;
        if (opened) E(i, j, k) = column_held[static_cast<std::size_t>(j * d[0] + i)];
      }
    });
  }
  // Fields that live on the Na's voxels move with it (the vacancies, the voids).
  for (const auto& [carried, how] : carried_) {
    ScalarVector moved(grid_);
    {
      Ghosted c(grid_, carried);
      Owned M(grid_, moved);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        const Source src = source(i, j, k);
        double& m = M(i, j, k);
        m = (src.opened || src.refilled) ? 0.0 : c(i, j, src.from);
        if (squeezing && k == column(i, j) - 2 && holds_na(lab(i, j, k)))
          m = how == Carried::amount ? m + c(i, j, k + 1) : std::max(m, c(i, j, k + 1));
      });
    }
    NAVOX_CALL(VecCopy(moved, carried));
  }
  NAVOX_CALL(VecCopy(nl, labels_));
  NAVOX_CALL(VecCopy(nx, xi_));
  NAVOX_CALL(VecCopy(ne, excess_));
  lift_ += direction;
  return direction;
}

SettleResult SodiumModel::settle() {
  ScopedEvent event(Event::settle);
  SettleResult result;
  squeezed_.reset();
  // With the force balance deciding the lifts: the state the rounds start from, to settle
  // the step again from it when a pocket it filled is found pressed (below).
  std::unique_ptr<Snapshot> start;
  if (lift_rule_) start = snapshot();
  int again = 0; // settlings sent back to the start
  bool fresh = true;
  for (int round = 0;; ++round) {
    if (round == 64)
      throw CollectiveError("plated Na found no room after 64 current-collector moves in one step");
    sweeps_->set_path_share(fresh && path_limit_ ? path_limit_(labels_, xi_, excess_, confined_) : 2.0);
    fresh = false;
    sweeps_->set_pressed(confined_);
    sweeps_->load(labels_, materials_, xi_, excess_);
    bool moved = true;
    while (moved && result.sweeps < 10000) {
      moved = sweeps_->sweep(result.unplaced);
      ++result.sweeps;
    }
    sweeps_->store(xi_, excess_);
    clean();
    // Overflow left with no room anywhere near: the CC must move up. Unless a squeeze
    // put it there: then that Na found no room after all, and the collector stays
    // where it was before the squeeze.
    PetscReal global_left = 0;
    NAVOX_CALL(VecMax(excess_, nullptr, &global_left));
    if (global_left > kTiny) {
      if (squeezed_) {
        restore(*squeezed_);
        squeezed_.reset();
        result.lifts += 1;
        break;
      }
      // The force balance: the collector moves only if the bodies holding the surplus,
      // pressed as hard as their plating can press them, carry the whole stack load.
      // Otherwise the surplus stays, pressed, and the collector stays where it is (no
      // lowering either: the pressed Na holds it up).
      if (lift_rule_) {
        ScalarVector marks(grid_);
        if (!lift_rule_(confined_bodies(last_ionic_, marks))) {
          // A pocket that filled in this step took the Na of the contacts whose nearest
          // edge it is: pressed now, it is no edge of theirs, and the step settles again
          // from its start, their Na going to their next edge (SettleSweeps::set_pressed).
          // What stays pressed is then the pocket's own faces' plating, which the step's
          // fill control holds. (A few times at most: each adds pockets.)
          if (press(marks) && result.lifts == 0 && again < 4) {
            restore(*start);
            ++again;
            fresh = true;
            continue;
          }
          break;
        }
      }
      const int moved_by = try_lift(+1);
      if (moved_by == 0)
        throw CollectiveError("plated Na has no room: the current collector cannot be lifted (SE above it, or "
                              "no PORE material in the deck for the gap it would open)");
      result.lifts += moved_by;
      continue;
    }
    squeezed_.reset();
    // An emptied gap under the whole CC (or room enough below it to squeeze the layer
    // under it into): stack pressure pushes the CC back down. Not in a step that
    // stripped more than the Na held (it is retried).
    if (result.unplaced > kTiny) break;
    const int down = try_lift(-1);
    if (down == 0) break;
    result.lifts += down;
  }
  return result;
}

} // namespace navox
