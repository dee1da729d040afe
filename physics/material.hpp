#pragma once
/// Materials of the cell and the phase each belongs to (MODEL.md §1, §4).
///
/// The phase decides which equations live in a voxel: the ionic potential in
/// SE, the Na phase field in PORE and NA, nothing (an equipotential electronic
/// conductor) in CC. Which SE or which metal comes from the input's material
/// table; label values in the output are indices into that table.
#include <string>
#include <vector>

namespace navox {

enum class Phase { SE, CC, PORE, NA };

/// The phases by their input names, in enum order.
const std::vector<std::string>& phase_names();
const char* phase_name(Phase p);
/// The phase called `name` (one of phase_names()); false if there is none.
bool phase_from_name(const std::string& name, Phase& phase);

struct Material {
  std::string name;
  Phase phase = Phase::PORE;
  /// Ionic conductivity at the reference temperature [S/m] (SE only).
  double conductivity = 0;
  /// Arrhenius activation energy of the conductivity [J/mol] (SE only).
  double activation_energy = 0;
  /// Temperature at which `conductivity` was measured [K].
  double reference_temperature = 298.15;
};

using MaterialTable = std::vector<Material>;

} // namespace navox
