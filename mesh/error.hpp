#pragma once
/// Errors navox reports to users, and the bridge from PETSc error codes.
///
/// Two tiers (as deal.II's Assert/AssertThrow): `assert` for internal invariants
/// in debug builds, and `navox::Error` for anything a user can cause (bad input,
/// unreadable files, a solver that fails to converge). `main` turns any Error
/// into one message on rank 0 and a non-zero exit on every rank.
#include <petscsys.h>

#include <stdexcept>
#include <string>

namespace navox {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A PETSc call failed inside C++ code that is not itself a PETSc callback.
class PetscFailure : public Error {
public:
  PetscFailure(PetscErrorCode code, const char* call, const char* file, int line)
      : Error(format(code, call, file, line)), code_(code) {}
  PetscErrorCode code() const { return code_; }

private:
  static std::string format(PetscErrorCode code, const char* call, const char* file, int line) {
    const char* text = nullptr;
    PetscErrorMessage(code, &text, nullptr);
    return std::string("PETSc error ") + std::to_string(static_cast<int>(code)) + " (" +
           (text ? text : "unknown") + ") in " + call + " at " + file + ":" + std::to_string(line);
  }
  PetscErrorCode code_;
};

} // namespace navox

/// Checks a PETSc call from C++ code (constructors, value-returning helpers).
/// Inside functions that return PetscErrorCode use PETSc's own PetscCall.
#define NAVOX_CALL(...)                                                                     \
  do {                                                                                      \
    PetscErrorCode navox_ierr_ = (__VA_ARGS__);                                             \
    if (PetscUnlikely(navox_ierr_)) throw ::navox::PetscFailure(navox_ierr_, #__VA_ARGS__, \
                                                                __FILE__, __LINE__);        \
  } while (0)
