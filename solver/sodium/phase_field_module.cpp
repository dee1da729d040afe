// The phase-field module: the conserved Allen–Cahn relaxation of ξ, with optional
// band-limited noise, over each step after the sodium module's settling.
#include "io/input/config.hpp"
#include "io/input/input.hpp"
#include "io/output/log.hpp"
#include "solver/app/log_events.hpp"
#include "solver/sodium/phase_field.hpp"
#include "solver/sodium/sodium_module.hpp"
#include "solver/time/state.hpp"

#include <algorithm>
#include <any>
#include <cmath>
#include <cstdio>

namespace navox {

namespace {

/// `sodium.phase_field`: δ defaults to 1.5 voxels (10–90 % over 3.3 voxels, the
/// 2–4 of MODEL.md §3.2); the noise's filter passes follow from ℓ and the finest spacing.
PhaseFieldSpec read_phase_field(const input::Section& s, double h) {
  auto in_um = [](double metres) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g um", metres * 1e6);
    return std::string(text);
  };
  PhaseFieldSpec p;
  p.enabled = true;
  s.explain({{"", "optional: conserved Allen-Cahn relaxation of xi after each step, which gives the deposit a "
                  "diffuse interface of a set width (docs/model.md)"},
             {"width", "the interface width delta (10-90 % over 2.2 delta); default 1.5 voxels; at least one voxel"},
             {"rate", "the relaxation rate k; sub-steps per second of run = 2 sum(k delta^2 / 2 h^2) + 4 k"},
             {"noise", "optional band-limited Langevin noise on xi, for morphology studies"},
             {"noise.strength", "D: Var(d xi) = D dt at xi = 1/2; keep sqrt(D dt_max) below 0.04 (the log warns)"},
             {"noise.correlation_length", "the noise's correlation length; default one voxel; 0: white; at most "
                                          "10 voxels"},
             {"noise.seed", "keys the noise with the voxel and the step: the same on any rank count"}});
  p.relaxation.width = s.quantity("width", units::Dim::length, 1.5 * h);
  p.relaxation.rate = s.quantity("rate", units::Dim::rate, 0.1);
  if (!(p.relaxation.width >= h)) s.fail("width", "must be at least one voxel (" + in_um(h) + ")");
  if (!(p.relaxation.rate > 0)) s.fail("rate", "must be positive");
  // Without a `noise` section there is no noise; its defaults are printed as a comment.
  const bool noisy = s.has("noise");
  PhaseFieldSpec q = p;
  PhaseFieldSpec& out = noisy ? p : q;
  const input::Section n = s.section_or_comment("noise");
  out.noise.strength = noisy ? n.quantity("strength", units::Dim::rate) : n.quantity("strength", units::Dim::rate, 0.0);
  if (!(out.noise.strength >= 0)) n.fail("strength", "must not be negative");
  out.correlation_length = n.quantity("correlation_length", units::Dim::length, h);
  const int passes = physics::BandLimitedNoise::passes_for(out.correlation_length, h);
  if (!(out.correlation_length >= 0) || passes > 600)
    n.fail("correlation_length", "must be between 0 and 10 voxels (" + in_um(10 * h) + ")");
  out.noise.passes = passes;
  out.seed = static_cast<std::uint64_t>(n.integer("seed", 1, 0, std::int64_t(1) << 53));
  return p;
}

class PhaseFieldModule : public Module {
public:
  PhaseFieldModule(const ModuleSetup& s, SodiumModule& sodium, const PhaseFieldSpec& pf)
      : state_(s.state), log_(s.log), sodium_(sodium.model()), step_(s.grid, s.config.materials, pf),
        strength_(pf.noise.strength) {
    log_.info("phase field: conserved Allen-Cahn, width %.4g um, rate %.4g 1/s (%ld sub-steps per s)",
              pf.relaxation.width * 1e6, pf.relaxation.rate, step_.substeps(1.0));
    if (pf.noise.strength > 0)
      log_.info("phase field noise: strength %.4g 1/s, correlation length %.4g um (%d filter passes), random seed %llu",
                pf.noise.strength, pf.correlation_length * 1e6, pf.noise.passes, (unsigned long long)pf.seed);
  }
  const char* name() const override { return "phase_field"; }

  void relax(StepContext& ctx) override {
    ScopedEvent relax(Event::phase_field);
    step_.advance(sodium_.xi(), state_.field("label"), ctx.step, ctx.dt);
    sodium_.clean();
    // Past a third of the clip, z is no longer close to Gaussian: say so once.
    const double spread = std::sqrt(strength_ * ctx.dt);
    if (!clip_warned_ && spread > physics::BandLimitedNoise::kClip / 3) {
      clip_warned_ = true;
      log_.info("warning: phase-field noise sqrt(strength dt) = %.3g at dt = %.3g s is above a third of its "
                "clip (%.3g): lower sodium.phase_field.noise.strength or time.dt_max",
                spread, ctx.dt, physics::BandLimitedNoise::kClip);
    }
  }

private:
  State& state_;
  const io::Log& log_;
  SodiumModel& sodium_;
  PhaseFieldStep step_;
  double strength_ = 0;
  bool clip_warned_ = false;
};

} // namespace

io::ModuleInput phase_field_input() {
  return {"sodium.phase_field", true, [](const input::Section& s, bool, const io::Config& c) {
            const auto& h = c.grid.spacing;
            return std::any(read_phase_field(s, std::min({h[0], h[1], h[2]})));
          }};
}

std::unique_ptr<Module> make_phase_field_module(const ModuleSetup& s) {
  const PhaseFieldSpec* pf = s.config.input<PhaseFieldSpec>("sodium.phase_field");
  if (!pf) return nullptr; // no sodium.phase_field section: sharp fronts
  auto* sodium = s.find<SodiumModule>("sodium");
  if (!sodium) throw Error("the phase-field module needs the sodium module");
  return std::make_unique<PhaseFieldModule>(s, *sodium, *pf);
}

} // namespace navox
