// Simulation::run: the protocol-driven adaptive time loop, the output schedule,
// restart points and checkpoints. Every quantity it carries from step to step is
// in the State, so a rejected step, a checkpoint and a restart see all of it.
#include "io/output/output_writer.hpp"
#include "io/output/run_summary.hpp"
#include "io/output/time_series.hpp"
#include "mesh/collective.hpp"
#include "solver/app/log_events.hpp"
#include "solver/time/checkpoint.hpp"
#include "solver/time/cycle_table.hpp"
#include "solver/time/simulation.hpp"
#include "solver/time/state.hpp"
#include "solver/time/step_size.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace navox {

namespace {

/// The run without a protocol: hold conditions.electrode_potential until time.end.
io::Protocol default_protocol(const io::Config& c) {
  io::ProtocolStep hold;
  hold.mode = io::ProtocolStep::Mode::potentiostatic;
  hold.kind = "hold";
  hold.voltage = c.conditions.electrode_potential;
  hold.duration = c.time.end;
  hold.stack_pressure = c.conditions.stack_pressure;
  io::Protocol p;
  p.steps.push_back(hold);
  return p;
}

/// The loop's own evolving quantities, in the State.
struct LoopState {
  explicit LoopState(State& s)
      : t(s.real("t")), dt_next(s.real("dt_next")), dt(s.real("dt")), tau(s.real("protocol_time")),
        q(s.real("protocol_charge")), charge(s.real("charge")), faradaic_charge(s.real("faradaic_charge")),
        voltage(s.real("V")), current_density(s.real("I")), step(s.integer("step")),
        protocol(s.integer("protocol_index")), row_protocol(s.integer("protocol_step")),
        beyond_cutoff(s.integer("beyond_cutoff")), last_written(s.integer("last_written")),
        critical_current(s.real("critical_current_density", std::nan(""))) {}
  double &t, &dt_next, &dt, &tau, &q, &charge, &faradaic_charge, &voltage, &current_density;
  std::int64_t &step, &protocol, &row_protocol, &beyond_cutoff, &last_written;
  double& critical_current; ///< the first staircase current that failed [A/m^2]; NaN: none yet
  void next_protocol_step() {
    ++protocol;
    tau = 0;
    q = 0;
  }
};

} // namespace

std::vector<StepReport> Simulation::run(const RunOptions& options) {
  interrupted_ = false;
  State& state = *state_;
  LoopState ls(state);
  CycleTable cycles(state);
  const io::TimeSpec& ts = config_.time;
  if (ls.dt_next == 0) ls.dt_next = ts.dt;
  const double area = grid_->spec().xy_area();
  const std::string& dir = config_.output.directory;
  Checkpoints checkpoints(*grid_, dir, config_.checkpoint.keep, log_);

  std::string restarted;
  if (!options.restart.empty()) {
    restarted = checkpoints.read(state, options.restart);
    if (restarted.empty()) log_.info("restart: no checkpoint in %s; starting from the beginning", dir.c_str());
  }
  const bool resumed = !restarted.empty();
  io::OutputWriter writer(*grid_, config_.output, io::material_legend(config_.materials),
                          resumed ? long(ls.step) : -1);
  if (!resumed) checkpoints.clear(); // the directory is this run's now (the writer holds its lock)
  auto names = std::make_shared<std::vector<std::string>>();
  const auto cols = columns();
  for (const auto& c : cols) names->push_back(c.name);
  io::TimeSeries series(dir + "/" + config_.output.time_series, cols, grid_->rank() == 0, resumed, ls.t);
  for (const auto& m : modules_) m->open({dir, grid_->rank() == 0, resumed, ls.t});
  if (resumed) writer.resume_collections(output_fields());

  cycles.open_file(dir + "/" + config_.output.prefix + "_cycles.csv", grid_->rank() == 0, resumed);

  std::vector<StepReport> reports;
  // The time-series values now. Collective.
  auto values_now = [&] {
    std::vector<double> v{ls.t,       double(ls.step), double(ls.row_protocol), ls.dt, ls.current_density, ls.voltage,
                          ls.charge, ls.faradaic_charge};
    for (const auto& m : modules_) m->values(v);
    return v;
  };
  // An accepted step's row waits for the step's output, if it has one: a module may
  // solve for its columns there (the elastic stresses at output steps), and the row
  // must carry that solve, not the one before. It is written after the output, before
  // a checkpoint, before the next step's work and at the run's end.
  bool row_pending = false;
  auto record = [&] { row_pending = true; };
  auto flush_row = [&] {
    if (!row_pending) return;
    row_pending = false;
    StepReport r{names, values_now()};
    // Rank 0 writes; a full disk there ends the run on every rank, with its reason.
    collectively(grid_->comm(), [&] { series.row(r.values); });
    if (options.keep_reports) reports.push_back(std::move(r));
  };
  auto log_step = [&](const char* kind) {
    std::string extra;
    for (const auto& m : modules_) {
      const std::string s = m->summary();
      if (!s.empty()) extra += "  " + s;
    }
    log_.info("step %5ld  t = %-10.4g s  dt = %-9.3g s  %-5s I = %9.4g mA/cm^2  V = %9.5f V%s", long(ls.step), ls.t,
              ls.dt, kind, ls.current_density * 0.1, ls.voltage, extra.c_str());
  };
  auto write_output = [&] {
    {
      ScopedEvent output(Event::output);
      writer.write({long(ls.step), ls.t}, output_fields());
    }
    ls.last_written = ls.step;
    flush_row();
  };
  // The open cycle's row of the cycle table (its sums go on unless `next` opens another).
  auto write_cycle = [&](int next) {
    const std::vector<double> row = cycles.row(*names, values_now(), ls.t);
    collectively(grid_->comm(), [&] { cycles.write(row); });
    if (next >= 0) cycles.open(next);
  };
  // What the run found, rewritten at the end and when a signal stops it.
  std::string status = "running";
  std::string stopped; // a module's reason to end the run (a short circuit)
  auto write_run_summary = [&] {
    std::vector<io::SummaryValue> found{io::SummaryValue::words("status", status)};
    if (!stopped.empty()) found.push_back(io::SummaryValue::words("stop_reason", stopped));
    found.emplace_back("critical_current_density", ls.critical_current, "A/m^2");
    for (const auto& m : modules_) m->results(found);
    const std::string path = dir + "/" + config_.output.prefix + "_summary.json";
    collectively(grid_->comm(), [&] {
      if (grid_->rank() == 0) io::write_summary(path, found);
    });
  };
  // One stage on every module; none after a module rejected the step.
  auto each = [&](void (Module::*stage)(StepContext&), StepContext& ctx) {
    for (const auto& m : modules_)
      if (ctx.rejected.empty()) ((*m).*stage)(ctx);
  };

  Drive drive;
  drive.temperature = config_.conditions.temperature;
  drive.stack_pressure = config_.conditions.stack_pressure;
  if (!resumed) {
    // t = 0: the state at the initial cell voltage, in steady state (no current history).
    StepContext ctx;
    ctx.drive = drive;
    ctx.drive.voltage = config_.conditions.electrode_potential;
    each(&Module::initial, ctx);
    each(&Module::solve, ctx);
    for (const auto& m : modules_) m->accept(ctx);
    ls.voltage = ctx.cell.voltage;
    ls.current_density = ctx.cell.current / area;
    record();
    log_step("start");
    write_output();
  }

  const io::Protocol protocol = config_.protocol ? *config_.protocol : default_protocol(config_);
  // A step that ended at its cutoff: in a staircase the cell has failed there. The
  // first such current is the critical current density; the rest of the staircase is
  // skipped (the cell is not driven further past failure).
  auto failed_at_cutoff = [&](const io::ProtocolStep& ps) {
    if (ps.staircase < 0) return ls.next_protocol_step();
    const double i = std::abs(ps.current_start);
    if (std::isnan(ls.critical_current)) {
      ls.critical_current = i;
      log_.info("critical current density: %.4g mA/cm^2 (staircase step %lld: the cell reached its cutoff "
                "after %.4g s of %.4g s at this current)",
                i * 0.1, (long long)ls.protocol + 1, ls.tau, ps.duration);
    }
    while (ls.protocol + 1 < std::int64_t(protocol.steps.size()) &&
           protocol.steps[static_cast<std::size_t>(ls.protocol + 1)].staircase == ps.staircase)
      ++ls.protocol;
    ls.next_protocol_step();
  };
  const double t_end = ts.end;
  long restart_saved = -1; ///< the step whose start the "restart" slot holds
  long checkpoint_step = long(ls.step); ///< the step of the newest checkpoint
  double checkpoint_wall = MPI_Wtime();
  std::string last_checkpoint = restarted;
  // Writes the newest restart point, leaving the current state as it is: from the
  // "restart" slot itself when the run is past it (no copy of the current state).
  auto checkpoint_restart_point = [&] {
    const bool current = restart_saved < 0 || restart_saved == ls.step;
    const std::string slot = current ? "" : "restart";
    const double t = current ? ls.t : state.saved_real(slot, "t");
    flush_row(); // the rows up to the checkpoint are in the file before it is
    ScopedEvent output(Event::output);
    checkpoint_step = current ? long(ls.step) : long(state.saved_integer(slot, "step"));
    last_checkpoint = checkpoints.write(state, checkpoint_step, t, slot);
    log_.info("checkpoint: %s (step %ld, t = %.6g s)", last_checkpoint.c_str(), checkpoint_step, t);
    checkpoint_wall = MPI_Wtime();
  };

  std::int64_t announced = -1;
  while (ls.protocol < std::int64_t(protocol.steps.size()) && stopped.empty()) {
    const io::ProtocolStep& ps = protocol.steps[static_cast<std::size_t>(ls.protocol)];
    if (ps.cycle != cycles.open_cycle()) write_cycle(ps.cycle);
    const bool potentiostatic = ps.mode == io::ProtocolStep::Mode::potentiostatic;
    if (announced != ls.protocol) {
      announced = ls.protocol;
      log_.info("protocol step %lld/%zu: %s", (long long)ls.protocol + 1, protocol.steps.size(), ps.kind.c_str());
    }
    // Within 1e-9 of the end is the end: the sum of quantised steps misses it by rounding,
    // and a step of that sliver (1e-9 s) only stalls the galvanostatic solve.
    if (ls.t >= t_end * (1 - 1e-9)) break;
    double step_h = std::min({ls.dt_next, ps.duration - ls.tau, t_end - ls.t});
    if (!potentiostatic) {
      const double i = std::abs(ps.current_at(ls.tau + step_h));
      if (std::isfinite(ps.capacity) && i > 0) step_h = std::min(step_h, (ps.capacity - std::abs(ls.q)) / i);
    }
    if (!(step_h > 0)) {
      ls.next_protocol_step();
      continue;
    }

    // A restart point every restart_interval steps (once, not again on a retry).
    const bool restart_point = ls.step % config_.checkpoint.restart_interval == 0 && restart_saved != ls.step;
    if (restart_point) {
      state.save("restart");
      restart_saved = long(ls.step);
    }
    // Agree on a stop signal and on wall-clock checkpoints (rank 0's clock) in one reduction.
    int flags[2] = {options.stop && *options.stop ? 1 : 0,
                    grid_->rank() == 0 && config_.checkpoint.wall_time > 0 &&
                            MPI_Wtime() - checkpoint_wall >= config_.checkpoint.wall_time
                        ? 1
                        : 0};
    MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, grid_->comm());
    if (flags[0]) {
      log_.info("signal received: writing a checkpoint and stopping (resubmit with --restart latest)");
      checkpoint_restart_point();
      status = "interrupted";
      write_run_summary();
      interrupted_ = true;
      return reports;
    }
    const bool due = flags[1] || (config_.checkpoint.every > 0 && ls.step - checkpoint_step >= config_.checkpoint.every);
    if (restart_point && due && ls.step != checkpoint_step) checkpoint_restart_point();

    flush_row(); // before the step's work changes what the modules report
    state.save("step");
    StepContext ctx;
    ctx.step = long(ls.step) + 1;
    ctx.t = ls.t;
    ctx.dt = step_h;
    ctx.dt_min = ts.dt_min;
    ctx.restart_point = restart_point;
    ctx.drive = drive;
    ctx.drive.potentiostatic = potentiostatic;
    ctx.drive.stack_pressure = ps.stack_pressure;
    try {
      each(&Module::prepare, ctx); // may shorten ctx.dt
      ctx.drive.voltage = potentiostatic ? ps.voltage : ls.voltage;
      ctx.drive.current = potentiostatic ? 0.0 : ps.current_at(ls.tau + ctx.dt) * area;
      each(&Module::solve, ctx);
      each(&Module::transport, ctx);
      each(&Module::relax, ctx);
    } catch (const CollectiveLimit& e) {
      // No shorter step helps: keep the last good state for a changed deck.
      state.restore("step");
      checkpoint_restart_point();
      throw CollectiveLimit(std::string(e.what()) + " (the state at step " + std::to_string(checkpoint_step) +
                            " is in " + last_checkpoint + ")");
    } catch (const CollectiveError& e) {
      ctx.reject(e.what(), 0.5);
    }
    const double h_try = ctx.dt;
    if (!ctx.rejected.empty()) {
      state.restore("step");
      // A current the cell cannot carry within the cut-off: a solve whose voltage estimate
      // lies past the cut-off by more than ten times the swing the cut-off still allows.
      // Halving would only let the double layer swing V to the cut-off in a vanishing
      // step, so after three such failures the step ends at its cut-off, named.
      const double v_needed = potentiostatic ? NAN : ctx.cell.voltage_estimate;
      const double limit = v_needed < ls.voltage ? ps.voltage_min : ps.voltage_max;
      // (An infinite estimate: no voltage carries the current, no face can take it.)
      const bool far = !std::isnan(v_needed) && std::isfinite(limit) &&
                       std::abs(v_needed - ls.voltage) > 10 * std::abs(limit - ls.voltage) &&
                       (v_needed < ps.voltage_min || v_needed > ps.voltage_max);
      ls.beyond_cutoff = far ? ls.beyond_cutoff + 1 : 0;
      // No face at all can carry the current (its faces were decided at the step's
      // start): no shorter step changes that.
      if (ls.beyond_cutoff >= 3 || (far && std::isinf(v_needed))) {
        // As on a cycler, the step ends at its cut-off and the protocol goes on.
        ls.beyond_cutoff = 0;
        if (std::isinf(v_needed))
          log_.info("  cutoff reached: protocol step %lld (%s): no SE|metal face can carry %.4g mA/cm^2 any more "
                    "(no Na left in contact with the SE), after %.4g s of the step",
                    (long long)ls.protocol + 1, ps.kind.c_str(), std::abs(ps.current_at(ls.tau + h_try)) * 0.1, ls.tau);
        else
          log_.info("  cutoff reached: protocol step %lld (%s): %.4g mA/cm^2 needs a cell voltage of about %.4g V, "
                    "beyond its cut-off (%.4g V), after %.4g s of the step",
                    (long long)ls.protocol + 1, ps.kind.c_str(), std::abs(ps.current_at(ls.tau + h_try)) * 0.1,
                    v_needed, limit, ls.tau);
        failed_at_cutoff(ps);
        continue;
      }
      double dt = quantised_step(h_try * ctx.retry_share);
      // The last try is a step of exactly dt_min.
      if (dt < ts.dt_min && h_try > ts.dt_min * (1 + 1e-9)) dt = ts.dt_min;
      ls.dt_next = dt;
      log_.info("  step rejected at t = %.6g s, dt = %.3g s: %s; retrying with dt = %.3g s", ls.t, h_try,
                ctx.rejected.c_str(), dt);
      if (dt < ts.dt_min) {
        char where[96];
        std::snprintf(where, sizeof where, "time step fell below time.dt_min = %.6g s at t = %.9g s: ", ts.dt_min, ls.t);
        const std::string why = where + ctx.rejected;
        checkpoint_restart_point();
        throw CollectiveError(why + " (the state at step " + std::to_string(checkpoint_step) + " is in " +
                              last_checkpoint + "; --restart latest continues from it)");
      }
      continue;
    }

    ls.beyond_cutoff = 0;
    const double previous_voltage = ls.voltage;
    ++ls.step;
    ls.t += h_try;
    ls.dt = h_try;
    ls.row_protocol = ls.protocol;
    ls.tau += h_try;
    ls.q += ctx.cell.current / area * h_try;
    ls.charge += ctx.cell.current / area * h_try;
    ls.faradaic_charge += ctx.cell.faradaic_current / area * h_try;
    cycles.add(ctx.cell.faradaic_current / area * h_try);
    ls.voltage = ctx.cell.voltage;
    ls.current_density = ctx.cell.current / area;
    ctx.t = ls.t;
    for (const auto& m : modules_) m->accept(ctx);
    record();
    log_step(ps.kind.c_str());
    for (const auto& m : modules_)
      if (stopped.empty()) stopped = m->stop_reason();
    if (!stopped.empty()) {
      log_.info("  stopping: %s", stopped.c_str());
      break;
    }
    if (ls.step % config_.output.every == 0) write_output();

    // Next step: grow towards the modules' and the voltage targets, at most doubling.
    const double base = std::max(h_try, ls.dt_next);
    const double dv = std::abs(ls.voltage - previous_voltage);
    double factor = ctx.growth;
    if (dv > 0) factor = std::min(factor, std::max(0.5, 0.9 * ts.max_voltage_change / dv));
    ls.dt_next = std::clamp(quantised_step(base * std::max(factor, 0.25)), ts.dt_min, ts.dt_max);

    if (ls.voltage <= ps.voltage_min || ls.voltage >= ps.voltage_max) {
      log_.info("  cutoff reached: V = %.5f V", ls.voltage);
      failed_at_cutoff(ps);
    } else if (ls.tau >= ps.duration * (1 - 1e-9) || std::abs(ls.q) >= ps.capacity * (1 - 1e-9)) {
      ls.next_protocol_step();
    }
  }
  if (ls.last_written != ls.step) write_output();
  flush_row();
  // The last cycle's row: closed when the protocol is done, else (time.end or a stop
  // came first) written as far as it went, still open for a run continued from here.
  const bool protocol_done = ls.protocol >= std::int64_t(protocol.steps.size());
  if (cycles.open_cycle() < protocol.cycles && (cycles.started() || protocol_done))
    write_cycle(protocol_done ? cycles.open_cycle() + 1 : -1);
  checkpoint_restart_point();
  status = !stopped.empty() ? "stopped" : protocol_done ? "completed" : "time.end reached";
  write_run_summary();
  log_.info("done: %ld steps to t = %.6g s; output in %s/%s.{xmf,pvd}, time series %s", long(ls.step), ls.t,
            dir.c_str(), config_.output.prefix.c_str(), config_.output.time_series.c_str());
  return reports;
}

} // namespace navox
