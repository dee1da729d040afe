#include "io/input/units.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using navox::units::Dim;
using navox::units::parse;

namespace {

/// The message of the std::invalid_argument that parse() throws.
std::string error_of(const std::string& text, Dim dim) {
  try {
    parse(text, dim);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for \"" << text << "\"";
  return "";
}

} // namespace

TEST(Units, LengthsWithAndWithoutSpace) {
  EXPECT_DOUBLE_EQ(parse("1.3um", Dim::length), 1.3e-6);
  EXPECT_DOUBLE_EQ(parse("1.3 um", Dim::length), 1.3e-6);
  EXPECT_DOUBLE_EQ(parse("  1.3   um  ", Dim::length), 1.3e-6);
  EXPECT_DOUBLE_EQ(parse("1.3 \xC2\xB5m", Dim::length), 1.3e-6); // micro sign
  EXPECT_DOUBLE_EQ(parse("2 mm", Dim::length), 2e-3);
  EXPECT_DOUBLE_EQ(parse("50 nm", Dim::length), 5e-8);
  EXPECT_DOUBLE_EQ(parse("-0.5 m", Dim::length), -0.5);
  EXPECT_DOUBLE_EQ(parse(".5 um", Dim::length), 5e-7);
  EXPECT_DOUBLE_EQ(parse("1e-3 m", Dim::length), 1e-3);
}

TEST(Units, DividingByPowersOfTenIsExact) {
  // 1.3e-6 written in the file must be the same double as "1.3 um".
  EXPECT_EQ(parse("1.3 um", Dim::length), 1.3e-6);
  EXPECT_EQ(parse("0.9 mS/cm", Dim::conductivity), 0.09);
}

TEST(Units, HandCheckedConversions) {
  EXPECT_DOUBLE_EQ(parse("1 mA/cm^2", Dim::current_density), 10.0);
  EXPECT_DOUBLE_EQ(parse("1 A/cm^2", Dim::current_density), 1e4);
  EXPECT_DOUBLE_EQ(parse("100 uA/cm^2", Dim::current_density), 1.0);
  EXPECT_DOUBLE_EQ(parse("1 mAh/cm^2", Dim::areal_capacity), 36000.0); // = 10 Ah/m^2
  EXPECT_DOUBLE_EQ(parse("1 Ah/m^2", Dim::areal_capacity), 3600.0);
  EXPECT_DOUBLE_EQ(parse("25 degC", Dim::temperature), 298.15);
  EXPECT_DOUBLE_EQ(parse("25 \xC2\xB0" "C", Dim::temperature), 298.15);
  EXPECT_DOUBLE_EQ(parse("-273.15 degC", Dim::temperature), 0.0);
  EXPECT_DOUBLE_EQ(parse("300 K", Dim::temperature), 300.0);
  EXPECT_DOUBLE_EQ(parse("0.9 mS/cm", Dim::conductivity), 0.09);
  EXPECT_DOUBLE_EQ(parse("1 S/cm", Dim::conductivity), 100.0);
  EXPECT_DOUBLE_EQ(parse("1 ohm cm^2", Dim::area_resistance), 1e-4);
  EXPECT_DOUBLE_EQ(parse("1 Ohm cm^2", Dim::area_resistance), 1e-4);
  EXPECT_DOUBLE_EQ(parse("1 \xCE\xA9 cm^2", Dim::area_resistance), 1e-4); // Ω
  EXPECT_DOUBLE_EQ(parse("2 ohm   m^2", Dim::area_resistance), 2.0);
  EXPECT_DOUBLE_EQ(parse("23.78 cm^3/mol", Dim::molar_volume), 2.378e-5);
  EXPECT_DOUBLE_EQ(parse("5.72e-9 cm^2/s", Dim::diffusivity), 5.72e-13);
  EXPECT_DOUBLE_EQ(parse("-3 mV", Dim::voltage), -3e-3);
  EXPECT_DOUBLE_EQ(parse("1e-3 1/s", Dim::rate), 1e-3);
  EXPECT_DOUBLE_EQ(parse("36 1/h", Dim::rate), 0.01);
  EXPECT_DOUBLE_EQ(parse("90 deg", Dim::angle), 3.14159265358979323846 / 2);
  EXPECT_DOUBLE_EQ(parse("0.5 rad", Dim::angle), 0.5);
  EXPECT_DOUBLE_EQ(parse("1e26 1/(cm^2 s)", Dim::areal_rate), 1e30);
  EXPECT_DOUBLE_EQ(parse("1e30 1/(m^2  s)", Dim::areal_rate), 1e30);
  EXPECT_DOUBLE_EQ(parse("2 h", Dim::time), 7200.0);
  EXPECT_DOUBLE_EQ(parse("1.5 min", Dim::time), 90.0);
  EXPECT_DOUBLE_EQ(parse("250 ms", Dim::time), 0.25);
  EXPECT_DOUBLE_EQ(parse("3 MPa", Dim::pressure), 3e6);
  EXPECT_DOUBLE_EQ(parse("1 bar", Dim::pressure), 1e5);
  EXPECT_DOUBLE_EQ(parse("200 GPa", Dim::pressure), 2e11);
  EXPECT_DOUBLE_EQ(parse("500 mJ/m^2", Dim::surface_energy), 0.5);
  EXPECT_DOUBLE_EQ(parse("0.5 N/m", Dim::surface_energy), 0.5);
  EXPECT_DOUBLE_EQ(parse("1 eV", Dim::energy_per_mole), 96485.33212);
  EXPECT_DOUBLE_EQ(parse("50 kJ/mol", Dim::energy_per_mole), 5e4);
}

TEST(Units, DimensionlessTakesBareNumbersOnly) {
  EXPECT_DOUBLE_EQ(parse("0.3", Dim::dimensionless), 0.3);
  EXPECT_DOUBLE_EQ(parse("-2e3", Dim::dimensionless), -2000.0);
  EXPECT_EQ(error_of("0.3 m", Dim::dimensionless), "\"0.3 m\": a dimensionless number takes no unit");
}

TEST(Units, UnknownUnitNamesTheAcceptedOnes) {
  EXPECT_EQ(error_of("1.3 furlongs", Dim::length),
            "\"1.3 furlongs\": unknown unit \"furlongs\" for a length; use one of: m, mm, um, nm");
  EXPECT_EQ(error_of("1 UM", Dim::length), "\"1 UM\": unknown unit \"UM\" for a length; use one of: m, mm, um, nm");
  // A unit of the wrong dimension says what it is.
  EXPECT_EQ(error_of("1 mS/cm", Dim::length), "\"1 mS/cm\": unknown unit \"mS/cm\" for a length (it is a unit of "
                                              "conductivity); use one of: m, mm, um, nm");
}

TEST(Units, BareNumberNeedsAUnit) {
  EXPECT_EQ(error_of("1.3", Dim::length), "\"1.3\": a length needs a unit, e.g. \"1.3 um\"");
  EXPECT_EQ(error_of("10", Dim::current_density), "\"10\": a current density needs a unit, e.g. \"10 mA/cm^2\"");
  EXPECT_EQ(error_of("25", Dim::temperature), "\"25\": a temperature needs a unit, e.g. \"25 K\"");
  for (Dim dim : {Dim::time, Dim::pressure, Dim::areal_capacity, Dim::conductivity, Dim::voltage, Dim::surface_energy,
                  Dim::area_resistance, Dim::diffusivity, Dim::molar_volume, Dim::energy_per_mole, Dim::rate,
                  Dim::areal_capacitance, Dim::angle, Dim::areal_rate}) {
    std::string message = error_of("2", dim);
    EXPECT_NE(message.find("needs a unit, e.g. \"2 "), std::string::npos) << message;
    // The suggested spelling must itself parse.
    std::string example = message.substr(message.find("e.g. \"") + 6);
    example.pop_back();
    EXPECT_NO_THROW(parse(example, dim)) << example;
  }
}

TEST(Units, NotANumber) {
  EXPECT_EQ(error_of("abc um", Dim::length), "\"abc um\" is not a number");
  EXPECT_EQ(error_of("um", Dim::length), "\"um\" is not a number");
  EXPECT_EQ(error_of("- 3 um", Dim::length), "\"- 3 um\" is not a number");
  EXPECT_EQ(error_of("", Dim::length), "empty value where a length was expected");
}

TEST(Units, NonFiniteNumbersAreRejected) {
  EXPECT_EQ(error_of("nan um", Dim::length), "\"nan um\": the number must be finite");
  EXPECT_EQ(error_of("inf", Dim::dimensionless), "\"inf\": the number must be finite");
  EXPECT_EQ(error_of("-.inf", Dim::dimensionless), "\"-.inf\": the number must be finite");
  EXPECT_EQ(error_of("1e999 m", Dim::length), "\"1e999 m\": the number must be finite");
}

TEST(Units, NamesForMessagesAndOutput) {
  EXPECT_EQ(navox::units::si_unit(Dim::length), "m");
  EXPECT_EQ(navox::units::si_unit(Dim::area_resistance), "ohm m^2");
  EXPECT_EQ(navox::units::dim_name(Dim::current_density), "current density");
  EXPECT_EQ(navox::units::accepted_units(Dim::conductivity), (std::vector<std::string>{"S/m", "S/cm", "mS/cm"}));
}

TEST(Units, SiUnitOfEveryDimensionParses) {
  // The resolved input prints "<value> <si unit>", which must read back unchanged.
  for (int d = static_cast<int>(Dim::length); d <= static_cast<int>(Dim::areal_rate); ++d) {
    const Dim dim = static_cast<Dim>(d);
    EXPECT_DOUBLE_EQ(parse("1.5 " + std::string(navox::units::si_unit(dim)), dim), 1.5)
        << navox::units::dim_name(dim);
  }
}
