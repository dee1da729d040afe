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
#include <petscsnes.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace navox {

class AggregationMG;

namespace ionic {
/// One face of an owned SE voxel that the linear conduction matrix does not hold:
/// an SE|metal or SE|pore face (Butler–Volmer and double layer, nonlinear), or a
/// face on the counter electrode (linear; listed for the measured current).
struct FaceRef {
  PetscInt row;     ///< the SE voxel's local row in the natural layout
  std::size_t slot; ///< owned offset * 6 + face (IonicPotential::electrode_slots)
  int material;     ///< the SE voxel's material
  int face;         ///< 0..5 (mesh/stencil.hpp)
};

/// Galvanostatic control as the Schur complement of the bordered system
/// (cell_potential.hpp): what the callbacks need of it.
struct CellControl {
  bool on = false;            ///< V follows phi (galvanostatic); off: V is conditions.electrode_potential
  double current = 0;         ///< the applied current into the SE through SE|metal faces [A]
  Mat jacobian = nullptr;     ///< J, the assembled potentiostatic Jacobian (the shell's first term)
  Vec coupling = nullptr;     ///< u = s dI/ddelta summed per row (balanced), from the last Jacobian
  double coupling_sum = 0;    ///< sum of u over all rows: s dI/dV
  long evaluations = 0;       ///< evaluations of the cell current (a pass over the faces each)
  bool failed = false;        ///< the last follow_current found no V
  double estimate = 0;        ///< then: where the V the current needs lies [V] (+-inf: no face conducts)
};
} // namespace ionic

struct IonicPotential::Context {
  const Grid* grid = nullptr;
  const MaterialTable* materials = nullptr;
  Vec labels_local = nullptr;
  std::vector<ElectrodeFace>* faces = nullptr;
  IonicConditions conditions;
  std::vector<double> sigma; ///< per material at the current temperature; 0 for non-SE
  std::vector<physics::InterfaceKinetics> kinetics; ///< per SE material at the current temperature
  double scale = 1;          ///< row scaling 1/(sigma_max h_min) [1/(S)]

  // The unknowns: one row per SE voxel, numbered rank by rank in the owned blocks'
  // order (x fastest), in two layouts of the same numbers: natural, each rank the rows
  // of its own SE voxels (where faces are evaluated), and balanced, PETSc's equal share
  // per rank (the matrices, the solution and the Krylov solve: an SE slab at the
  // bottom of a grid split along z would otherwise leave ranks without rows). The SE
  // never changes during a run (the collector moves through pores and Na only), so
  // neither do the rows, the matrix's pattern or the face lists.
  std::vector<std::size_t> row_voxel;          ///< owned offset of each natural local row
  std::vector<ionic::FaceRef> electrode_faces; ///< SE|non-SE faces, in the order of IonicPotential::faces()
  std::vector<ionic::FaceRef> counter_faces;   ///< faces on the counter electrode (z = 0)
  /// The linear part of the scaled residual, SE|SE and counter-electrode faces: the
  /// residual is conduction * phi minus the scaled electrode-face currents, and the
  /// Jacobian this matrix plus those faces' derivatives on the diagonal.
  Mat conduction = nullptr;
  std::vector<double> conduction_sigma; ///< the sigma the conduction matrix was filled with
  Vec row_index = nullptr;              ///< local (ghosted) vector of the scalar DM: each SE voxel's global row, -1 elsewhere
  Vec diagonal = nullptr;               ///< balanced work: the electrode faces' part of the diagonal
  Vec natural = nullptr, natural_work = nullptr; ///< natural-layout work vectors
  VecScatter to_balanced = nullptr;     ///< natural -> balanced (forward), balanced -> natural (reverse)
  /// The default preconditioner's hierarchy (IonicPotential owns it), or null: each
  /// Jacobian passes its diagonal down the levels (the faces change nothing else).
  AggregationMG* mg = nullptr;
  /// Galvanostatic: the current V must carry, and the Jacobian's rank-one term.
  ionic::CellControl control;
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

/// Calls f(r, solution) for every SE|metal face r of c.electrode_faces (in order), at
/// the potentials `x` of the natural layout.
template <class F>
void for_electrode_faces(const IonicPotential::Context& c, const PetscScalar* x, F&& f) {
  const std::vector<ElectrodeFace>& faces = *c.faces;
  for (std::size_t n = 0; n < c.electrode_faces.size(); ++n) {
    const FaceRef& r = c.electrode_faces[n];
    f(r, electrode_face(c, faces[n], r.material, x[r.row], r.face));
  }
}

/// The current into SE voxel P (material m, owned voxel `voxel`) through `face`, whatever lies across.
physics::FaceCurrent face_current(const IonicPotential::Context& c, const Neighbour& n, double phi_p, double phi_n,
                                  int m, std::size_t voxel, int face);

/// Index of an owned voxel in the owned block (x fastest).
inline std::size_t owned_offset(const DMDALocalInfo* info, PetscInt i, PetscInt j, PetscInt k) {
  return static_cast<std::size_t>(((k - info->zs) * info->ym + (j - info->ys)) * info->xm + (i - info->xs));
}
/// The inverse of owned_offset.
inline void owned_voxel(const DMDALocalInfo* info, std::size_t offset, PetscInt& i, PetscInt& j, PetscInt& k) {
  const PetscInt o = PetscInt(offset);
  i = info->xs + o % info->xm;
  j = info->ys + o / info->xm % info->ym;
  k = info->zs + o / (info->xm * info->ym);
}

/// The owned offsets of the owned SE voxels, in order (c.labels_local).
PetscErrorCode se_voxels(const IonicPotential::Context& c, std::vector<std::size_t>& out);
/// The row layout, the face lists and the conduction matrix (preallocated exactly,
/// its pattern filled with zeros) from the labels (c.labels_local, ghosted). Collective.
PetscErrorCode build_rows(IonicPotential::Context& c);
/// Fills the conduction matrix for the current sigma and scale (same pattern).
PetscErrorCode assemble_conduction(IonicPotential::Context& c);

/// The voxel of each balanced local row, as its global index i + nx (j + ny k). Collective.
PetscErrorCode balanced_cells(const IonicPotential::Context& c, std::vector<std::int64_t>& cells);

/// A balanced vector into a natural one, and a natural one into (or onto) a balanced one.
PetscErrorCode to_natural(const IonicPotential::Context& c, Vec balanced, Vec natural);
PetscErrorCode to_balanced(const IonicPotential::Context& c, Vec natural, Vec balanced, InsertMode mode);

/// SNESSetFunction callback on the SE unknowns: scaled net current out of each SE voxel.
PetscErrorCode residual(SNES snes, Vec x, Vec f, void* ctxv);
/// SNESSetJacobian callback: the exact Jacobian of residual().
PetscErrorCode jacobian(SNES snes, Vec x, Mat A, Mat P, void* ctxv);

} // namespace ionic
} // namespace navox
