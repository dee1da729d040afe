#pragma once
/// Physical constants (CODATA 2018 exact values), SI.
namespace navox::physics {

constexpr double kGasConstant = 8.314462618; ///< R [J/(mol K)]
constexpr double kFaraday = 96485.33212;     ///< F [C/mol]
constexpr double kBoltzmann = 1.380649e-23;  ///< k_B [J/K]
constexpr double kPi = 3.14159265358979323846;

} // namespace navox::physics
