// Vacancy transport in the plated metal (physics/sodium/vacancy_diffusion.hpp):
//  - the Sand time of MODEL.md §3.5 from the library's D(T): 20.5 h at 1 mA/cm^2 for
//    Na at 25 degC (73961 s, hand-computed from the three-term fit), 1/4 of it at
//    2 mA/cm^2, 0.66 h for Li (2386 s);
//  - a stripping face's atom volume per second, Omega I / F, and the drop of theta
//    over the half voxel to the face, (Omega i / F) h / (2 D);
//  - the face conductance D min(xi) A / d is symmetric and vanishes with either side.
#include "physics/materials/material_library.hpp"
#include "physics/sodium/vacancy_diffusion.hpp"

#include <gtest/gtest.h>

namespace {

using navox::physics::VacancyDiffusion;
namespace lib = navox::physics::library;

VacancyDiffusion law_of(const char* metal, double temperature) {
  const lib::Metal& m = *lib::find_metal(metal);
  return {m.self_diffusivity(temperature), m.molar_volume};
}

TEST(VacancyDiffusion, SandTimeOfNaAndLi) {
  const VacancyDiffusion na = law_of("Na", 298.15);
  EXPECT_NEAR(na.diffusivity, 5.7203e-13, 1e-17); // 5.72e-9 cm^2/s (MODEL.md §4)
  // tau = pi D c_m^2 F^2 / (4 i^2), c_m = 1/Omega, i = 10 A/m^2.
  EXPECT_NEAR(na.sand_time(10.0), 73961.2, 0.5);
  EXPECT_NEAR(na.sand_time(20.0), 73961.2 / 4, 0.2);
  EXPECT_NEAR(law_of("Li", 298.15).sand_time(10.0), 2386.3, 0.5); // 0.66 mAh/cm^2 at 1 mA/cm^2
  // Na holds ~31x more than Li before a void opens (V3).
  EXPECT_NEAR(na.sand_time(10.0) / law_of("Li", 298.15).sand_time(10.0), 31.0, 0.1);
  // Warmer Na diffuses faster: the Sand time grows with D.
  EXPECT_GT(law_of("Na", 313.15).sand_time(10.0), 2 * na.sand_time(10.0));
}

TEST(VacancyDiffusion, FaceFluxAndOccupancy) {
  const VacancyDiffusion na{5.72e-13, 23.78e-6};
  // 1 nA through a 10 um x 10 um face: 23.78e-6 * 1e-9 / 96485.33212 m^3/s of Na.
  EXPECT_NEAR(na.stripped_rate(1e-9), 2.464626e-19, 1e-24);
  // theta_face = theta_P - (Omega i/F) (h/2) / D with i = 10 A/m^2, h = 10 um: 0.021544.
  EXPECT_NEAR(na.face_occupancy(1.0, 1e-9, 1e-10, 1e-5), 1 - 0.0215439, 1e-6);
  EXPECT_EQ(na.face_occupancy(0.7, 0.0, 1e-10, 1e-5), 0.7);
}

TEST(VacancyDiffusion, ConductanceIsSymmetricAndVanishesWithTheMetal) {
  const VacancyDiffusion na{5.72e-13, 23.78e-6};
  EXPECT_DOUBLE_EQ(na.conductance(1.0, 0.25, 1e-10, 1e-5), na.conductance(0.25, 1.0, 1e-10, 1e-5));
  EXPECT_DOUBLE_EQ(na.conductance(1.0, 1.0, 1e-10, 1e-5), 5.72e-13 * 1e-10 / 1e-5);
  EXPECT_EQ(na.conductance(1.0, 0.0, 1e-10, 1e-5), 0.0);
}

} // namespace
