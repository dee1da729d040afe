// The physics of a run, in the order their stages run within a step. Adding a
// physics: its module's files, its declarations and one line below.
#include "solver/time/module.hpp"

namespace navox {

std::unique_ptr<Module> make_electrochemistry_module(const ModuleSetup&);
std::unique_ptr<Module> make_sodium_module(const ModuleSetup&);
std::unique_ptr<Module> make_nucleation_module(const ModuleSetup&);
io::ModuleInput nucleation_input();
std::unique_ptr<Module> make_vacancy_module(const ModuleSetup&);
io::ModuleInput vacancies_input();
std::unique_ptr<Module> make_phase_field_module(const ModuleSetup&);
io::ModuleInput phase_field_input();
std::unique_ptr<Module> make_mechanics_module(const ModuleSetup&);
io::ModuleInput mechanics_input();
std::unique_ptr<Module> make_topology_module(const ModuleSetup&);
io::ModuleInput topology_input();

const std::vector<ModuleRegistration>& registered_modules() {
  static const std::vector<ModuleRegistration> modules = {
      {"electrochemistry", nullptr, make_electrochemistry_module},
      {"sodium", nullptr, make_sodium_module},
      {"nucleation", nucleation_input, make_nucleation_module},
      {"vacancies", vacancies_input, make_vacancy_module},
      {"phase_field", phase_field_input, make_phase_field_module},
      {"mechanics", mechanics_input, make_mechanics_module},
      {"topology", topology_input, make_topology_module},
  };
  return modules;
}

io::Config read_deck(const input::Section& root, io::Purpose purpose) {
  std::vector<io::ModuleInput> inputs;
  for (const auto& m : registered_modules())
    if (m.input) inputs.push_back(m.input());
  return io::read_config(root, purpose, inputs);
}

} // namespace navox
