#include "physics/materials/material_library.hpp"

#include "physics/materials/constants.hpp"

#include <cmath>

namespace navox::physics::library {

namespace {

constexpr double kDeg = kPi / 180.0;
constexpr double kEv = kFaraday; ///< 1 eV per particle in J/mol (e N_A = F)
constexpr double kCal = 4.184;   ///< J per thermochemical calorie

} // namespace

const std::vector<Electrolyte>& electrolytes() {
  static const std::vector<Electrolyte> list = {
      {"NBH", "Na4B10H10B12H12 (Na2(B12H12)0.5(B10H10)0.5)",
       0.09,       // S/m = 0.9 mS/cm at 20 degC: Duchene et al., Chem. Commun. 53, 4195 (2017); MODEL.md §4
       293.15,     // K (20 degC), the temperature of that measurement
       0.6 * kEv,  // J/mol (0.6 eV): apparent activation energy from -50 to 70 degC,
                   //   Duchene et al., Chem. Mater. 31, 3449 (2019)
       1e-4,       // ohm m^2 (1 ohm cm^2) against Na: ASSUMPTION (no measured value in MODEL.md;
                   //   the value the V8 nucleation calibration uses)
       0.1,        // F/m^2 (10 uF/cm^2): ASSUMPTION, a typical solid|metal double layer
       0.5,        // alpha_a: ASSUMPTION, symmetric barrier
       15e9,       // Pa: ASSUMPTION. No measured modulus of NBH found; closo-hydroborates are soft
                   //   molecular-ion salts (DFT classifies Na2B10H10 as a "soft", ductile material:
                   //   J. Electrochem. Soc. 166, A493 (2019)) and densify by cold pressing, so E is
                   //   taken well below the oxide NZSP's, at the order of other complex hydrides
       0.3},       // nu: ASSUMPTION, a typical value for an ionic solid without a measurement
      {"NZSP", "Na3.4Zr2Si2.4P0.6O12",
       0.5,        // S/m = 5 mS/cm total at 25 degC: Ma et al., Chem. Mater. 28, 4821 (2016); MODEL.md §4
       298.15,     // K (25 degC)
       0.0,        // J/mol: no sourced value; sigma is taken as temperature independent unless the deck gives one
       1.7e-4,     // ohm m^2 (1.7 ohm cm^2): Na|NZSP charge-transfer ASR, MODEL.md §4
       0.1,        // F/m^2 (10 uF/cm^2): ASSUMPTION, as for NBH
       0.5,        // alpha_a: ASSUMPTION, symmetric barrier
       75e9,       // Pa: NaSICON Young's moduli range from ~56 to 97 GPa (Wolfenstine, Go, Kim, Sakamoto,
                   //   "Mechanical properties of NaSICON: a brief review", Ionics (2022)); Si-rich
                   //   NASICON by indentation 72-88 GPa (Nonemacher et al., Ceram. Int. 45, 21308 (2019))
       0.26},      // nu: ~0.26 for NaSICON, Wolfenstine et al. (2022), ibid.
  };
  return list;
}

const std::vector<Collector>& collectors() {
  // Elastic constants: polycrystalline metals at room temperature, Kaye & Laby, Tables of
  // Physical and Chemical Constants (16th ed., 1995), §2.2.2 "Elastic moduli".
  // Wetting angles: docs/model.md "Nucleation" (Al and Au calibrated against V8 of MODEL.md §6
  // with the default rate prefactor; Cu and Ti are estimates between them).
  static const std::vector<Collector> list = {
      {"Al", "Al (pressed pellet or rolled foil)", 41.0 * kDeg /* V8: 52.7 mV spike */, 70.6e9, 0.345},
      {"Au", "Au-coated collector (~96 nm sodiophilic layer)", 11.0 * kDeg /* V8: 4.3 mV spike */,
       78.5e9 /* bulk Au; the thin coating does not carry the load */, 0.42},
      {"Cu", "Cu (pressed pellet)", 38.0 * kDeg /* estimate */, 129.8e9, 0.343},
      {"Ti", "Ti (pressed pellet)", 45.0 * kDeg /* estimate */, 120.2e9, 0.361},
  };
  return list;
}

const std::vector<Metal>& metals() {
  // MODEL.md §4 (table "Na | Li"); Na creep and yield: Wang, Chang, Wolfenstine, Sakamoto (2020), MODEL.md §3.4.
  static const std::vector<Metal> list = {
      {"Na",
       23.78e-6,   // m^3/mol (23.78 cm^3/mol)
       0.2,        // J/m^2
       // D = 8.0 e^(-14000/RT) + 0.144 e^(-10840/RT) + 0.009 e^(-8720/RT) cm^2/s, Q in cal/mol
       // (5.72e-9 cm^2/s at 25 degC)
       {{8.0e-4, 14000 * kCal}, {0.144e-4, 10840 * kCal}, {0.009e-4, 8720 * kCal}},
       4.6e9,      // Pa
       0.2e6,      // Pa (0.19-0.28 MPa measured; ~0.2 MPa at 1e-3 1/s, 298 K)
       5.0,
       370.95},    // K (97.8 degC): CRC Handbook of Chemistry and Physics, "Melting point of the elements"
      {"Li",
       13.1e-6,    // m^3/mol (13.1 cm^3/mol)
       0.5,        // J/m^2
       {{5.6e-15, 0.0}}, // m^2/s (5.6e-11 cm^2/s at 25 degC; MODEL.md gives no temperature dependence)
       7.8e9,      // Pa
       0.8e6,      // Pa (~0.8 MPa)
       6.6,
       453.65},    // K (180.5 degC): CRC Handbook of Chemistry and Physics
  };
  return list;
}

double Metal::self_diffusivity(double temperature) const {
  double d = 0;
  for (const auto& t : self_diffusion) d += t.prefactor * std::exp(-t.activation_energy / (kGasConstant * temperature));
  return d;
}

double Metal::diffusion_activation_energy(double temperature) const {
  double d = 0, dq = 0;
  for (const auto& t : self_diffusion) {
    const double term = t.prefactor * std::exp(-t.activation_energy / (kGasConstant * temperature));
    d += term;
    dq += term * t.activation_energy;
  }
  return d > 0 ? dq / d : 0.0;
}

std::vector<std::string> material_names() {
  std::vector<std::string> names;
  for (const auto& e : electrolytes()) names.emplace_back(e.name);
  for (const auto& c : collectors()) names.emplace_back(c.name);
  return names;
}

std::vector<std::string> metal_names() {
  std::vector<std::string> names;
  for (const auto& m : metals()) names.emplace_back(m.name);
  return names;
}

const Electrolyte* find_electrolyte(const std::string& name) {
  for (const auto& e : electrolytes())
    if (name == e.name) return &e;
  return nullptr;
}

const Collector* find_collector(const std::string& name) {
  for (const auto& c : collectors())
    if (name == c.name) return &c;
  return nullptr;
}

const Metal* find_metal(const std::string& name) {
  for (const auto& m : metals())
    if (name == m.name) return &m;
  return nullptr;
}

} // namespace navox::physics::library
