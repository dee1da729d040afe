#pragma once
// The materials of the elasticity tests: an SE (NBH's 15 GPa, 0.3), a CC (Al's
// 70.6 GPa, 0.345) and an empty pore, as indices 0, 1, 2.
#include "physics/materials/material.hpp"

namespace navox::test {

inline MaterialTable elastic_materials() {
  MaterialTable mats(3);
  mats[0].name = "SE";
  mats[0].phase = Phase::SE;
  mats[0].youngs_modulus = 15e9;
  mats[0].poisson_ratio = 0.3;
  mats[1].name = "CC";
  mats[1].phase = Phase::CC;
  mats[1].youngs_modulus = 70.6e9;
  mats[1].poisson_ratio = 0.345;
  mats[2].name = "pore";
  mats[2].phase = Phase::PORE;
  return mats;
}

} // namespace navox::test
