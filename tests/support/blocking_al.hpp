#pragma once
// Test set-up: a material table of NBH (SE, 0.09 S/m) and a blocking, nucleating Al
// collector (wetting angle 41 deg), optionally with a PORE material "gap" third.
#include "physics/materials/constants.hpp"
#include "physics/materials/material.hpp"

namespace navox::test {

inline MaterialTable nbh_and_blocking_al(bool with_gap = false) {
  MaterialTable m(with_gap ? 3 : 2);
  m[0].name = "NBH";
  m[0].phase = Phase::SE;
  m[0].conductivity = 0.09;
  m[1].name = "Al";
  m[1].phase = Phase::CC;
  m[1].bare_surface_active = false;
  m[1].nucleates = true;
  m[1].nucleation.wetting_angle = 41.0 * physics::kPi / 180.0;
  if (with_gap) {
    m[2].name = "gap";
    m[2].phase = Phase::PORE;
  }
  return m;
}

} // namespace navox::test
