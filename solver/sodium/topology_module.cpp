// The topology of the Na (MODEL.md §3.6), after every step: each Na voxel is active
// (a Na path to an SE face and to the collector), ionically isolated ("trapped": no Na
// path to an SE face, so it can never be stripped) or electronically isolated (no
// Na/CC path to the collector: floating, it carries no faradaic current; the Na model
// already switches it off). The labelling is mesh/connected_components (union-find per
// rank, label propagation across ranks: the same answer on any partition), redone only
// when the set of Na voxels or the labels changed. Deck: `topology: {connectivity:
// 6 | 18 | 26}` (default 6), the neighbours through which Na counts as one piece.
// A piece of Na that reaches both the collector (or the top face) and the bottom face
// (the counter electrode's side) is a short circuit: the run stops after that step,
// with where and when in the log and in `<prefix>_summary.json` (short.*, status).
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "mesh/block_access.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/packed_values.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/sodium/sodium_module.hpp"
#include "solver/time/state.hpp"

#include "mesh/vec_versions.hpp"

#include <algorithm>
#include <any>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

namespace navox {

namespace {

struct TopologySpec {
  int connectivity = 6;
};

TopologySpec read_topology(const input::Section& s) {
  TopologySpec t;
  s.explain({{"", "which Na is one piece: active, trapped or floating (field na_state), and short circuits"},
             {"connectivity", "6 (faces), 18 (faces and edges) or 26 (faces, edges and corners): the neighbours "
                              "through which Na voxels are one piece"}});
  t.connectivity = static_cast<int>(s.integer("connectivity", 6, 6, 26));
  if (t.connectivity != 6 && t.connectivity != 18 && t.connectivity != 26)
    s.fail("connectivity", "must be 6 (faces), 18 (faces and edges) or 26 (faces, edges and corners)");
  return t;
}

/// na_state values.
enum NaState { kNoNa = 0, kActive = 1, kTrapped = 2, kFloating = 3 };

class TopologyModule : public Module {
public:
  TopologyModule(const ModuleSetup& s, SodiumModule& sodium, const TopologySpec& spec)
      : grid_(s.grid), state_(s.state), materials_(s.config.materials), sodium_(sodium.model()), spec_(spec),
        short_time_(s.state.real("short_time", std::nan(""))), short_x_(s.state.real("short_x", std::nan(""))),
        short_y_(s.state.real("short_y", std::nan(""))) {}
  const char* name() const override { return "topology"; }

  void outputs(std::vector<io::OutputField>& out) const override {
    out.push_back({"na_state", io::OutputField::Type::int32, {}, "", 1, [this] {
                     classify();
                     return na_state_;
                   }});
  }
  void columns(std::vector<io::TimeSeries::Column>& out) const override {
    out.insert(out.end(), {{"trapped_na_volume", "m^3"}, {"isolated_na_volume", "m^3"}});
  }
  void values(std::vector<double>& out) const override {
    classify();
    out.insert(out.end(), {trapped_, floating_});
  }
  void results(std::vector<io::SummaryValue>& out) const override {
    out.insert(out.end(), {{"short.time", short_time_, "s"}, {"short.x", short_x_, "m"}, {"short.y", short_y_, "m"}});
  }

  /// A short circuit: Na joins the collector's side to the counter electrode's (the
  /// bottom face), through SE pores, cracks or round the SE along a lateral wall.
  void accept(const StepContext& ctx) override {
    classify();
    if (short_at_ < 0 || !std::isnan(short_time_)) return;
    const auto& g = grid_.spec();
    short_time_ = ctx.t;
    short_x_ = (double(short_at_ % g.dims[0]) + 0.5) * g.spacing[0];
    short_y_ = (double(short_at_ / g.dims[0]) + 0.5) * g.spacing[1];
  }
  std::string stop_reason() const override {
    if (std::isnan(short_time_)) return "";
    char why[160];
    std::snprintf(why, sizeof why, "short circuit at t = %.6g s: Na joins the current collector to the bottom face "
                  "at x = %.4g um, y = %.4g um", short_time_, short_x_ * 1e6, short_y_ * 1e6);
    return why;
  }

private:
  /// Na voxels (holding Na) as a mask; the labelling and the sums are redone only when
  /// it, the connectivity to the collector or the labels changed. Collective.
  void classify() const {
    // Nothing it reads written since it last ran (the step's row and its output fields
    // come after accept()): the pieces and volumes stand.
    if (classified_.unchanged(grid_.comm(), inputs())) return;
    const long revision = state_.revision("label");
    ScalarVector mask(grid_);
    // The metal's connectivity for ξ as it is now: the Na model's own labelling is from
    // the start of the step, before this step's deposit and settling (a voxel filled in
    // this step would read as floating).
    sodium_.label_metal();
    Vec connected = sodium_.connected();
    NAVOX_CALL(PetscObjectReference(reinterpret_cast<PetscObject>(connected)));
    {
      OwnedRead lab(grid_, state_.field("label")), xi(grid_, sodium_.xi()), con(grid_, connected); // pointwise
      Owned m(grid_, mask);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        if (holds_sodium(materials_[static_cast<int>(lab(i, j, k))].phase) && physics::SodiumMetal::holds(xi(i, j, k)))
          m(i, j, k) = con(i, j, k) != 0 ? 1 : 2; // 2: floating
      });
    }
    NAVOX_CALL(VecDestroy(&connected));
    const bool same_mask = seen_.repack(mask, grid_.comm());
    // The volumes follow ξ (and the vacancies) even when the pieces did not change.
    if (!same_mask || revision != revision_) {
      revision_ = revision;
      label(mask);
    }
    sum_volumes();
    classified_.note();
  }

  /// What classify() reads: the labels, ξ and, when modelled, the vacant sites.
  VecVersions<3>::Vecs inputs() const {
    return {state_.field("label"), sodium_.xi(), state_.has_field("vacancy") ? state_.field("vacancy") : nullptr};
  }

  /// na_state from the Na's components: those with a voxel beside an SE voxel reach
  /// the electrolyte. Also the short: a piece with a voxel in the bottom layer (the
  /// counter electrode's side of the SE) and one beside the CC or in the top layer.
  void label(Vec mask) const {
    ComponentLabels comp = connected_components(grid_, mask, spec_.connectivity);
    std::vector<std::int64_t> mine, at_collector;
    std::vector<std::pair<std::int64_t, std::int64_t>> bottom; // (piece, global voxel index)
    const auto& d = grid_.spec().dims;
    {
      Ghosted lab(grid_, state_.field("label")), cl(grid_, comp.labels);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        if (cl(i, j, k) < 0) return;
        const auto piece = static_cast<std::int64_t>(cl(i, j, k));
        if (k == 0) bottom.emplace_back(piece, i + d[0] * j);
        bool se = false, cc = k == d[2] - 1;
        for (int face = 0; face < 6; ++face) {
          std::int64_t ni, nj, nk;
          if (!neighbour(grid_, i, j, k, face, ni, nj, nk)) continue;
          const Phase p = materials_[static_cast<int>(lab(ni, nj, nk))].phase;
          se = se || p == Phase::SE;
          cc = cc || p == Phase::CC;
        }
        if (se) mine.push_back(piece);
        if (cc) at_collector.push_back(piece);
      });
    }
    const std::vector<std::int64_t> reach = union_of_labels(grid_, std::move(mine));
    const std::vector<std::int64_t> collector = union_of_labels(grid_, std::move(at_collector));
    std::int64_t first = std::numeric_limits<std::int64_t>::max(), global = first;
    for (const auto& [piece, index] : bottom)
      if (std::binary_search(collector.begin(), collector.end(), piece)) first = std::min(first, index);
    MPI_Allreduce(&first, &global, 1, MPI_INT64_T, MPI_MIN, grid_.comm());
    short_at_ = global == std::numeric_limits<std::int64_t>::max() ? -1 : global;
    const std::vector<double> labels = scalar_block(grid_, comp.labels), m = scalar_block(grid_, mask);
    na_state_.assign(labels.size(), kNoNa);
    for (std::size_t n = 0; n < labels.size(); ++n) {
      if (m[n] == 0) continue;
      if (m[n] == 2) na_state_[n] = kFloating;
      else
        na_state_[n] = std::binary_search(reach.begin(), reach.end(), static_cast<std::int64_t>(labels[n])) ? kActive
                                                                                                          : kTrapped;
    }
    NAVOX_CALL(VecDestroy(&comp.labels));
  }

  /// The Na (atoms: ξ less the vacant sites, when vacancies are modelled) in trapped
  /// and in floating voxels [m³].
  void sum_volumes() const {
    std::vector<double> na = scalar_block(grid_, sodium_.xi());
    if (state_.has_field("vacancy")) {
      const std::vector<double> v = scalar_block(grid_, state_.field("vacancy"));
      for (std::size_t n = 0; n < na.size(); ++n) na[n] -= v[n];
    }
    double local[2] = {0, 0}, global[2] = {0, 0};
    for (std::size_t n = 0; n < na.size(); ++n) {
      if (na_state_[n] == kTrapped) local[0] += na[n];
      if (na_state_[n] == kFloating) local[1] += na[n];
    }
    MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
    trapped_ = global[0] * grid_.cell_volume();
    floating_ = global[1] * grid_.cell_volume();
  }

  const Grid& grid_;
  State& state_;
  const MaterialTable& materials_;
  SodiumModel& sodium_;
  TopologySpec spec_;
  mutable PackedValues seen_; ///< the last classified mask (packed: mostly 0)
  mutable long revision_ = -1;
  mutable VecVersions<3> classified_; ///< the inputs as the last classify() read them
  mutable std::vector<double> na_state_;
  mutable double trapped_ = 0, floating_ = 0;
  mutable std::int64_t short_at_ = -1; ///< the last labelling's shorting voxel (i + nx j, bottom layer), else -1
  double &short_time_, &short_x_, &short_y_; ///< when and where the first short was found (NaN: none)
};

} // namespace

io::ModuleInput topology_input() {
  return {"topology", false,
          [](const input::Section& s, bool, const io::Config&) { return std::any(read_topology(s)); }};
}

std::unique_ptr<Module> make_topology_module(const ModuleSetup& s) {
  auto* sodium = s.find<SodiumModule>("sodium");
  if (!sodium) throw Error("the topology module needs the sodium module");
  const TopologySpec* spec = s.config.input<TopologySpec>("topology");
  return std::make_unique<TopologyModule>(s, *sodium, spec ? *spec : TopologySpec{});
}

} // namespace navox
