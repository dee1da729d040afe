#pragma once
/// The electrochemistry module: the ionic potential `phi` in the SE and the current
/// through every SE|metal face (IonicPotential), at the held voltage or at the
/// prescribed current. It fills StepContext::cell; other modules set the faces'
/// active fractions before its solve and read the face currents after it.
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/time/module.hpp"

namespace navox {

class ElectrochemistryModule : public Module {
public:
  explicit ElectrochemistryModule(const ModuleSetup& setup);
  const char* name() const override { return "electrochemistry"; }
  IonicPotential& ionic() { return ionic_; }

  void outputs(std::vector<io::OutputField>& out) const override;
  void columns(std::vector<io::TimeSeries::Column>& out) const override;
  void values(std::vector<double>& out) const override;
  std::string summary() const override;

  void prepare(StepContext& ctx) override;
  void solve(StepContext& ctx) override;
  void accept(const StepContext& ctx) override;

private:
  void take(const IonicResult& r, StepContext& ctx);

  const Grid& grid_;
  State& state_;
  const MaterialTable& materials_;
  IonicPotential ionic_;
  Vec phi_ = nullptr;
  long labels_seen_ = 0;
  IonicResult last_;
};

} // namespace navox
