#pragma once
/// Materials of the cell and the phase each belongs to (MODEL.md §1, §4).
///
/// The phase decides which equations live in a voxel: the ionic potential in
/// SE, the Na phase field in PORE and NA, nothing (an equipotential electronic
/// conductor) in CC. SOLID is a neutral solid (active material, binder, inert
/// filler: conducts neither ions nor electrons, holds no Na) that only
/// `navox analyze` accepts; a run models SE, CC, PORE and NA (is_run_phase).
/// Which SE or which metal comes from the input's material table; label values in
/// the output are indices into that table.
#include "physics/sodium/nucleation.hpp"

#include <string>
#include <vector>

namespace navox {

enum class Phase { SE, CC, PORE, NA, SOLID };

/// PORE and NA voxels hold the Na phase field ξ; SE, CC and SOLID never do.
inline bool holds_sodium(Phase p) { return p == Phase::PORE || p == Phase::NA; }

/// The phases a run models; SOLID exists for the microstructure analysis only, so the
/// run's physics never meets it (the deck reader refuses it for a run).
inline bool is_run_phase(Phase p) { return p != Phase::SOLID; }

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
  /// Charge-transfer resistance of this SE against Na [ohm m^2]; 0 = ideal contact (SE only).
  double charge_transfer_resistance = 0;
  /// Anodic transfer coefficient α_a; α_c = 1 − α_a (SE only).
  double transfer_coefficient = 0.5;
  /// Double-layer capacitance of this SE against a metal [F/m^2] (SE only).
  double double_layer_capacitance = 0;
  /// Whether Na plates on the bare surface at once (CC only); false = blocking
  /// until a nucleus forms there (MODEL.md §3.1, §3.3). The deck reader makes every
  /// CC blocking unless the deck says `bare_surface: active`.
  bool bare_surface_active = true;
  /// A blocking surface on which Na nucleates (CC only): classical nucleation
  /// theory with this surface's wetting angle and rate prefactor. Without it a
  /// blocking surface never takes Na.
  bool nucleates = false;
  physics::ClassicalNucleation nucleation{};
  /// The material-library entry the defaults came from (physics/materials/material_library.hpp); empty if none.
  std::string library{};
  /// Elastic constants (SE and CC) [Pa], [-]; 0 = not given. The elasticity solver
  /// (solver/mechanics/elasticity.hpp) needs them for every SE and CC material in the
  /// cell; PORE and NA voxels get its ersatz material instead.
  double youngs_modulus = 0;
  double poisson_ratio = 0;
};

using MaterialTable = std::vector<Material>;

} // namespace navox
