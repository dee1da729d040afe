#include "solver/sodium/sodium_module.hpp"

#include "io/input/config.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "mesh/stencil.hpp"
#include "solver/time/state.hpp"

#include <algorithm>
#include <cstdio>

namespace navox {

namespace {

ElectrochemistryModule& electrochemistry(const ModuleSetup& s) {
  auto* m = s.find<ElectrochemistryModule>("electrochemistry");
  if (!m) throw Error("the sodium module needs the electrochemistry module");
  return *m;
}

} // namespace

SodiumModule::SodiumModule(const ModuleSetup& s)
    : grid_(s.grid), state_(s.state), ionic_(electrochemistry(s).ionic()),
      sodium_(s.grid, s.state.field("label"), s.config.materials, s.config.sodium),
      max_fill_change_(s.config.time.max_fill_change) {
  sodium_.register_state(state_);
}

void SodiumModule::outputs(std::vector<io::OutputField>& out) const {
  out.push_back({"xi", io::OutputField::Type::float64, {}, "1", 1, [this] { return scalar_block(grid_, sodium_.xi()); }});
}

void SodiumModule::columns(std::vector<io::TimeSeries::Column>& out) const {
  out.insert(out.end(), {{"na_volume", "m^3"}, {"na_thickness", "m"}, {"contact_fraction", ""},
                         {"plating_fraction", ""}, {"lift", "m"}, {"confined_na", "m^3"}});
}

void SodiumModule::values(std::vector<double>& out) const {
  // Σ w A over the SE|metal faces: stripping (Na|SE contact) and plating.
  const auto& faces = ionic_.faces();
  const auto& h = grid_.spec().spacing;
  double local[2] = {0, 0}, global[2] = {0, 0};
  const auto& slots = ionic_.electrode_slots();
  for (std::size_t n = 0; n < faces.size(); ++n) {
    const double a = face_area(h, static_cast<int>(slots[n] % 6));
    local[0] += faces[n].active_anodic * a;
    local[1] += faces[n].active_cathodic * a;
  }
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  const double area = grid_.spec().xy_area(), volume = row_volume_ = sodium_.volume();
  out.insert(out.end(), {volume, volume / area, global[0] / area, global[1] / area,
                         sodium_.lift() * grid_.spec().spacing[2], sodium_.confined_volume()});
}

std::string SodiumModule::summary() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "Na = %8.4g um  lift = %5.3g um  settle %d",
                row_volume_ / grid_.spec().xy_area() * 1e6, sodium_.lift() * grid_.spec().spacing[2] * 1e6,
                settle_sweeps_);
  return buf;
}

void SodiumModule::initial(StepContext&) { sodium_.set_activity(ionic_); }

void SodiumModule::prepare(StepContext&) { sodium_.set_activity(ionic_); }

void SodiumModule::transport(StepContext& ctx) {
  settle_sweeps_ = 0;
  const double change = sodium_.deposit(ionic_, ctx.dt);
  const SettleResult settled = sodium_.settle();
  settle_sweeps_ = settled.sweeps;
  if (settled.lifts != 0) state_.changed("label");
  if (change > max_fill_change_ * (1 + 1e-9) && ctx.dt > ctx.dt_min) {
    ctx.reject("Na fraction of a voxel changed by " + std::to_string(change),
               settled.unplaced > 1e-9 ? std::clamp(sodium_.emptied_share(), 1e-3, 0.5)
                                       : std::clamp(0.8 * max_fill_change_ / change, 0.1, 0.5));
  } else if (settled.unplaced > 1e-9) {
    // Stripped dry: land on the moment the Na runs out (the face stays fully active
    // until its Na is thinner than t_c, so halving alone would creep towards it).
    ctx.reject("stripped more Na than a voxel and its neighbours hold", std::clamp(sodium_.emptied_share(), 1e-3, 0.5));
  }
  // Next step: grow towards the fill target.
  if (change > 0) ctx.limit_growth(0.9 * max_fill_change_ / change);
}

std::unique_ptr<Module> make_sodium_module(const ModuleSetup& setup) { return std::make_unique<SodiumModule>(setup); }

} // namespace navox
