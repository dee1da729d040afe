// The ionic potential's PETSc callbacks and the face functions they share with
// IonicPotential (ionic_assembly.hpp); the class itself is in ionic_potential.cpp.
#include "solver/electrochemistry/ionic_assembly.hpp"

#include "mesh/stencil.hpp"
#include "solver/electrochemistry/cell_potential.hpp"
#include "solver/multigrid/aggregation_mg.hpp"

#include <algorithm>

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

PetscErrorCode se_voxels(const IonicPotential::Context& c, std::vector<std::size_t>& out) {
  PetscFunctionBeginUser;
  DM sdm = c.grid->scalar_dm();
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(sdm, &info));
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(sdm, c.labels_local, &lab));
  out.clear();
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i)
        if ((*c.materials)[int(lab[k][j][i])].phase == Phase::SE) out.push_back(owned_offset(&info, i, j, k));
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.labels_local, &lab));
  PetscFunctionReturn(0);
}

namespace {

/// Adds the linear SE|SE and counter-electrode terms of every owned SE voxel's row
/// into A (global rows; a neighbour met through two faces adds into its one entry).
PetscErrorCode add_conduction(const IonicPotential::Context& c, Mat A) {
  PetscFunctionBeginUser;
  DM sdm = c.grid->scalar_dm();
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(sdm, &info));
  const PetscScalar*** lab = nullptr;
  const PetscScalar*** ri = nullptr;
  PetscCall(DMDAVecGetArrayRead(sdm, c.labels_local, &lab));
  PetscCall(DMDAVecGetArrayRead(sdm, c.row_index, &ri));
  for (std::size_t voxel : c.row_voxel) {
    PetscInt i, j, k;
    owned_voxel(&info, voxel, i, j, k);
    const int m = int(lab[k][j][i]);
    const PetscInt row = PetscInt(ri[k][j][i]);
    // The SE|SE and counter-electrode terms are linear: their derivatives are the matrix.
    PetscInt cols[7] = {row};
    PetscScalar vals[7] = {0};
    int n_cols = 1;
    for (int face = 0; face < 6; ++face) {
      const Neighbour n = across(c, lab, &info, i, j, k, face);
      if (n.kind != Across::se && n.kind != Across::counter) continue;
      const FaceCurrent fc = face_current(c, n, 0.0, 0.0, m, voxel, face);
      vals[0] -= fc.d_self * c.scale;
      if (n.kind == Across::se) {
        cols[n_cols] = PetscInt(ri[n.k][n.j][n.i]);
        vals[n_cols++] = -fc.d_other * c.scale;
      }
    }
    PetscCall(MatSetValues(A, 1, &row, n_cols, cols, vals, ADD_VALUES));
  }
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.row_index, &ri));
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.labels_local, &lab));
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode build_rows(IonicPotential::Context& c) {
  PetscFunctionBeginUser;
  DM sdm = c.grid->scalar_dm();
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(sdm, &info));
  PetscCall(se_voxels(c, c.row_voxel));
  c.electrode_faces.clear();
  c.counter_faces.clear();
  const PetscInt rows = PetscInt(c.row_voxel.size());
  PetscInt start = 0;
  PetscCallMPI(MPI_Exscan(&rows, &start, 1, MPIU_INT, MPI_SUM, c.grid->comm()));
  PetscMPIInt rank = 0;
  PetscCallMPI(MPI_Comm_rank(c.grid->comm(), &rank));
  if (rank == 0) start = 0; // MPI_Exscan leaves rank 0's result undefined

  // Every SE voxel's global row, with the neighbours' from the ghosts.
  Vec index = nullptr;
  PetscCall(DMCreateGlobalVector(sdm, &index)); // not the pool's: it would stay for the run
  {
    PetscCall(VecSet(index, -1.0));
    PetscScalar* ia = nullptr;
    PetscCall(VecGetArray(index, &ia));
    for (PetscInt r = 0; r < rows; ++r) ia[c.row_voxel[std::size_t(r)]] = double(start + r);
    PetscCall(VecRestoreArray(index, &ia));
  }
  if (!c.row_index) PetscCall(DMCreateLocalVector(sdm, &c.row_index));
  PetscCall(DMGlobalToLocalBegin(sdm, index, INSERT_VALUES, c.row_index));
  PetscCall(DMGlobalToLocalEnd(sdm, index, INSERT_VALUES, c.row_index));
  PetscCall(VecDestroy(&index));

  // The faces the conduction matrix does not hold.
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(sdm, c.labels_local, &lab));
  for (PetscInt row = 0; row < rows; ++row) {
    const std::size_t voxel = c.row_voxel[std::size_t(row)];
    PetscInt i, j, k;
    owned_voxel(&info, voxel, i, j, k);
    const int m = int(lab[k][j][i]);
    for (int face = 0; face < 6; ++face) {
      const Across kind = across(c, lab, &info, i, j, k, face).kind;
      if (kind == Across::electrode) c.electrode_faces.push_back({row, voxel * 6 + std::size_t(face), m, face});
      if (kind == Across::counter) c.counter_faces.push_back({row, voxel * 6 + std::size_t(face), m, face});
    }
  }
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.labels_local, &lab));

  // The two layouts of the same rows (the balanced one PETSc's default share) and the
  // scatter between them.
  PetscInt total = 0;
  PetscCallMPI(MPI_Allreduce(&rows, &total, 1, MPIU_INT, MPI_SUM, c.grid->comm()));
  for (Vec* v : {&c.natural, &c.natural_work, &c.diagonal})
    if (*v) PetscCall(VecDestroy(v));
  if (c.to_balanced) PetscCall(VecScatterDestroy(&c.to_balanced));
  PetscCall(VecCreateMPI(c.grid->comm(), rows, total, &c.natural));
  PetscCall(VecDuplicate(c.natural, &c.natural_work));
  PetscCall(VecCreateMPI(c.grid->comm(), PETSC_DECIDE, total, &c.diagonal));
  IS mine = nullptr;
  PetscCall(ISCreateStride(c.grid->comm(), rows, start, 1, &mine));
  PetscCall(VecScatterCreate(c.natural, mine, c.diagonal, mine, &c.to_balanced));
  PetscCall(ISDestroy(&mine));

  // The conduction matrix, preallocated exactly by PETSc's preallocator from the same
  // insertions as its assembly (rows go to their balanced owners), its pattern filled
  // with zeros; set_conditions fills it for real.
  Mat pattern = nullptr;
  PetscCall(MatCreate(c.grid->comm(), &pattern));
  PetscCall(MatSetSizes(pattern, PETSC_DECIDE, PETSC_DECIDE, total, total));
  PetscCall(MatSetType(pattern, MATPREALLOCATOR));
  PetscCall(MatSetUp(pattern));
  PetscCall(add_conduction(c, pattern));
  PetscCall(MatAssemblyBegin(pattern, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(pattern, MAT_FINAL_ASSEMBLY));
  if (c.conduction) PetscCall(MatDestroy(&c.conduction));
  PetscCall(MatCreate(c.grid->comm(), &c.conduction));
  PetscCall(MatSetSizes(c.conduction, PETSC_DECIDE, PETSC_DECIDE, total, total));
  PetscCall(MatSetType(c.conduction, MATAIJ));
  PetscCall(MatPreallocatorPreallocate(pattern, PETSC_TRUE, c.conduction));
  PetscCall(MatDestroy(&pattern));
  PetscCall(MatSetOption(c.conduction, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  c.conduction_sigma.clear();
  PetscFunctionReturn(0);
}

PetscErrorCode balanced_cells(const IonicPotential::Context& c, std::vector<std::int64_t>& cells) {
  PetscFunctionBeginUser;
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(c.grid->scalar_dm(), &info));
  const auto& dims = c.grid->spec().dims;
  // Global indices below 2^53 travel exactly as doubles.
  PetscScalar* n = nullptr;
  PetscCall(VecGetArray(c.natural_work, &n));
  for (std::size_t r = 0; r < c.row_voxel.size(); ++r) {
    PetscInt i, j, k;
    owned_voxel(&info, c.row_voxel[r], i, j, k);
    n[r] = double(i + dims[0] * (j + dims[1] * std::int64_t(k)));
  }
  PetscCall(VecRestoreArray(c.natural_work, &n));
  PetscCall(to_balanced(c, c.natural_work, c.diagonal, INSERT_VALUES));
  PetscInt rows = 0;
  const PetscScalar* b = nullptr;
  PetscCall(VecGetLocalSize(c.diagonal, &rows));
  PetscCall(VecGetArrayRead(c.diagonal, &b));
  cells.resize(std::size_t(rows));
  for (PetscInt r = 0; r < rows; ++r) cells[std::size_t(r)] = std::int64_t(b[r]);
  PetscCall(VecRestoreArrayRead(c.diagonal, &b));
  PetscFunctionReturn(0);
}

PetscErrorCode assemble_conduction(IonicPotential::Context& c) {
  PetscFunctionBeginUser;
  PetscCall(MatZeroEntries(c.conduction));
  PetscCall(add_conduction(c, c.conduction));
  PetscCall(MatAssemblyBegin(c.conduction, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(c.conduction, MAT_FINAL_ASSEMBLY));
  c.conduction_sigma = c.sigma;
  PetscFunctionReturn(0);
}

PetscErrorCode to_natural(const IonicPotential::Context& c, Vec balanced, Vec natural) {
  PetscFunctionBeginUser;
  PetscCall(VecScatterBegin(c.to_balanced, balanced, natural, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(c.to_balanced, balanced, natural, INSERT_VALUES, SCATTER_REVERSE));
  PetscFunctionReturn(0);
}

PetscErrorCode to_balanced(const IonicPotential::Context& c, Vec natural, Vec balanced, InsertMode mode) {
  PetscFunctionBeginUser;
  PetscCall(VecScatterBegin(c.to_balanced, natural, balanced, mode, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(c.to_balanced, natural, balanced, mode, SCATTER_FORWARD));
  PetscFunctionReturn(0);
}

namespace {

/// Per natural row, the sum over its SE|metal faces of what `term` gives the face's
/// solution (the faces' part of the residual or of the Jacobian's diagonal), at the
/// potentials in c.natural (the caller scattered them there); into c.natural_work.
template <class Term>
PetscErrorCode face_sums(IonicPotential::Context& c, Term term) {
  PetscFunctionBeginUser;
  const PetscScalar* xa = nullptr;
  PetscScalar* sa = nullptr;
  PetscCall(VecGetArrayRead(c.natural, &xa));
  PetscCall(VecSet(c.natural_work, 0.0));
  PetscCall(VecGetArray(c.natural_work, &sa));
  for_electrode_faces(c, xa, [&](const FaceRef& r, const physics::FaceSolution& s) { sa[r.row] += term(s); });
  PetscCall(VecRestoreArray(c.natural_work, &sa));
  PetscCall(VecRestoreArrayRead(c.natural, &xa));
  PetscFunctionReturn(0);
}

/// x into c.natural, once for the callback; galvanostatic: V set to V(x) there.
PetscErrorCode prepare_faces(IonicPotential::Context& c, Vec x, PetscBool* found) {
  PetscFunctionBeginUser;
  PetscCall(to_natural(c, x, c.natural));
  *found = PETSC_TRUE;
  if (c.control.on) PetscCall(follow_current(c, found));
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode residual(SNES snes, Vec x, Vec f, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  // Galvanostatic: the faces carry the applied current at V(x) (cell_potential.hpp).
  PetscBool found = PETSC_TRUE;
  PetscCall(prepare_faces(*c, x, &found));
  if (!found && snes) PetscCall(SNESSetFunctionDomainError(snes));
  PetscCall(MatMult(c->conduction, x, f));
  const double scale = c->scale;
  PetscCall(face_sums(*c, [scale](const physics::FaceSolution& s) { return -s.current * scale; }));
  PetscCall(to_balanced(*c, c->natural_work, f, ADD_VALUES));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian(SNES snes, Vec x, Mat A, Mat P, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  // At V(x), as the residual (its last evaluation may have been elsewhere).
  PetscBool found = PETSC_TRUE;
  PetscCall(prepare_faces(*c, x, &found));
  if (!found) PetscCall(SNESSetJacobianDomainError(snes));
  // The conduction part never changes between solves; the faces add to the diagonal only.
  PetscCall(MatCopy(c->conduction, P, SAME_NONZERO_PATTERN));
  const double scale = c->scale;
  PetscCall(face_sums(*c, [scale](const physics::FaceSolution& s) { return s.d_current * scale; }));
  PetscCall(to_balanced(*c, c->natural_work, c->diagonal, INSERT_VALUES));
  PetscCall(MatDiagonalSet(P, c->diagonal, ADD_VALUES));
  // Galvanostatic: A is the shell J - u u^T / sum(u) over P and the faces' diagonal u.
  if (c->control.on) PetscCall(set_coupling(*c, c->diagonal));
  if (c->mg) {
    KSP ksp = nullptr;
    PC pc = nullptr;
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(c->mg->refresh(pc, P));
  }
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

} // namespace navox::ionic
