// The phase-field module: the conserved Allen–Cahn relaxation of ξ, with optional
// band-limited noise, over each step after the sodium module's settling.
#include "io/input/config.hpp"
#include "io/output/log.hpp"
#include "solver/app/log_events.hpp"
#include "solver/sodium/phase_field.hpp"
#include "solver/sodium/sodium_module.hpp"
#include "solver/time/state.hpp"

#include <cmath>

namespace navox {

namespace {

class PhaseFieldModule : public Module {
public:
  PhaseFieldModule(const ModuleSetup& s, SodiumModule& sodium)
      : state_(s.state), log_(s.log), sodium_(sodium.model()), step_(s.grid, s.config.materials, s.config.phase_field),
        strength_(s.config.phase_field.noise.strength) {
    const io::PhaseFieldSpec& pf = s.config.phase_field;
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

std::unique_ptr<Module> make_phase_field_module(const ModuleSetup& s) {
  if (!s.config.phase_field.enabled) return nullptr;
  auto* sodium = s.find<SodiumModule>("sodium");
  if (!sodium) throw Error("the phase-field module needs the sodium module");
  return std::make_unique<PhaseFieldModule>(s, *sodium);
}

} // namespace navox
