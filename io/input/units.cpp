#include "io/input/units.hpp"

#include "physics/materials/constants.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace navox::units {
namespace {

/// SI value = (number * mul + offset) / div. Dividing by exact powers of ten keeps
/// "1.3 um" the double nearest 1.3e-6, which multiplying by 1e-6 does not.
struct Unit {
  Dim dim;
  const char* name;
  double mul;
  double div;
  double offset;
  bool listed; ///< shown in error messages; aliases are not
};

constexpr Unit table[] = {
    {Dim::length, "m", 1, 1, 0, true},
    {Dim::length, "mm", 1, 1e3, 0, true},
    {Dim::length, "um", 1, 1e6, 0, true},
    {Dim::length, "nm", 1, 1e9, 0, true},
    {Dim::time, "s", 1, 1, 0, true},
    {Dim::time, "us", 1, 1e6, 0, true},
    {Dim::time, "ms", 1, 1e3, 0, true},
    {Dim::time, "min", 60, 1, 0, true},
    {Dim::time, "h", 3600, 1, 0, true},
    {Dim::temperature, "K", 1, 1, 0, true},
    {Dim::temperature, "degC", 1, 1, 273.15, true},
    {Dim::pressure, "Pa", 1, 1, 0, true},
    {Dim::pressure, "kPa", 1e3, 1, 0, true},
    {Dim::pressure, "MPa", 1e6, 1, 0, true},
    {Dim::pressure, "GPa", 1e9, 1, 0, true},
    {Dim::pressure, "bar", 1e5, 1, 0, true},
    {Dim::current_density, "A/m^2", 1, 1, 0, true},
    {Dim::current_density, "mA/cm^2", 10, 1, 0, true},
    {Dim::current_density, "A/cm^2", 1e4, 1, 0, true},
    {Dim::current_density, "uA/cm^2", 1, 100, 0, true},
    {Dim::areal_capacity, "mAh/cm^2", 36000, 1, 0, true}, // 1e-3 A * 3600 s / 1e-4 m^2
    {Dim::areal_capacity, "C/m^2", 1, 1, 0, true},
    {Dim::areal_capacity, "Ah/m^2", 3600, 1, 0, true},
    {Dim::conductivity, "S/m", 1, 1, 0, true},
    {Dim::conductivity, "S/cm", 100, 1, 0, true},
    {Dim::conductivity, "mS/cm", 1, 10, 0, true},
    {Dim::voltage, "V", 1, 1, 0, true},
    {Dim::voltage, "mV", 1, 1e3, 0, true},
    {Dim::surface_energy, "J/m^2", 1, 1, 0, true},
    {Dim::surface_energy, "N/m", 1, 1, 0, true},
    {Dim::surface_energy, "mJ/m^2", 1, 1e3, 0, true},
    {Dim::area_resistance, "ohm m^2", 1, 1, 0, true},
    {Dim::area_resistance, "ohm cm^2", 1, 1e4, 0, true},
    {Dim::diffusivity, "m^2/s", 1, 1, 0, true},
    {Dim::diffusivity, "cm^2/s", 1, 1e4, 0, true},
    {Dim::molar_volume, "m^3/mol", 1, 1, 0, true},
    {Dim::molar_volume, "cm^3/mol", 1, 1e6, 0, true},
    {Dim::energy_per_mole, "J/mol", 1, 1, 0, true},
    {Dim::energy_per_mole, "kJ/mol", 1e3, 1, 0, true},
    {Dim::energy_per_mole, "eV", physics::kFaraday, 1, 0, true}, // 1 eV per particle = F J/mol
    {Dim::rate, "1/s", 1, 1, 0, true},
    {Dim::areal_capacitance, "F/m^2", 1, 1, 0, true},
    {Dim::areal_capacitance, "uF/cm^2", 1, 100, 0, true},
    {Dim::rate, "1/h", 1, 3600, 0, true},
    {Dim::angle, "rad", 1, 1, 0, true},
    {Dim::angle, "deg", physics::kPi, 180, 0, true},
    {Dim::areal_rate, "1/(m^2 s)", 1, 1, 0, true},
    {Dim::areal_rate, "1/(cm^2 s)", 1e4, 1, 0, true},
    // Spellings people paste from papers; folded onto the names above.
    {Dim::length, "\xC2\xB5m", 1, 1e6, 0, false}, // µm, micro sign
    {Dim::length, "\xCE\xBCm", 1, 1e6, 0, false}, // μm, Greek mu
    {Dim::current_density, "\xC2\xB5" "A/cm^2", 1, 100, 0, false},
    {Dim::current_density, "\xCE\xBC" "A/cm^2", 1, 100, 0, false},
    {Dim::temperature, "\xC2\xB0" "C", 1, 1, 273.15, false}, // °C
    {Dim::area_resistance, "Ohm m^2", 1, 1, 0, false},
    {Dim::area_resistance, "Ohm cm^2", 1, 1e4, 0, false},
    {Dim::area_resistance, "\xCE\xA9 m^2", 1, 1, 0, false},  // Ω, Greek omega
    {Dim::area_resistance, "\xCE\xA9 cm^2", 1, 1e4, 0, false},
    {Dim::area_resistance, "\xE2\x84\xA6 m^2", 1, 1, 0, false}, // Ω, ohm sign
    {Dim::area_resistance, "\xE2\x84\xA6 cm^2", 1, 1e4, 0, false},
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// "ohm   cm^2" and "ohm cm^2" are the same unit.
std::string collapse_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/// Length of the decimal number at the start of `s`, 0 if there is none. Scanned
/// by hand because strtod would also take "inf", "nan" and hex, and would eat
/// the "e" of a unit in "1em".
std::size_t number_length(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) ++j;
      i = j;
    }
  }
  return i;
}

bool looks_non_finite(std::string_view s) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view v = lower;
  if (!v.empty() && (v.front() == '+' || v.front() == '-')) v.remove_prefix(1);
  if (!v.empty() && v.front() == '.') v.remove_prefix(1); // YAML's .inf / .nan
  return v.substr(0, 3) == "inf" || v.substr(0, 3) == "nan";
}

std::string_view example_unit(Dim dim) {
  switch (dim) {
  case Dim::dimensionless: return "";
  case Dim::length: return "um";
  case Dim::time: return "s";
  case Dim::temperature: return "K";
  case Dim::pressure: return "MPa";
  case Dim::current_density: return "mA/cm^2";
  case Dim::areal_capacity: return "mAh/cm^2";
  case Dim::conductivity: return "mS/cm";
  case Dim::voltage: return "mV";
  case Dim::surface_energy: return "J/m^2";
  case Dim::area_resistance: return "ohm cm^2";
  case Dim::diffusivity: return "cm^2/s";
  case Dim::molar_volume: return "cm^3/mol";
  case Dim::energy_per_mole: return "kJ/mol";
  case Dim::rate: return "1/h";
  case Dim::areal_capacitance: return "uF/cm^2";
  case Dim::angle: return "deg";
  case Dim::areal_rate: return "1/(cm^2 s)";
  }
  return "";
}

std::string with_article(Dim dim) {
  std::string name(dim_name(dim));
  bool vowel = std::string_view("aeiou").find(name.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + name;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

[[noreturn]] void fail(std::string_view text, const std::string& message) {
  throw std::invalid_argument("\"" + std::string(text) + "\"" + message);
}

} // namespace

std::string_view si_unit(Dim dim) {
  switch (dim) {
  case Dim::dimensionless: return "";
  case Dim::length: return "m";
  case Dim::time: return "s";
  case Dim::temperature: return "K";
  case Dim::pressure: return "Pa";
  case Dim::current_density: return "A/m^2";
  case Dim::areal_capacity: return "C/m^2";
  case Dim::conductivity: return "S/m";
  case Dim::voltage: return "V";
  case Dim::surface_energy: return "J/m^2";
  case Dim::area_resistance: return "ohm m^2";
  case Dim::diffusivity: return "m^2/s";
  case Dim::molar_volume: return "m^3/mol";
  case Dim::energy_per_mole: return "J/mol";
  case Dim::rate: return "1/s";
  case Dim::areal_capacitance: return "F/m^2";
  case Dim::angle: return "rad";
  case Dim::areal_rate: return "1/(m^2 s)";
  }
  return "";
}

std::string_view dim_name(Dim dim) {
  switch (dim) {
  case Dim::dimensionless: return "dimensionless number";
  case Dim::length: return "length";
  case Dim::time: return "time";
  case Dim::temperature: return "temperature";
  case Dim::pressure: return "pressure";
  case Dim::current_density: return "current density";
  case Dim::areal_capacity: return "areal capacity";
  case Dim::conductivity: return "conductivity";
  case Dim::voltage: return "voltage";
  case Dim::surface_energy: return "surface energy";
  case Dim::area_resistance: return "area-specific resistance";
  case Dim::diffusivity: return "diffusivity";
  case Dim::molar_volume: return "molar volume";
  case Dim::energy_per_mole: return "energy per mole";
  case Dim::rate: return "rate";
  case Dim::areal_capacitance: return "areal capacitance";
  case Dim::angle: return "angle";
  case Dim::areal_rate: return "rate per area";
  }
  return "";
}

std::vector<std::string> accepted_units(Dim dim) {
  std::vector<std::string> out;
  for (const auto& unit : table)
    if (unit.dim == dim && unit.listed) out.emplace_back(unit.name);
  return out;
}

double parse(std::string_view text, Dim dim) {
  const std::string_view s = trim(text);
  const std::size_t n = number_length(s);
  if (n == 0) {
    if (s.empty()) throw std::invalid_argument("empty value where " + with_article(dim) + " was expected");
    if (looks_non_finite(s)) fail(text, ": the number must be finite");
    fail(text, " is not a number");
  }
  const double value = std::strtod(std::string(s.substr(0, n)).c_str(), nullptr);
  if (!std::isfinite(value)) fail(text, ": the number must be finite");

  const std::string unit = collapse_spaces(trim(s.substr(n)));
  if (dim == Dim::dimensionless) {
    if (!unit.empty()) fail(text, ": " + with_article(dim) + " takes no unit");
    return value;
  }
  if (unit.empty()) {
    fail(text, ": " + with_article(dim) + " needs a unit, e.g. \"" + std::string(s) + " " +
                   std::string(example_unit(dim)) + "\"");
  }
  std::string elsewhere;
  for (const auto& u : table) {
    if (unit != u.name) continue;
    if (u.dim == dim) return (value * u.mul + u.offset) / u.div;
    elsewhere = " (it is a unit of " + std::string(dim_name(u.dim)) + ")";
  }
  fail(text, ": unknown unit \"" + unit + "\" for " + with_article(dim) + elsewhere + "; use one of: " +
                 join(accepted_units(dim)));
}

} // namespace navox::units
