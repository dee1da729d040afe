#pragma once
/// The sodium module: where Na sits (ξ in PORE and NA voxels, SodiumModel), which
/// SE|metal faces it makes active before the solve, and where the solve's
/// faradaic volume goes after it (deposit, settling, collector moves).
#include "solver/electrochemistry/electrochemistry_module.hpp"
#include "solver/sodium/sodium.hpp"
#include "solver/time/module.hpp"

namespace navox {

class SodiumModule : public Module {
public:
  explicit SodiumModule(const ModuleSetup& setup);
  const char* name() const override { return "sodium"; }
  SodiumModel& model() { return sodium_; }

  void outputs(std::vector<io::OutputField>& out) const override;
  void columns(std::vector<io::TimeSeries::Column>& out) const override;
  void values(std::vector<double>& out) const override;
  std::string summary() const override;

  void initial(StepContext& ctx) override;
  void prepare(StepContext& ctx) override;
  void transport(StepContext& ctx) override;

private:
  const Grid& grid_;
  State& state_;
  IonicPotential& ionic_;
  SodiumModel sodium_;
  double max_fill_change_ = 0.25;
  int settle_sweeps_ = 0;
  /// The Na volume of the last time-series row (values()), which the log line repeats
  /// without a second global sum [m³].
  mutable double row_volume_ = 0;
};

} // namespace navox
