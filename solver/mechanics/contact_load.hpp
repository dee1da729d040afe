#pragma once
/// How the stack load reaches the SE (MODEL.md §3.4, the minimum model): the
/// current collector is a rigid pressure plate resting on the SE through its own
/// solid contacts (SE|CC faces) and through Na connected to it (SE|Na faces of Na
/// whose metal reaches the CC). Force balance on the plate,
///   P A_xy = p_c (A_solid + A_Na),
/// gives one contact pressure p_c on every load-bearing face: less contact, higher
/// pressure. The Na on the load path is at p_c (Na creeps at ~0.2 MPa, far below
/// the 1-20 MPa of a stack, so it holds no shear and its pressure is hydrostatic);
/// Na not connected to the collector carries no load (p = 0).
///
/// The areas are the SE faces that look up (+z) at load-bearing metal, weighted by
/// the face's metal fraction (ElectrodeFace::metal_fraction: 1 for CC, the Na
/// coverage for Na); they are summed as integers (fractions in units of 2^-30), so
/// p_c does not depend on the partition.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"

#include <petscvec.h>

namespace navox {

class IonicPotential;

struct ContactLoad {
  double solid_area = 0;   ///< A_solid: SE|CC faces under the collector [m²]
  double sodium_area = 0;  ///< A_Na: SE|Na faces of Na connected to the collector [m²]
  double pressure = 0;     ///< p_c = P A_xy / (A_solid + A_Na) [Pa]; 0 when nothing bears the load
  double bearing_area() const { return solid_area + sodium_area; }
};

/// The force balance for a stack pressure P [Pa], from the faces' metal fractions
/// (set by SodiumModel::set_activity) and the labels. Collective.
ContactLoad contact_load(const Grid& grid, Vec labels, const MaterialTable& materials, const IonicPotential& ionic,
                         double stack_pressure);

/// The pressure in the Na: p_c in voxels holding Na that are connected to the
/// collector (`connected` = 1), 0 in other Na, NaN where there is no Na; the owned
/// block, x fastest. All NaN while `connected` is null (no labelling yet).
std::vector<double> sodium_pressure(const Grid& grid, Vec labels, const MaterialTable& materials, Vec xi,
                                    Vec connected, double contact_pressure);

} // namespace navox
