// The nucleation module: Na nuclei on bare, blocking collector faces before each
// solve (Nucleation), their footprints' coverage, and the nuclei event log; idle
// (columns of zeros) when no material nucleates.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/log.hpp"
#include "mesh/collective.hpp"
#include "solver/electrochemistry/electrochemistry_module.hpp"
#include "solver/sodium/nucleation.hpp"
#include "solver/time/state.hpp"
#include "solver/time/step_size.hpp"

#include <algorithm>

namespace navox {

namespace {

/// η and what follows from it to 6 digits, well above the solver's tolerance, so the
/// file is the same byte for byte on any partition.
std::vector<io::TimeSeries::Column> nucleus_columns() {
  return {{"t", "s"},        {"step", ""},
          {"x", "m"},        {"y", "m"},
          {"z", "m"},        {"eta", "V", 6},
          {"critical_radius", "m", 6}, {"charge", "C", 6},
          {"material", ""},  {"seed", ""}};
}

/// The `nucleation:` section.
NucleationSpec read_nucleation(const input::Section& s) {
  NucleationSpec n;
  s.explain({{"", "nucleation of Na on blocking collectors (classical nucleation theory; each collector's own "
                  "parameters are under materials.<name>.nucleation)"},
             {"seed", "keys the random stream of nucleation events: the same on any number of ranks"},
             {"max_step_fraction", "limits a step so that it expects at most this many new nuclei per footprint "
                                   "the bare contact has room for"}});
  n.seed = static_cast<std::uint64_t>(s.integer("seed", 1, 0, std::int64_t(1) << 53));
  n.max_step_fraction = s.number("max_step_fraction", n.max_step_fraction);
  if (!(n.max_step_fraction > 0 && n.max_step_fraction <= 1))
    s.fail("max_step_fraction", "must be in (0, 1] (expected new nuclei per step, as a share of the footprints the bare contact has room for)");
  return n;
}

NucleationSpec spec(const io::Config& c) {
  const NucleationSpec* n = c.input<NucleationSpec>("nucleation");
  return n ? *n : NucleationSpec{};
}

class NucleationModule : public Module {
public:
  NucleationModule(const ModuleSetup& s, ElectrochemistryModule& echem)
      : grid_(s.grid), ionic_(echem.ionic()), nucleation_(s.grid, s.config.materials, spec(s.config)),
        file_(s.config.output.nuclei) {
    nucleation_.register_state(s.state, ionic_);
    if (nucleation_.enabled()) s.log.info("nucleation: random seed %llu", (unsigned long long)nucleation_.seed());
    area_ = grid_.spec().xy_area();
  }
  const char* name() const override { return "nucleation"; }

  void outputs(std::vector<io::OutputField>& out) const override {
    if (nucleation_.enabled())
      out.push_back({"nuclei", io::OutputField::Type::int32, {}, "", 1, [this] { return nucleation_.field(); }});
  }
  void columns(std::vector<io::TimeSeries::Column>& out) const override {
    out.insert(out.end(), {{"nuclei", ""}, {"nucleus_density", "1/m^2"}});
  }
  void values(std::vector<double>& out) const override {
    out.insert(out.end(), {double(nucleation_.count()), double(nucleation_.count()) / area_});
  }
  void open(const RunOutputs& o) override {
    if (nucleation_.enabled()) log_ = std::make_unique<io::TimeSeries>(o.directory + "/" + file_, nucleus_columns(), o.root, o.restart,
                                            o.restart_time);
  }

  void prepare(StepContext& ctx) override {
    if (!nucleation_.enabled()) return;
    // Few enough new nuclei per step that the explicit seeding resolves them.
    const double limited = nucleation_.limit_step(ionic_, ctx.dt, ctx.drive.temperature);
    if (limited < ctx.dt) ctx.dt = std::max(quantised_step(limited), std::min(ctx.dt, ctx.dt_min));
    nucleation_.draw(ionic_, ctx.step, ctx.dt, ctx.drive.temperature);
  }
  void accept(const StepContext& ctx) override {
    if (!nucleation_.enabled()) return;
    const std::vector<NucleusEvent> events = nucleation_.accept(ctx.t); // on rank 0
    collectively(grid_.comm(), [&] {
      for (const NucleusEvent& e : events)
        log_->row({e.t, double(e.step), e.x, e.y, e.z, e.eta, e.critical_radius, e.charge, double(e.material),
                   double(nucleation_.seed())});
    });
  }

private:
  const Grid& grid_;
  IonicPotential& ionic_;
  Nucleation nucleation_;
  std::string file_;
  double area_ = 0;
  std::unique_ptr<io::TimeSeries> log_;
};

} // namespace

io::ModuleInput nucleation_input() {
  return {"nucleation", false, [](const input::Section& s, bool, const io::Config&) { return std::any(read_nucleation(s)); }};
}

std::unique_ptr<Module> make_nucleation_module(const ModuleSetup& s) {
  auto* echem = s.find<ElectrochemistryModule>("electrochemistry");
  if (!echem) throw Error("the nucleation module needs the electrochemistry module");
  // Without a nucleating material it only reports zero nuclei (the columns stay).
  return std::make_unique<NucleationModule>(s, *echem);
}

} // namespace navox
