// The ionic potential's PETSc callbacks and the face functions they share with
// IonicPotential (ionic_assembly.hpp); the class itself is in ionic_potential.cpp.
#include "solver/electrochemistry/ionic_assembly.hpp"

#include "mesh/stencil.hpp"
#include "solver/electrochemistry/two_point_row.hpp"

namespace navox::ionic {

using physics::FaceCurrent;
using physics::IonicConduction;

Neighbour across(const IonicPotential::Context& c, const PetscScalar* const* const* lab, const DMDALocalInfo* info,
                 PetscInt i, PetscInt j, PetscInt k, int face) {
  const PetscInt ni = i + kFaceOffset[face][0], nj = j + kFaceOffset[face][1], nk = k + kFaceOffset[face][2];
  const bool periodic = c.grid->spec().periodic_lateral;
  if (nk < 0) return {Across::counter, 0, 0, 0, 0};
  if (nk >= info->mz) return {Across::wall, 0, 0, 0, 0};
  if (!periodic && (ni < 0 || ni >= info->mx || nj < 0 || nj >= info->my)) return {Across::wall, 0, 0, 0, 0};
  const int m = static_cast<int>(lab[nk][nj][ni]);
  const Phase phase = (*c.materials)[m].phase;
  if (phase == Phase::SE) return {Across::se, ni, nj, nk, c.sigma[m]};
  return {Across::electrode, ni, nj, nk, 0}; // metal, or a pore that may hold Na
}

physics::FaceSolution electrode_face(const IonicPotential::Context& c, const ElectrodeFace& f, int m, double phi_p,
                                     int face) {
  const auto& h = c.grid->spec().spacing;
  physics::FaceCondition fc;
  fc.area = face_area(h, face);
  fc.conductance = fc.area * c.sigma[m] / (0.5 * h[face_axis(face)]);
  fc.active_anodic = f.active_anodic;
  fc.active_cathodic = f.active_cathodic;
  fc.metal_fraction = f.metal_fraction;
  fc.eta_old = f.eta_old;
  fc.inv_dt = c.conditions.inv_dt;
  // δ = V − φ_P + Ω p / F: the pressure in the metal raises its equilibrium potential.
  return physics::solve_face(c.kinetics[m], fc, c.conditions.electrode_potential - phi_p + f.stress_shift);
}

FaceCurrent face_current(const IonicPotential::Context& c, const Neighbour& n, double phi_p, double phi_n, int m,
                         std::size_t voxel, int face) {
  const auto& h = c.grid->spec().spacing;
  const int d = face_axis(face);
  const double area = face_area(h, face);
  switch (n.kind) {
  case Across::se: return IonicConduction::between(phi_p, phi_n, c.sigma[m], n.sigma, area, h[d]);
  case Across::electrode: {
    const auto s = electrode_face(c, (*c.faces)[voxel * 6 + face], m, phi_p, face);
    return {s.current, -s.d_current, s.d_current};
  }
  case Across::counter: return IonicConduction::to_electrode(phi_p, 0.0, c.sigma[m], area, h[d]);
  case Across::wall: break;
  }
  return {0, 0, 0};
}

namespace {

/// Value held in a voxel without an ionic unknown (shown in the output).
double inactive_value(const IonicPotential::Context& c, int material) {
  const Phase p = (*c.materials)[material].phase;
  return (p == Phase::CC || p == Phase::NA) ? c.conditions.electrode_potential : 0.0;
}

} // namespace

PetscErrorCode residual(DMDALocalInfo* info, void* xv, void* fv, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  auto x = static_cast<const PetscScalar* const* const*>(xv);
  auto f = static_cast<PetscScalar***>(fv);
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
        const int m = static_cast<int>(lab[k][j][i]);
        const double phi = x[k][j][i];
        if ((*c->materials)[m].phase != Phase::SE) {
          f[k][j][i] = phi - inactive_value(*c, m);
          continue;
        }
        const std::size_t voxel = owned_offset(info, i, j, k);
        double inflow = 0;
        for (int face = 0; face < 6; ++face) {
          const Neighbour n = across(*c, lab, info, i, j, k, face);
          const double phi_n = n.kind == Across::se ? x[n.k][n.j][n.i] : 0.0;
          inflow += face_current(*c, n, phi, phi_n, m, voxel, face).value;
        }
        f[k][j][i] = -inflow * c->scale;
      }
  PetscCall(DMDAVecRestoreArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian(DMDALocalInfo* info, void* xv, Mat A, Mat P, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  auto x = static_cast<const PetscScalar* const* const*>(xv);
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
        const int m = static_cast<int>(lab[k][j][i]);
        MatStencil row = {k, j, i, 0};
        if ((*c->materials)[m].phase != Phase::SE) {
          PetscCall(insert_identity_row(P, row));
          continue;
        }
        const bool periodic = c->grid->spec().periodic_lateral;
        TwoPointRow jrow(row, periodic ? info->mx : 0, periodic ? info->my : 0);
        const double phi = x[k][j][i];
        const std::size_t voxel = owned_offset(info, i, j, k);
        for (int face = 0; face < 6; ++face) {
          const Neighbour n = across(*c, lab, info, i, j, k, face);
          const double phi_n = n.kind == Across::se ? x[n.k][n.j][n.i] : 0.0;
          const FaceCurrent fc = face_current(*c, n, phi, phi_n, m, voxel, face);
          jrow.add_self(-fc.d_self * c->scale);
          if (n.kind == Across::se) jrow.add_neighbour({n.k, n.j, n.i, 0}, -fc.d_other * c->scale);
        }
        PetscCall(jrow.insert(P));
      }
  PetscCall(DMDAVecRestoreArrayRead(c->grid->scalar_dm(), c->labels_local, &lab));
  PetscCall(finish_assembly(A, P));
  PetscFunctionReturn(0);
}

} // namespace navox::ionic
