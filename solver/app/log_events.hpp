#pragma once
/// PETSc log events for the parts of a time step, so `-log_view` shows where a
/// run spends its time (ionic solve, Na activity and its connected components,
/// deposit, settling (its load, contact routes, sweeps, paths) and lifts, the
/// phase-field step, output, the stack load's force balance and the elastic solve, the
/// survey of pressed Na).
#include "mesh/error.hpp"

#include <petsclog.h>

namespace navox {

enum class Event {
  activity, components, ionic, deposit, settle, sweep, paths, lift, phase_field, output, bearing, elasticity,
  vacancies, vacancy_assembly, creep_flow, settle_load, routes, loose_solid, pressed, count
};

/// The event's id, registered on first use (collective on the first call: every rank
/// reaches the same events in the same order).
PetscLogEvent log_event(Event e);

/// Times the enclosing scope as event `e`.
class ScopedEvent {
public:
  explicit ScopedEvent(Event e) : id_(log_event(e)) { NAVOX_CALL(PetscLogEventBegin(id_, 0, 0, 0, 0)); }
  ~ScopedEvent() { (void)PetscLogEventEnd(id_, 0, 0, 0, 0); }
  ScopedEvent(const ScopedEvent&) = delete;
  ScopedEvent& operator=(const ScopedEvent&) = delete;

private:
  PetscLogEvent id_;
};

} // namespace navox
