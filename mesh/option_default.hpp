#pragma once
/// A default for one PETSc option of a solver, where navox's choice differs from
/// PETSc's: set in the options database unless the user's options (command line,
/// PETSC_OPTIONS, an options file) already name it, so theirs always wins.
#include "mesh/error.hpp"

#include <petscsys.h>

#include <string>

namespace navox {

/// `-<prefix><name>` = `value` unless already given. `name` without the dash.
inline void set_option_default(const std::string& prefix, const std::string& name, const std::string& value) {
  PetscBool given = PETSC_FALSE;
  NAVOX_CALL(PetscOptionsHasName(nullptr, prefix.c_str(), ("-" + name).c_str(), &given));
  if (!given) NAVOX_CALL(PetscOptionsSetValue(nullptr, ("-" + prefix + name).c_str(), value.c_str()));
}

} // namespace navox
