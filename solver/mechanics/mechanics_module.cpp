// The mechanics module: the stack pressure's force balance on the collector
// (solver/mechanics/contact_load.hpp), the pressure it puts in the Na, and that
// pressure's shift of every load-bearing face's overpotential (Ω p / F) before
// each solve; the elastic stresses of the SE and CC under the stack load and the Na
// pressure (solver/mechanics/elasticity.hpp), solved at each output step (or each
// step, or never: `mechanics.elasticity`). The metal's creep law is `mechanics.creep`.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "physics/materials/material_library.hpp"
#include "physics/mechanics/power_law_creep.hpp"
#include "physics/mechanics/stress_potential.hpp"
#include "solver/electrochemistry/electrochemistry_module.hpp"
#include "mesh/block_access.hpp"
#include "solver/app/log_events.hpp"
#include "solver/mechanics/contact_load.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "solver/mechanics/extrusion_limit.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/sodium/sodium_module.hpp"
#include "solver/time/state.hpp"

#include <algorithm>
#include <any>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

namespace navox {

namespace {

/// `mechanics.creep`: the calibration point of the metal's power-law creep; defaults
/// from the material library (yield stress at 1e-3 1/s and 298.15 K, its n, and the
/// apparent activation energy of its self-diffusion there).
physics::PowerLawCreep read_creep(const input::Section& s, const io::Config& c) {
  namespace lib = physics::library;
  using units::Dim;
  const lib::Metal& metal = *lib::find_metal(c.metal);
  physics::PowerLawCreep p;
  s.explain({{"", "Na power-law creep, eps_dot = eps_ref (sigma / flow_stress)^n exp(-Q/R (1/T - 1/T_ref)): its "
                  "calibration point; defaults from the metal (sodium.metal)"},
             {"flow_stress", "the stress at which the metal creeps at at_strain_rate and at_temperature (default: "
                             "its yield stress)"},
             {"at_strain_rate", "the strain rate of that calibration point"},
             {"at_temperature", "the temperature of that calibration point"},
             {"exponent", "the stress exponent n (default: the metal's)"},
             {"activation_energy", "Q (default: the apparent activation energy of the metal's self-diffusion at "
                                   "at_temperature)"}});
  p.reference_stress = s.quantity("flow_stress", Dim::pressure, metal.yield_stress);
  p.reference_rate = s.quantity("at_strain_rate", Dim::rate, 1e-3);
  p.reference_temperature = s.quantity("at_temperature", Dim::temperature, 298.15);
  p.exponent = s.number("exponent", metal.creep_exponent);
  p.activation_energy = s.quantity("activation_energy", Dim::energy_per_mole,
                                   metal.diffusion_activation_energy(p.reference_temperature));
  if (!(p.reference_stress > 0)) s.fail("flow_stress", "must be positive");
  if (!(p.reference_rate > 0)) s.fail("at_strain_rate", "must be positive");
  if (!(p.reference_temperature > 0)) s.fail("at_temperature", "must be above absolute zero");
  if (!(p.exponent >= 1 && p.exponent <= 20)) s.fail("exponent", "must be from 1 (viscous) to 20");
  if (!(p.activation_energy >= 0)) s.fail("activation_energy", "must not be negative");
  return p;
}

/// The `mechanics:` section.
struct MechanicsSpec {
  enum class Elastic { output, step, off };
  Elastic elasticity = Elastic::output; ///< when the elastic stresses are solved
  bool creep_flow = false;              ///< walled-in plated Na carried by its creep flow
  physics::PowerLawCreep creep;
};

MechanicsSpec read_mechanics(const input::Section& s, const io::Config& c) {
  MechanicsSpec m;
  s.explain({{"", "stack-pressure mechanics: when the elastic stresses of SE and CC are solved, and the Na creep "
                  "law (docs/model.md, Mechanics)"},
             {"elasticity", "output: at each output step; step: after every step; off: never (without a stack "
                            "pressure it is off)"},
             {"creep_flow", "on: plated Na walled in by Na is carried by its creep flow to the free space it "
                            "reaches (collector pores, gaps), as much as the flow carries under the bearing "
                            "pressure, the rest lifts the collector; off (default): all of it at once along paths "
                            "through the Na (the fast-creep limit). Only with a stack pressure; costs a creep-flow "
                            "solve in each step with walled-in Na (docs/performance.md)"}});
  const std::string when = s.choice("elasticity", {"output", "step", "off"}, "output");
  m.creep_flow = s.choice("creep_flow", {"on", "off"}, "off") == "on";
  m.elasticity = when == "step" ? MechanicsSpec::Elastic::step
                 : when == "off" ? MechanicsSpec::Elastic::off
                                 : MechanicsSpec::Elastic::output;
  m.creep = read_creep(s.section_or_defaults("creep"), c);
  return m;
}

MechanicsSpec spec(const io::Config& c) {
  const MechanicsSpec* m = c.input<MechanicsSpec>("mechanics");
  return m ? *m : MechanicsSpec{};
}

/// NaN outside the voxels a quantity is defined in (ParaView's threshold drops them).
constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

class MechanicsModule : public Module {
public:
  MechanicsModule(const ModuleSetup& s, IonicPotential& ionic, SodiumModule& sodium)
      : grid_(s.grid), state_(s.state), materials_(s.config.materials), ionic_(ionic), sodium_(sodium.model()),
        stress_{s.config.sodium.molar_volume}, spec_(spec(s.config)),
        stack_pressure_(s.config.conditions.stack_pressure),
        pressure_modelled_(s.config.conditions.stack_pressure_given) {
    if (pressure_modelled_ && spec_.creep_flow) {
      extrusion_ = std::make_unique<ExtrusionLimit>(grid_, materials_, spec_.creep);
      sodium_.set_path_limit([this](Vec labels, Vec xi, Vec excess, Vec confined) {
        if (!(dt_ > 0)) return 2.0; // settling before any step: nothing plated
        ScopedEvent event(Event::creep_flow);
        return extrusion_->share(labels, xi, excess, confined, load_.pressure, temperature_, dt_);
      });
    }
    // The collector lifts when the Na pushing it, pressed as hard as its plating can press
    // it (p_c + F (−η)/Ω: there Ω p / F cancels the drive and the plating stops), carries
    // the whole stack load over the areas it presses on; a pocket of a few voxels never does.
    // (A relative margin: a Na layer under the whole collector at p_c carries it exactly.)
    if (pressure_modelled_)
      sodium_.set_lift_rule([this](const std::vector<ConfinedBody>& bodies) {
        double force = 0;
        for (const ConfinedBody& b : bodies)
          force += b.area * (load_.pressure + b.drive / stress_.shift(1.0));
        return force >= stack_pressure_ * grid_.spec().xy_area() * (1 - 1e-9);
      });
    // The last elastic solve's columns are repeated on rows without a solve: a run
    // restarted from a checkpoint must repeat them too.
    s.state.bind_real("max_von_mises_se", max_von_mises_se_);
    s.state.bind_integer("elastic_its", elastic_its_);
    s.state.bind_integer("loose_solid", loose_solid_);
  }
  const char* name() const override { return "mechanics"; }

  void outputs(std::vector<io::OutputField>& out) const override {
    out.push_back({"pressure", io::OutputField::Type::float64, {}, "Pa", 1, [this] { return na_pressure(); }});
    if (!elastic_wanted()) return;
    // Not before the first force balance: a run resuming from a checkpoint asks for the
    // fields' names before any step (the Na pressure is not known yet, and a solve there
    // would change the columns that the run straight through has).
    if (spec_.elasticity == MechanicsSpec::Elastic::output && loaded_) solve_elasticity();
    elastic_fields(out);
  }
  void columns(std::vector<io::TimeSeries::Column>& out) const override {
    out.insert(out.end(), {{"stack_pressure", "Pa"}, {"bearing_pressure", "Pa"}, {"bearing_fraction", ""},
                           {"mean_na_pressure", "Pa"}, {"max_von_mises_se", "Pa"}, {"elastic_its", ""},
                           {"loose_solid", ""},
                           {"extrusion_share", ""}, {"extrusion_pressure", "Pa"}});
  }
  void values(std::vector<double>& out) const override {
    const double area = grid_.spec().xy_area();
    out.insert(out.end(), {stack_pressure_, load_.pressure, load_.bearing_area() / area, mean_na_pressure(),
                           max_von_mises_se_, double(elastic_its_), double(loose_solid_),
                           extrusion_ ? extrusion_->last_share() : 1.0, extrusion_ ? extrusion_->last_pressure() : 0.0});
  }

  void initial(StepContext& ctx) override { bear(ctx.drive.stack_pressure); }
  void prepare(StepContext& ctx) override {
    // The elastic solve starts from the last solution; at a restart point from zero, as
    // a run restarted there does, so that it repeats this one bit for bit.
    if (ctx.restart_point && elastic_) elastic_->forget_solution();
    bear(ctx.drive.stack_pressure);
    // Gaps in the Na close by creep under the load-bearing pressure: the share of a
    // void that closes over the step (physics::PowerLawCreep::closed_share); without a
    // stack pressure in the deck, at once (the fast-creep limit).
    if (pressure_modelled_)
      sodium_.set_closure(spec_.creep.closed_share(load_.pressure, ctx.drive.temperature, ctx.dt), true);
    temperature_ = ctx.drive.temperature;
    dt_ = ctx.dt;
  }
  void accept(const StepContext&) override {
    if (elastic_wanted() && spec_.elasticity == MechanicsSpec::Elastic::step) solve_elasticity();
  }

private:
  /// Without a stack pressure in the deck nothing loads the solids: no elastic solve.
  bool elastic_wanted() const { return pressure_modelled_ && spec_.elasticity != MechanicsSpec::Elastic::off; }
  /// The pressure in each Na voxel [Pa]. Of the metal's connectivity as it is now: the
  /// Na model's own labelling is from the step's start, before its deposit and
  /// settling, and Na it filled since would read as floating and carry no pressure
  /// (the stack load then fell on the ersatz under the collector: twice the SE's
  /// stress in the first step after a change of stack pressure). Collective.
  std::vector<double> na_pressure() const {
    sodium_.label_metal();
    std::vector<double> p =
        sodium_pressure(grid_, state_.field("label"), materials_, sodium_.xi(), sodium_.connected(), load_.pressure);
    // Pressed Na (SodiumModel::confined_bodies): at the pressure where its plating stopped.
    if (pressure_modelled_) {
      ScalarVector drive(grid_);
      sodium_.pressed_drive(ionic_, drive);
      const std::vector<double> d = scalar_block(grid_, drive);
      for (std::size_t n = 0; n < p.size(); ++n)
        if (d[n] > 0 && !std::isnan(p[n])) p[n] = load_.pressure + d[n] / stress_.shift(1.0);
    }
    return p;
  }
  /// The elastic solve under the stack load and the Na pressure; the matrix is refilled
  /// and the preconditioner set up again when the labels change (a collector move).
  /// Collective.
  void solve_elasticity() const {
    ScopedEvent event(Event::elasticity);
    const long seen = state_.revision("label");
    if (!elastic_)
      elastic_ = std::make_unique<Elasticity>(grid_, state_.field("label"), materials_);
    else if (seen != labels_seen_)
      elastic_->relabel(state_.field("label"));
    labels_seen_ = seen;
    std::vector<double> p = na_pressure();
    for (double& v : p)
      if (std::isnan(v)) v = 0;
    ScalarVector pv(grid_);
    set_scalar_block(grid_, pv, p);
    ElasticLoad load;
    load.stack_pressure = stack_pressure_;
    load.na_pressure = pv;
    const ElasticResult r = elastic_->solve(load);
    pv.release();
    elastic_its_ = r.iterations;
    loose_solid_ = elastic_->loose_voxels();
    ScalarVector hyd(grid_), vm(grid_);
    elastic_->stress_invariants(hyd, vm);
    hydrostatic_ = scalar_block(grid_, hyd);
    von_mises_ = scalar_block(grid_, vm);
    hyd.release();
    vm.release();
    // The largest von Mises stress in the SE: where a crack or a filament would start.
    const std::vector<double> labels = scalar_block(grid_, state_.field("label"));
    double local = 0;
    for (std::size_t n = 0; n < von_mises_.size(); ++n)
      if (materials_[static_cast<int>(labels[n])].phase == Phase::SE) local = std::max(local, von_mises_[n]);
    MPI_Allreduce(&local, &max_von_mises_se_, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
  }
  /// displacement, hydrostatic and von Mises stress (SE and CC), contact pressure (SE),
  /// from the last solve; NaN where a quantity is not defined. Each computed when the
  /// writer reaches it (io::OutputField::make): at an output step they come on top of
  /// the elastic solver's levels, which stay for the next solve.
  void elastic_fields(std::vector<io::OutputField>& out) const {
    using T = io::OutputField::Type;
    const auto n = static_cast<std::size_t>(grid_.owned().size());
    if (!elastic_) { // no solve yet: the same fields, undefined
      out.push_back({"displacement", T::float64, {}, "m", 3, [n] { return std::vector<double>(3 * n, kUndefined); }});
      for (const char* name : {"hydrostatic_stress", "von_mises_stress", "contact_pressure"})
        out.push_back({name, T::float64, {}, "Pa", 1, [n] { return std::vector<double>(n, kUndefined); }});
      return;
    }
    out.push_back({"displacement", T::float64, {}, "m", 3, [this] { return elastic_->displacement_block(); }});
    out.push_back({"hydrostatic_stress", T::float64, {}, "Pa", 1, [this] { return only(hydrostatic_, solid); }});
    out.push_back({"von_mises_stress", T::float64, {}, "Pa", 1, [this] { return only(von_mises_, solid); }});
    out.push_back({"contact_pressure", T::float64, {}, "Pa", 1, [this] {
                     ScalarVector contact(grid_);
                     elastic_->contact_pressure(contact);
                     return only(scalar_block(grid_, contact), [](Phase p) { return p == Phase::SE; });
                   }});
  }
  static bool solid(Phase p) { return p == Phase::SE || p == Phase::CC; }
  /// `b` with NaN in the voxels whose phase is not `defined`.
  template <class Defined> std::vector<double> only(std::vector<double> b, Defined&& defined) const {
    const std::vector<double> labels = scalar_block(grid_, state_.field("label"));
    for (std::size_t q = 0; q < b.size(); ++q)
      if (!defined(materials_[static_cast<int>(labels[q])].phase)) b[q] = kUndefined;
    return b;
  }

  /// The force balance for this step and each face's Ω p / F: the load-bearing faces
  /// (CC, and Na connected to it: metal_fraction > 0) at p_c; floating Na carries none.
  void bear(double stack_pressure) {
    ScopedEvent event(Event::bearing);
    loaded_ = true;
    stack_pressure_ = stack_pressure;
    load_ = contact_load(grid_, state_.field("label"), materials_, ionic_, stack_pressure);
    const double shift = stress_.shift(load_.pressure);
    auto& faces = ionic_.faces();
    for (ElectrodeFace& f : faces) f.stress_shift = f.metal_fraction > 0 ? shift : 0.0;
  }
  /// The volume-weighted mean pressure over all Na [Pa].
  double mean_na_pressure() const {
    const std::vector<double> p = na_pressure();
    const std::vector<double> xi = scalar_block(grid_, sodium_.xi());
    double local[2] = {0, 0}, global[2] = {0, 0};
    for (std::size_t n = 0; n < p.size(); ++n)
      if (!std::isnan(p[n])) local[0] += p[n] * xi[n], local[1] += xi[n];
    MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
    return global[1] > 0 ? global[0] / global[1] : 0.0;
  }

  const Grid& grid_;
  State& state_;
  const MaterialTable& materials_;
  IonicPotential& ionic_;
  SodiumModel& sodium_;
  physics::StressPotential stress_;
  MechanicsSpec spec_;
  double stack_pressure_ = 0;
  bool pressure_modelled_ = false;
  bool loaded_ = false; ///< bear() has run since the start (or the restart)
  ContactLoad load_;
  mutable std::unique_ptr<Elasticity> elastic_;
  mutable long labels_seen_ = -1;
  mutable std::vector<double> hydrostatic_, von_mises_; ///< owned blocks of the last solve [Pa]
  mutable double max_von_mises_se_ = 0;
  mutable std::int64_t elastic_its_ = 0;
  mutable std::int64_t loose_solid_ = 0; ///< SE and CC voxels the last solve took as loose (load_bearing.hpp)
  std::unique_ptr<ExtrusionLimit> extrusion_; ///< with a stack pressure and mechanics.creep_flow: on
  double temperature_ = 298.15, dt_ = 0;      ///< of the step being taken (for the settling's extrusion limit)
};

} // namespace

io::ModuleInput mechanics_input() {
  return {"mechanics", false,
          [](const input::Section& s, bool, const io::Config& c) { return std::any(read_mechanics(s, c)); }};
}

std::unique_ptr<Module> make_mechanics_module(const ModuleSetup& s) {
  auto* echem = s.find<ElectrochemistryModule>("electrochemistry");
  auto* sodium = s.find<SodiumModule>("sodium");
  if (!echem || !sodium) throw Error("the mechanics module needs the electrochemistry and sodium modules");
  return std::make_unique<MechanicsModule>(s, echem->ionic(), *sodium);
}

} // namespace navox
