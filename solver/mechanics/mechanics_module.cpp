// The mechanics module: the stack pressure's force balance on the collector
// (solver/mechanics/contact_load.hpp), the pressure it puts in the Na, and that
// pressure's shift of every load-bearing face's overpotential (Ω p / F) before
// each solve. Creep parameters of the metal live in `sodium.creep`.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "physics/materials/material_library.hpp"
#include "physics/mechanics/power_law_creep.hpp"
#include "physics/mechanics/stress_potential.hpp"
#include "solver/electrochemistry/electrochemistry_module.hpp"
#include "mesh/block_access.hpp"
#include "solver/mechanics/contact_load.hpp"
#include "solver/sodium/sodium_module.hpp"
#include "solver/time/state.hpp"

#include <any>
#include <cmath>
#include <cstdio>

namespace navox {

namespace {

/// `sodium.creep`: the calibration point of the metal's power-law creep; defaults
/// from the material library (yield stress at 1e-3 1/s and 298.15 K, its n, and the
/// apparent activation energy of its self-diffusion there).
physics::PowerLawCreep read_creep(const input::Section& s, const io::Config& c) {
  namespace lib = physics::library;
  using units::Dim;
  const lib::Metal& metal = *lib::find_metal(c.metal);
  physics::PowerLawCreep p;
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

class MechanicsModule : public Module {
public:
  MechanicsModule(const ModuleSetup& s, IonicPotential& ionic, SodiumModule& sodium)
      : grid_(s.grid), state_(s.state), materials_(s.config.materials), ionic_(ionic), sodium_(sodium.model()),
        stress_{s.config.sodium.molar_volume}, stack_pressure_(s.config.conditions.stack_pressure) {}
  const char* name() const override { return "mechanics"; }

  void outputs(std::vector<io::OutputField>& out) const override {
    out.push_back({"pressure", io::OutputField::Type::float64,
                   sodium_pressure(grid_, state_.field("label"), materials_, sodium_.xi(), sodium_.connected(),
                                   load_.pressure),
                   "Pa"});
  }
  void columns(std::vector<io::TimeSeries::Column>& out) const override {
    out.insert(out.end(), {{"stack_pressure", "Pa"}, {"contact_pressure", "Pa"}, {"bearing_fraction", ""},
                           {"mean_na_pressure", "Pa"}});
  }
  void values(std::vector<double>& out) const override {
    const double area = grid_.spec().xy_area();
    out.insert(out.end(), {stack_pressure_, load_.pressure, load_.bearing_area() / area, mean_na_pressure()});
  }

  void initial(StepContext& ctx) override { bear(ctx.drive.stack_pressure); }
  void prepare(StepContext& ctx) override { bear(ctx.drive.stack_pressure); }

private:
  /// The force balance for this step and each face's Ω p / F: the load-bearing faces
  /// (CC, and Na connected to it: metal_fraction > 0) at p_c; floating Na carries none.
  void bear(double stack_pressure) {
    stack_pressure_ = stack_pressure;
    load_ = contact_load(grid_, state_.field("label"), materials_, ionic_, stack_pressure);
    const double shift = stress_.shift(load_.pressure);
    for (ElectrodeFace& f : ionic_.faces()) f.stress_shift = f.metal_fraction > 0 ? shift : 0.0;
  }
  /// The volume-weighted mean pressure over all Na [Pa].
  double mean_na_pressure() const {
    const std::vector<double> p = sodium_pressure(grid_, state_.field("label"), materials_, sodium_.xi(),
                                                  sodium_.connected(), load_.pressure);
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
  const SodiumModel& sodium_;
  physics::StressPotential stress_;
  double stack_pressure_ = 0;
  ContactLoad load_;
};

} // namespace

io::ModuleInput creep_input() {
  return {"sodium.creep", false,
          [](const input::Section& s, bool, const io::Config& c) { return std::any(read_creep(s, c)); }};
}

std::unique_ptr<Module> make_mechanics_module(const ModuleSetup& s) {
  auto* echem = s.find<ElectrochemistryModule>("electrochemistry");
  auto* sodium = s.find<SodiumModule>("sodium");
  if (!echem || !sodium) throw Error("the mechanics module needs the electrochemistry and sodium modules");
  return std::make_unique<MechanicsModule>(s, echem->ionic(), *sodium);
}

} // namespace navox
