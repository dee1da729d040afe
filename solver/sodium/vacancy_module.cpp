// The vacancy module (`vacancies:` in the deck switches it on): lattice-site
// occupancy θ in the Na, its depletion by stripping and its supply by
// self-diffusion, and the voids that open where it runs out at the SE
// (solver/sodium/vacancies.hpp, MODEL.md §3.5). It records the first void's
// time and stripped capacity in the run summary and the log.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/log.hpp"
#include "physics/materials/material_library.hpp"
#include "solver/electrochemistry/electrochemistry_module.hpp"
#include "solver/sodium/sodium_module.hpp"
#include "solver/sodium/vacancies.hpp"
#include "solver/time/state.hpp"

#include <algorithm>
#include <any>
#include <cmath>
#include <cstdio>
#include <memory>

namespace navox {

namespace {

/// The `vacancies:` section.
struct VacancySpec {
  double critical_occupancy = 0; ///< θ_c: a void opens where θ on a face falls to it [-]
  double diffusivity = 0;        ///< D [m²/s]; 0: the metal's D(T) from the material library
  double max_change = 0.02;      ///< the largest change of θ the step controller allows per step [-]
};

VacancySpec read_vacancies(const input::Section& s) {
  VacancySpec v;
  s.explain({{"", "optional: vacancies in the Na and the voids they open at the SE on stripping "
                  "(docs/model.md, Vacancies and voids)"},
             {"critical_occupancy", "theta_c: a void opens where the lattice occupancy on an SE face falls to it "
                                    "(0: the Sand limit)"},
             {"diffusivity", "the vacancy diffusivity (default: the metal's self-diffusivity D(T) from the "
                             "library)"},
             {"max_occupancy_change", "the largest change of theta per step"}});
  v.critical_occupancy = s.number("critical_occupancy", 0.0);
  if (!(v.critical_occupancy >= 0 && v.critical_occupancy < 1))
    s.fail("critical_occupancy", "must be at least 0 (the Sand limit) and below 1");
  if (s.has("diffusivity")) {
    v.diffusivity = s.quantity("diffusivity", units::Dim::diffusivity);
    if (!(v.diffusivity > 0)) s.fail("diffusivity", "must be positive");
  }
  v.max_change = s.number("max_occupancy_change", v.max_change);
  if (!(v.max_change > 0 && v.max_change <= 0.5)) s.fail("max_occupancy_change", "must be in (0, 0.5]");
  return v;
}

class VacancyModule : public Module {
public:
  VacancyModule(const ModuleSetup& s, IonicPotential& ionic, SodiumModule& sodium, const VacancySpec& spec)
      : grid_(s.grid), state_(s.state), log_(s.log), ionic_(ionic), spec_(spec),
        metal_(*physics::library::find_metal(s.config.metal)),
        vacancies_(s.grid, s.state.field("label"), s.config.materials, sodium.model(),
                   {diffusivity(s.config.conditions.temperature), s.config.sodium.molar_volume},
                   spec.critical_occupancy),
        onset_time_(s.state.real("void_onset_time", std::nan(""))),
        onset_capacity_(s.state.real("void_onset_capacity", std::nan(""))) {
    vacancies_.register_state(state_);
    if (!s.config.conditions.stack_pressure_given)
      log_.info("vacancies: the deck gives no stack_pressure, so creep closes every vacancy and void at once (the "
                "fast-creep limit); give conditions.stack_pressure (0 MPa for an unpressed cell) to model it");
  }
  const char* name() const override { return "vacancies"; }

  void outputs(std::vector<io::OutputField>& out) const override {
    out.push_back({"theta", io::OutputField::Type::float64, {}, "1", 1, [this] { return vacancies_.occupancy(); }});
    out.push_back({"void", io::OutputField::Type::int32, {}, "", 1, [this] { return vacancies_.voids(); }});
  }
  void columns(std::vector<io::TimeSeries::Column>& out) const override {
    out.insert(out.end(), {{"void_fraction", ""}, {"theta_min", ""}, {"vacancy_volume", "m^3"}, {"theta_its", ""}});
  }
  void values(std::vector<double>& out) const override {
    census_ = vacancies_.census(ionic_);
    out.insert(out.end(), {census_.void_fraction(), census_.theta_min,
                           vacancies_.vacant_volume() * grid_.cell_volume(), double(vacancies_.iterations())});
  }
  void results(std::vector<io::SummaryValue>& out) const override {
    out.push_back({"void_onset.time", onset_time_, "s"});
    out.push_back({"void_onset.capacity", onset_capacity_, "C/m^2"});
  }
  std::string summary() const override {
    char buf[64];
    std::snprintf(buf, sizeof buf, "theta_min = %.4f  voids %.3g%%", census_.theta_min, 100 * census_.void_fraction());
    return buf;
  }

  void initial(StepContext& ctx) override { prepare(ctx); }
  void prepare(StepContext& ctx) override {
    vacancies_.set_diffusivity(diffusivity(ctx.drive.temperature));
    vacancies_.block_voids(ionic_);
  }
  void transport(StepContext& ctx) override {
    pending_ = false;
    const VacancyStep step = vacancies_.advance(ionic_, ctx.dt);
    if (step.lifts != 0) state_.changed("label");
    if (step.max_change > 1.5 * spec_.max_change && ctx.dt > ctx.dt_min) {
      ctx.reject("Na lattice occupancy changed by " + std::to_string(step.max_change),
                 std::clamp(0.8 * spec_.max_change / step.max_change, 0.1, 0.5));
      return;
    }
    // The first void, and any step whose voids take more than 2 % of the contact at
    // once, is retried to end just past its first crossing of θ_c, so the current moves
    // off the voids before the next ones are decided. (A face already at θ_c when the
    // step starts, under a current that moved onto it, voids at once: share 0.)
    const bool first = std::isnan(onset_time_);
    if (step.new_voids > 0 && (first || step.voided_share > 0.02) && step.onset_share > 0 &&
        step.onset_share < 0.9 && ctx.dt > ctx.dt_min) {
      ctx.reject("a void opened " + std::to_string(step.onset_share) + " into the step",
                 std::clamp(step.onset_share * 1.02 + 1e-3, 1e-3, 0.95));
      return;
    }
    if (step.max_change > 0) ctx.limit_growth(0.9 * spec_.max_change / step.max_change);
    // The faces of new voids lose their contact now, so the step's row reports it.
    if (step.new_voids > 0) vacancies_.block_voids(ionic_);
    if (step.new_voids > 0 && std::isnan(onset_time_)) {
      // The first void: where in the step the face's occupancy reached θ_c (θ is
      // linear in time within the step).
      const double share = step.onset_share, area = grid_.spec().xy_area();
      pending_ = true;
      pending_time_ = ctx.t + share * ctx.dt;
      pending_capacity_ = std::abs(state_.real("charge") + ctx.cell.current / area * share * ctx.dt);
    }
  }
  void accept(const StepContext&) override {
    if (!pending_) return;
    pending_ = false;
    onset_time_ = pending_time_;
    onset_capacity_ = pending_capacity_;
    log_.info("void onset: a void opened at the Na|SE interface at t = %.6g s (%.4g h) after %.6g mAh/cm^2 "
              "(theta_c = %g)",
              onset_time_, onset_time_ / 3600, onset_capacity_ / 36000, spec_.critical_occupancy);
  }

private:
  double diffusivity(double temperature) const {
    return spec_.diffusivity > 0 ? spec_.diffusivity : metal_.self_diffusivity(temperature);
  }

  const Grid& grid_;
  State& state_;
  const io::Log& log_;
  IonicPotential& ionic_;
  VacancySpec spec_;
  const physics::library::Metal& metal_;
  Vacancies vacancies_;
  double& onset_time_;     ///< [s]; NaN: no void yet
  double& onset_capacity_; ///< |charge| passed by the onset [C/m^2]
  mutable VoidCensus census_;
  bool pending_ = false;
  double pending_time_ = 0, pending_capacity_ = 0;
};

} // namespace

io::ModuleInput vacancies_input() {
  return {"vacancies", true,
          [](const input::Section& s, bool, const io::Config&) { return std::any(read_vacancies(s)); }};
}

std::unique_ptr<Module> make_vacancy_module(const ModuleSetup& s) {
  const VacancySpec* spec = s.config.input<VacancySpec>("vacancies");
  if (!spec) return nullptr;
  auto* echem = s.find<ElectrochemistryModule>("electrochemistry");
  auto* sodium = s.find<SodiumModule>("sodium");
  if (!echem || !sodium) throw Error("the vacancy module needs the electrochemistry and sodium modules");
  return std::make_unique<VacancyModule>(s, echem->ionic(), *sodium, *spec);
}

} // namespace navox
