#include "solver/electrochemistry/electrochemistry_module.hpp"

#include "io/input/config.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "mesh/stencil.hpp"
#include "solver/app/log_events.hpp"
#include "solver/time/state.hpp"

#include <cmath>
#include <cstdio>

namespace navox {

ElectrochemistryModule::ElectrochemistryModule(const ModuleSetup& s)
    : grid_(s.grid), state_(s.state), materials_(s.config.materials),
      ionic_(s.grid, s.state.field("label"), s.config.materials) {
  phi_ = state_.add_field("phi", grid_.field_dm("phi"));
  // Only the SE's electrode faces carry a double layer (IonicPotential::accept_step).
  state_.add_block("eta_old",
                   State::member_block(6, ionic_.faces(), &ElectrodeFace::eta_old, ionic_.electrode_slots()));
  labels_seen_ = state_.revision("label");
}

void ElectrochemistryModule::outputs(std::vector<io::OutputField>& out) const {
  using T = io::OutputField::Type;
  // Each computed when written (io::OutputField::make).
  // phi lives in the SE only: the solve writes V (metal) or 0 (pores) elsewhere,
  // the files hold NaN there, so a slice's colour range is the electrolyte's.
  out.push_back({"phi", T::float64, {}, "V", 1, [this] {
                   std::vector<double> phi = scalar_block(grid_, phi_);
                   const std::vector<double> labels = scalar_block(grid_, state_.field("label"));
                   for (std::size_t n = 0; n < phi.size(); ++n)
                     if (materials_[static_cast<std::size_t>(labels[n])].phase != Phase::SE) phi[n] = NAN;
                   return phi;
                 }});
  // The electrode's potential V is its own field, defined in the CC.
  out.push_back({"electrode_potential", T::float64, {}, "V", 1, [this] {
                   std::vector<double> v = scalar_block(grid_, state_.field("label"));
                   for (double& x : v)
                     x = materials_[static_cast<std::size_t>(x)].phase == Phase::CC ? last_.electrode_potential : NAN;
                   return v;
                 }});
  // Current density through each SE voxel's SE|metal faces, summed [A/m^2].
  out.push_back({"interface_current", T::float64, {}, "A/m^2", 1, [this] {
                   std::vector<double> current(static_cast<std::size_t>(grid_.owned().size()), 0.0);
                   const auto& faces = ionic_.faces();
                   const auto& h = grid_.spec().spacing;
                   const auto& slots = ionic_.electrode_slots();
                   for (std::size_t n = 0; n < faces.size(); ++n)
                     if (faces[n].current != 0)
                       current[slots[n] / 6] += faces[n].current / face_area(h, static_cast<int>(slots[n] % 6));
                   return current;
                 }});
}

void ElectrochemistryModule::columns(std::vector<io::TimeSeries::Column>& out) const {
  out.insert(out.end(), {{"max_current_density", "A/m^2"}, {"snes_its", ""}, {"ksp_its", ""}, {"potential_its", ""}});
}

void ElectrochemistryModule::values(std::vector<double>& out) const {
  out.insert(out.end(), {last_.max_current_density, double(last_.snes_iterations), double(last_.ksp_iterations),
                         double(last_.potential_iterations)});
}

std::string ElectrochemistryModule::summary() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "its SNES %ld KSP %ld V %d", long(last_.snes_iterations),
                long(last_.ksp_iterations), last_.potential_iterations);
  return buf;
}

void ElectrochemistryModule::take(const IonicResult& r, StepContext& ctx) {
  last_ = r;
  ctx.cell.voltage = r.electrode_potential;
  ctx.cell.current = r.electrode_current;
  ctx.cell.faradaic_current = r.faradaic_current;
}

void ElectrochemistryModule::prepare(StepContext& ctx) {
  // The labels changed (a collector move, a rolled-back step, a checkpoint read).
  if (state_.revision("label") != labels_seen_) {
    ionic_.set_labels(state_.field("label"));
    labels_seen_ = state_.revision("label");
  }
  if (ctx.restart_point) ionic_.restart_preconditioner();
}

void ElectrochemistryModule::solve(StepContext& ctx) {
  ScopedEvent event(Event::ionic);
  // dt = 0: the steady state at t = 0 (no double-layer history).
  const IonicConditions cond{ctx.drive.temperature, ctx.drive.voltage, ctx.dt > 0 ? 1.0 / ctx.dt : 0.0};
  try {
    take(ctx.drive.potentiostatic ? ionic_.solve(phi_, cond) : ionic_.solve_current(phi_, cond, ctx.drive.current),
         ctx);
  } catch (const CollectiveError&) {
    if (!ctx.drive.potentiostatic) ctx.cell.voltage_estimate = ionic_.voltage_estimate();
    throw;
  }
}

void ElectrochemistryModule::accept(const StepContext&) { ionic_.accept_step(); }

std::unique_ptr<Module> make_electrochemistry_module(const ModuleSetup& setup) {
  return std::make_unique<ElectrochemistryModule>(setup);
}

} // namespace navox
