#include "solver/app/log_events.hpp"

#include <array>

namespace navox {

PetscLogEvent log_event(Event e) {
  static const std::array<PetscLogEvent, static_cast<int>(Event::count)> ids = [] {
    static const char* const names[] = {"NaActivity", "NaComponents", "IonicSolve", "NaDeposit", "NaSettle",
                                        "NaSweep",    "NaPaths",      "NaLift",     "NaPhaseField", "Output",
                                        "MechBearing", "MechElastic", "NaVacancies", "NaVacancyAssemble", "MechCreepFlow",
                                        "NaLoad",      "NaRoutes",     "MechLooseSolid", "NaPressed"};
    PetscClassId cls = 0;
    NAVOX_CALL(PetscClassIdRegister("navox", &cls));
    std::array<PetscLogEvent, static_cast<int>(Event::count)> out{};
    for (int n = 0; n < static_cast<int>(Event::count); ++n) NAVOX_CALL(PetscLogEventRegister(names[n], cls, &out[n]));
    return out;
  }();
  return ids[static_cast<int>(e)];
}

} // namespace navox
