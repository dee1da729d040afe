#pragma once
/// The PETSc side of IonicPotential: the context its SNES callbacks see, what lies
/// across each face of an SE voxel, the face currents, and the local residual and
/// Jacobian (ionic_assembly.cpp). ionic_potential.cpp sets the context up and
/// measures the currents with the same face functions, so that the solve and the
/// reported currents cannot disagree; not for other code.
///
/// The callbacks return PETSc error codes, and nothing they call throws: an
/// exception must never unwind through PETSc's C frames.
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "physics/electrochemistry/ionic_conduction.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"

#include <petscdmda.h>

#include <cstddef>
#include <vector>

namespace navox {

struct IonicPotential::Context {
  const Grid* grid = nullptr;
  const MaterialTable* materials = nullptr;
  Vec labels_local = nullptr;
  std::vector<ElectrodeFace>* faces = nullptr;
  IonicConditions conditions;
  std::vector<double> sigma; ///< per material at the current temperature; 0 for non-SE
  std::vector<physics::InterfaceKinetics> kinetics; ///< per SE material at the current temperature
  double scale = 1;          ///< row scaling 1/(sigma_max h_min) [1/(S)]
};

namespace ionic {

/// What lies across one face of an SE voxel.
enum class Across { se, electrode, counter, wall };

struct Neighbour {
  Across kind;
  PetscInt i, j, k; ///< valid for se
  double sigma;     ///< valid for se
};

/// What lies across `face` of SE voxel (i, j, k): `lab` holds the local labels with ghosts.
Neighbour across(const IonicPotential::Context& c, const PetscScalar* const* const* lab, const DMDALocalInfo* info,
                 PetscInt i, PetscInt j, PetscInt k, int face);

/// The SE|metal face `face` of SE voxel P (material m) at ionic potential phi_p.
physics::FaceSolution electrode_face(const IonicPotential::Context& c, const ElectrodeFace& f, int m, double phi_p,
                                     int face);

/// The current into SE voxel P (material m, owned voxel `voxel`) through `face`, whatever lies across.
physics::FaceCurrent face_current(const IonicPotential::Context& c, const Neighbour& n, double phi_p, double phi_n,
                                  int m, std::size_t voxel, int face);

/// Index of an owned voxel in the owned block (x fastest).
inline std::size_t owned_offset(const DMDALocalInfo* info, PetscInt i, PetscInt j, PetscInt k) {
  return static_cast<std::size_t>(((k - info->zs) * info->ym + (j - info->ys)) * info->xm + (i - info->xs));
}

/// DMDASNESSetFunctionLocal callback: scaled net current into each SE voxel;
/// identity rows (phi minus its display value) elsewhere.
PetscErrorCode residual(DMDALocalInfo* info, void* xv, void* fv, void* ctxv);
/// DMDASNESSetJacobianLocal callback: the exact Jacobian of residual().
PetscErrorCode jacobian(DMDALocalInfo* info, void* xv, Mat A, Mat P, void* ctxv);

} // namespace ionic
} // namespace navox
