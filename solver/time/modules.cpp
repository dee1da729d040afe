// The physics of a run, in the order their stages run within a step. Adding a
// physics: its module's files, one declaration and one line below.
#include "solver/time/module.hpp"

namespace navox {

std::unique_ptr<Module> make_electrochemistry_module(const ModuleSetup&);
std::unique_ptr<Module> make_sodium_module(const ModuleSetup&);
std::unique_ptr<Module> make_nucleation_module(const ModuleSetup&);
std::unique_ptr<Module> make_phase_field_module(const ModuleSetup&);

const std::vector<ModuleRegistration>& registered_modules() {
  static const std::vector<ModuleRegistration> modules = {
      {"electrochemistry", make_electrochemistry_module},
      {"sodium", make_sodium_module},
      {"nucleation", make_nucleation_module},
      {"phase_field", make_phase_field_module},
  };
  return modules;
}

} // namespace navox
