#include "solver/time/simulation.hpp"

#include "io/output/output_writer.hpp"
#include "io/output/time_series.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "mesh/stencil.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/nucleation.hpp"
#include "solver/sodium/phase_field.hpp"
#include "solver/app/log_events.hpp"
#include "solver/app/memory_guard.hpp"
#include "solver/sodium/sodium.hpp"

#include <petsctime.h>

#include <algorithm>
#include <cmath>

namespace navox {

std::vector<std::string> solution_fields() { return {"phi", "xi"}; }

Simulation::Simulation(MPI_Comm comm, io::Config config, const io::Log& log)
    : config_(std::move(config)), log_(log) {
  std::unique_ptr<io::LabelSource> cell;
  collectively(comm, [&] { cell = io::open_microstructure(config_); });
  const auto& d = config_.grid.dims;
  const auto& h = config_.grid.spacing;
  log_.info("microstructure: %s", cell->describe().c_str());
  log_.info("grid: %lld x %lld x %lld voxels of %.4g x %.4g x %.4g um (%.4g x %.4g x %.4g um)", (long long)d[0],
            (long long)d[1], (long long)d[2], h[0] * 1e6, h[1] * 1e6, h[2] * 1e6, d[0] * h[0] * 1e6,
            d[1] * h[1] * 1e6, d[2] * h[2] * 1e6);

  check_grid_fits(comm, config_.grid, kRunBytesPerVoxel);
  grid_ = std::make_unique<Grid>(comm, config_.grid, solution_fields());
  NAVOX_CALL(DMCreateGlobalVector(grid_->scalar_dm(), &labels_));
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(labels_), "label"));
  // Each rank reads and segments only its own block.
  collectively(comm, [&] {
    const std::vector<int> block = cell->labels(grid_->owned());
    set_scalar_block(*grid_, labels_, std::vector<double>(block.begin(), block.end()));
  });
  NAVOX_CALL(DMCreateGlobalVector(grid_->field_dm("phi"), &phi_));
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(phi_), "phi"));
  NAVOX_CALL(VecSet(phi_, 0.0));

  // Phase fractions, summed over ranks in a fixed order of materials.
  std::vector<double> count(config_.materials.size(), 0.0), total(count.size());
  for (double v : scalar_block(*grid_, labels_)) count[static_cast<std::size_t>(v)] += 1;
  MPI_Allreduce(count.data(), total.data(), static_cast<int>(count.size()), MPI_DOUBLE, MPI_SUM, comm);
  for (std::size_t m = 0; m < total.size(); ++m)
    log_.info("  material %zu %-10s %-4s %6.2f %%", m, config_.materials[m].name.c_str(),
              phase_name(config_.materials[m].phase), 100.0 * total[m] / double(grid_->voxel_count()));
  log_.info("partition: %d ranks, %lld x %lld x %lld voxels on rank 0", grid_->size(),
            (long long)grid_->blocks()[0].n[0], (long long)grid_->blocks()[0].n[1],
            (long long)grid_->blocks()[0].n[2]);

  ionic_ = std::make_unique<IonicPotential>(*grid_, labels_, config_.materials);
  sodium_ = std::make_unique<SodiumModel>(*grid_, labels_, config_.materials, config_.sodium);
  nucleation_ = std::make_unique<Nucleation>(*grid_, config_.materials, config_.nucleation);
  if (nucleation_->enabled()) log_.info("nucleation: random seed %llu", (unsigned long long)nucleation_->seed());
  phase_field_ = std::make_unique<PhaseFieldStep>(*grid_, config_.materials, config_.phase_field);
  if (phase_field_->enabled()) {
    const io::PhaseFieldSpec& pf = config_.phase_field;
    log_.info("phase field: conserved Allen-Cahn, width %.4g um, rate %.4g 1/s (%ld sub-steps per s)",
              pf.relaxation.width * 1e6, pf.relaxation.rate, phase_field_->substeps(1.0));
    if (pf.noise.strength > 0)
      log_.info("phase field noise: strength %.4g 1/s, correlation length %.4g um (%d filter passes), random seed %llu",
                pf.noise.strength, pf.correlation_length * 1e6, pf.noise.passes, (unsigned long long)pf.seed);
  }
}

Simulation::~Simulation() {
  phase_field_.reset();
  nucleation_.reset();
  sodium_.reset();
  ionic_.reset();
  if (phi_) (void)VecDestroy(&phi_);
  if (labels_) (void)VecDestroy(&labels_);
}

Vec Simulation::xi() const { return sodium_->xi(); }

double Simulation::cell_area() const {
  const auto& d = grid_->spec().dims;
  const auto& h = grid_->spec().spacing;
  return double(d[0]) * h[0] * double(d[1]) * h[1];
}

std::array<double, 2> Simulation::active_areas() const {
  const auto& faces = ionic_->faces();
  const auto& h = grid_->spec().spacing;
  double local[2] = {0, 0}, global[2] = {0, 0};
  for (std::size_t n = 0; n < faces.size(); ++n) {
    const double a = face_area(h, static_cast<int>(n % 6));
    local[0] += faces[n].active_anodic * a;
    local[1] += faces[n].active_cathodic * a;
  }
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_->comm());
  return {global[0], global[1]};
}

std::vector<io::OutputField> Simulation::output_fields() const {
  using T = io::OutputField::Type;
  std::vector<io::OutputField> out;
  out.push_back({"label", T::int32, scalar_block(*grid_, labels_)});
  out.push_back({"rank", T::int32, std::vector<double>(grid_->owned().size(), double(grid_->rank()))});
  out.push_back({"phi", T::float64, scalar_block(*grid_, phi_)});
  out.push_back({"xi", T::float64, scalar_block(*grid_, sodium_->xi())});
  // Current density through each SE voxel's SE|metal faces, summed [A/m^2].
  std::vector<double> current(static_cast<std::size_t>(grid_->owned().size()), 0.0);
  const auto& faces = ionic_->faces();
  const auto& h = grid_->spec().spacing;
  for (std::size_t n = 0; n < faces.size(); ++n)
    if (faces[n].current != 0) current[n / 6] += faces[n].current / face_area(h, static_cast<int>(n % 6));
  out.push_back({"interface_current", T::float64, std::move(current)});
  if (nucleation_->enabled()) out.push_back({"nuclei", T::int32, nucleation_->field()});
  return out;
}

namespace {

std::vector<io::TimeSeries::Column> series_columns() {
  return {{"t", "s"},          {"step", ""},          {"protocol_step", ""},  {"dt", "s"},
          {"I", "A/m^2"},      {"V", "V"},            {"charge", "C/m^2"},    {"faradaic_charge", "C/m^2"},
          {"na_volume", "m^3"}, {"na_thickness", "m"}, {"contact_fraction", ""}, {"max_current_density", "A/m^2"},
          {"lift", "m"},       {"snes_its", ""},      {"ksp_its", ""},        {"potential_its", ""},
          {"nuclei", ""},      {"nucleus_density", "1/m^2"}, {"plating_fraction", ""}};
}

/// η and what follows from it to 6 digits, well above the solver's tolerance, so the
/// file is the same byte for byte on any partition.
std::vector<io::TimeSeries::Column> nucleus_columns() {
  return {{"t", "s"},        {"step", ""},
          {"x", "m"},        {"y", "m"},
          {"z", "m"},        {"eta", "V", 6},
          {"critical_radius", "m", 6}, {"charge", "C", 6},
          {"material", ""},  {"seed", ""}};
}

/// dt rounded down to 8 significant bits: the controller's inputs (voltage and fill
/// changes) carry the solver's rounding, which differs between partitions; the
/// rounded step does not (unless it straddles a 1-in-256 boundary), and times that
/// are sums of such steps are exact.
double quantised_step(double dt) {
  int e = 0;
  const double m = std::frexp(dt, &e);
  return std::ldexp(std::floor(std::ldexp(m, 8)), e - 8);
}

std::vector<double> series_row(const StepReport& r, long step) {
  return {r.t,         double(step),       double(r.protocol_step), r.dt,
          r.current_density, r.voltage,    r.charge,                r.faradaic_charge,
          r.na_volume, r.na_thickness,     r.contact_fraction,      r.max_current_density,
          r.lift,      double(r.snes_iterations), double(r.ksp_iterations), double(r.potential_iterations),
          double(r.nuclei), r.nucleus_density, r.plating_fraction};
}

/// The run without a protocol: hold conditions.electrode_potential until time.end.
io::Protocol default_protocol(const io::Config& c) {
  io::ProtocolStep hold;
  hold.mode = io::ProtocolStep::Mode::potentiostatic;
  hold.kind = "hold";
  hold.voltage = c.conditions.electrode_potential;
  hold.duration = c.time.end;
  io::Protocol p;
  p.steps.push_back(hold);
  return p;
}

} // namespace

std::vector<StepReport> Simulation::run() {
  io::OutputWriter writer(*grid_, config_.output, io::material_legend(config_.materials));
  io::TimeSeries series(config_.output.directory + "/" + config_.output.time_series, series_columns(),
                        grid_->rank() == 0);
  std::unique_ptr<io::TimeSeries> nuclei;
  if (nucleation_->enabled())
    nuclei = std::make_unique<io::TimeSeries>(config_.output.directory + "/" + config_.output.nuclei,
                                              nucleus_columns(), grid_->rank() == 0);
  const io::Protocol protocol = config_.protocol ? *config_.protocol : default_protocol(config_);
  const io::TimeSpec& ts = config_.time;
  const double area = cell_area();
  const double lift_unit = grid_->spec().spacing[2];
  std::vector<StepReport> reports;
  long step = 0;

  IonicConditions cond{config_.conditions.temperature, config_.conditions.electrode_potential, 0.0};
  StepReport now;
  auto record = [&](const IonicResult& r) {
    now.voltage = r.electrode_potential;
    now.current_density = r.electrode_current / area;
    now.na_volume = sodium_->volume();
    now.na_thickness = now.na_volume / area;
    const auto active = active_areas();
    now.contact_fraction = active[0] / area;
    now.plating_fraction = active[1] / area;
    now.max_current_density = r.max_current_density;
    now.lift = sodium_->lift() * lift_unit;
    now.snes_iterations = r.snes_iterations;
    now.ksp_iterations = r.ksp_iterations;
    now.potential_iterations = r.potential_iterations;
    now.nuclei = nucleation_->count();
    now.nucleus_density = double(now.nuclei) / area;
    reports.push_back(now);
    series.row(series_row(now, step));
  };
  auto log_step = [&](const char* kind) {
    log_.info("step %5ld  t = %-10.4g s  dt = %-9.3g s  %-5s I = %9.4g mA/cm^2  V = %9.5f V  Na = %8.4g um  "
              "lift = %5.3g um  its SNES %ld KSP %ld V %ld settle %d",
              step, now.t, now.dt, kind, now.current_density * 0.1, now.voltage, now.na_thickness * 1e6,
              now.lift * 1e6, now.snes_iterations, now.ksp_iterations, now.potential_iterations, now.settle_sweeps);
  };

  // t = 0: the potential at the initial cell voltage, no current history.
  sodium_->set_activity(*ionic_);
  record(ionic_->solve(phi_, cond));
  ionic_->accept_step();
  log_step("start");
  {
    ScopedEvent output(Event::output);
    writer.write({step, 0.0}, output_fields());
  }
  long last_written = step;

  Vec phi_saved = nullptr;
  NAVOX_CALL(VecDuplicate(phi_, &phi_saved));
  double dt = ts.dt;
  const double t_end = ts.end;
  bool noise_clip_warned = false;
  int beyond_cutoff = 0; ///< consecutive galvanostatic failures whose V estimate lies past the cut-off
  bool stop = false;
  for (std::size_t s = 0; s < protocol.steps.size() && !stop; ++s) {
    const io::ProtocolStep& ps = protocol.steps[s];
    const bool potentiostatic = ps.mode == io::ProtocolStep::Mode::potentiostatic;
    log_.info("protocol step %zu/%zu: %s", s + 1, protocol.steps.size(), ps.kind.c_str());
    double tau = 0, q = 0;
    for (;;) {
      if (now.t >= t_end * (1 - 1e-12)) { stop = true; break; }
      double h = std::min({dt, ps.duration - tau, t_end - now.t});
      if (!potentiostatic) {
        const double i = std::abs(ps.current_at(tau + h));
        if (std::isfinite(ps.capacity) && i > 0) h = std::min(h, (ps.capacity - std::abs(q)) / i);
      }
      if (!(h > 0)) break;

      sodium_->save();
      NAVOX_CALL(VecCopy(phi_, phi_saved));
      IonicResult r;
      std::string rejected;
      double change = 0;
      SettleResult settled;
      try {
        sodium_->set_activity(*ionic_);
        if (nucleation_->enabled()) {
          const double limited = nucleation_->limit_step(*ionic_, h, cond.temperature);
          if (limited < h) h = std::max(quantised_step(limited), std::min(h, ts.dt_min));
          nucleation_->draw(*ionic_, step + 1, h, cond.temperature);
        }
        cond.inv_dt = 1.0 / h;
        {
          ScopedEvent ionic(Event::ionic);
          if (potentiostatic) {
            cond.electrode_potential = ps.voltage;
            r = ionic_->solve(phi_, cond);
          } else {
            cond.electrode_potential = now.voltage;
            r = ionic_->solve_current(phi_, cond, ps.current_at(tau + h) * area);
          }
        }
        change = sodium_->deposit(*ionic_, h);
        settled = sodium_->settle();
        if (phase_field_->enabled()) {
          ScopedEvent relax(Event::phase_field);
          phase_field_->advance(sodium_->xi(), labels_, step + 1, h);
          sodium_->clean();
          // Past a third of the clip, z is no longer close to Gaussian: say so once.
          const double spread = std::sqrt(config_.phase_field.noise.strength * h);
          if (!noise_clip_warned && spread > physics::BandLimitedNoise::kClip / 3) {
            noise_clip_warned = true;
            log_.info("warning: phase-field noise sqrt(strength dt) = %.3g at dt = %.3g s is above a third of its "
                      "clip (%.3g): lower sodium.phase_field.noise.strength or time.dt_max",
                      spread, h, physics::BandLimitedNoise::kClip);
          }
        }
        if (change > ts.max_fill_change * (1 + 1e-9) && h > ts.dt_min)
          rejected = "Na fraction of a voxel changed by " + std::to_string(change);
        else if (settled.unplaced > 1e-9)
          rejected = "stripped more Na than a voxel and its neighbours hold";
      } catch (const CollectiveLimit&) {
        throw; // no shorter step helps
      } catch (const CollectiveError& e) {
        rejected = e.what();
      }
      if (!rejected.empty()) {
        // A current the cell cannot carry within the cut-off: a solve whose voltage estimate
        // lies past the cut-off by more than ten times the swing the cut-off still allows.
        // Halving would only let the double layer swing V to the cut-off in a vanishing
        // step, so after three such failures the step ends at its cut-off, named.
        const double v_needed = potentiostatic ? NAN : ionic_->voltage_estimate();
        const double limit = v_needed < now.voltage ? ps.voltage_min : ps.voltage_max;
        const bool far = std::isfinite(v_needed) && std::isfinite(limit) &&
                         std::abs(v_needed - now.voltage) > 10 * std::abs(limit - now.voltage) &&
                         (v_needed < ps.voltage_min || v_needed > ps.voltage_max);
        beyond_cutoff = far ? beyond_cutoff + 1 : 0;
        nucleation_->discard(*ionic_);
        sodium_->restore();
        NAVOX_CALL(VecCopy(phi_saved, phi_));
        ionic_->set_labels(labels_);
        if (beyond_cutoff >= 3) {
          // As on a cycler, the step ends at its cut-off and the protocol goes on.
          beyond_cutoff = 0;
          log_.info("  cutoff reached: protocol step %zu (%s): %.4g mA/cm^2 needs a cell voltage of about %.4g V, "
                    "beyond its cut-off (%.4g V), after %.4g s of the step",
                    s + 1, ps.kind.c_str(), std::abs(ps.current_at(tau + h)) * 0.1, v_needed, limit, tau);
          break;
        }
        double cut = change > 0 ? std::clamp(0.8 * ts.max_fill_change / change, 0.1, 0.5) : 0.5;
        // Stripped dry: land on the moment the Na runs out (the face stays fully active
        // until its Na is thinner than t_c, so halving alone would creep towards it).
        if (settled.unplaced > 1e-9) cut = std::clamp(sodium_->emptied_share(), 1e-3, 0.5);
        dt = quantised_step(h * cut);
        // The last try is a step of exactly dt_min.
        if (dt < ts.dt_min && h > ts.dt_min * (1 + 1e-9)) dt = ts.dt_min;
        log_.info("  step rejected at t = %.6g s, dt = %.3g s: %s; retrying with dt = %.3g s", now.t, h,
                  rejected.c_str(), dt);
        if (dt < ts.dt_min)
          throw CollectiveError("time step fell below time.dt_min = " + std::to_string(ts.dt_min) +
                                " s at t = " + std::to_string(now.t) + " s: " + rejected);
        continue;
      }
      beyond_cutoff = 0;
      ionic_->accept_step();
      if (settled.lifts != 0) ionic_->set_labels(labels_);
      ++step;
      const double previous_voltage = now.voltage;
      now.t += h;
      now.dt = h;
      now.protocol_step = static_cast<int>(s);
      for (const NucleusEvent& e : nucleation_->accept(now.t))
        nuclei->row({e.t, double(e.step), e.x, e.y, e.z, e.eta, e.critical_radius, e.charge, double(e.material),
                     double(nucleation_->seed())});
      now.settle_sweeps = settled.sweeps;
      tau += h;
      q += r.electrode_current / area * h;
      now.charge += r.electrode_current / area * h;
      now.faradaic_charge += r.faradaic_current / area * h;
      record(r);
      log_step(ps.kind.c_str());
      if (step % config_.output.every == 0) {
        ScopedEvent output(Event::output);
        writer.write({step, now.t}, output_fields());
        last_written = step;
      }
      // Next step: grow towards the fill and voltage targets, at most doubling.
      const double base = std::max(h, dt);
      const double dv = std::abs(now.voltage - previous_voltage);
      double factor = 2.0;
      if (change > 0) factor = std::min(factor, 0.9 * ts.max_fill_change / change);
      if (dv > 0) factor = std::min(factor, std::max(0.5, 0.9 * ts.max_voltage_change / dv));
      dt = std::clamp(quantised_step(base * std::max(factor, 0.25)), ts.dt_min, ts.dt_max);

      if (now.voltage <= ps.voltage_min || now.voltage >= ps.voltage_max) {
        log_.info("  cutoff reached: V = %.5f V", now.voltage);
        break;
      }
      if (tau >= ps.duration * (1 - 1e-12) || std::abs(q) >= ps.capacity * (1 - 1e-9)) break;
    }
  }
  NAVOX_CALL(VecDestroy(&phi_saved));
  if (last_written != step) {
    ScopedEvent output(Event::output);
    writer.write({step, now.t}, output_fields());
  }
  log_.info("done: %ld steps to t = %.6g s; output in %s/%s.{xmf,pvd}, time series %s", step, now.t,
            config_.output.directory.c_str(), config_.output.prefix.c_str(), config_.output.time_series.c_str());
  return reports;
}

} // namespace navox
