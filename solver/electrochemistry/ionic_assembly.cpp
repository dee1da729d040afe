// The ionic potential's PETSc callbacks and the face functions they share with
// IonicPotential (ionic_assembly.hpp); the class itself is in ionic_potential.cpp.
#include "solver/electrochemistry/ionic_assembly.hpp"

#include "mesh/stencil.hpp"

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

PetscErrorCode build_rows(IonicPotential::Context& c) {
  PetscFunctionBeginUser;
  DM sdm = c.grid->scalar_dm();
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(sdm, &info));
  const auto& mats = *c.materials;
  const PetscScalar*** lab = nullptr;
  PetscCall(DMDAVecGetArrayRead(sdm, c.labels_local, &lab));
  auto is_se = [&](PetscInt i, PetscInt j, PetscInt k) { return mats[int(lab[k][j][i])].phase == Phase::SE; };
  c.row_voxel.clear();
  c.electrode_faces.clear();
  c.counter_faces.clear();
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i)
        if (is_se(i, j, k)) c.row_voxel.push_back(owned_offset(&info, i, j, k));
  const PetscInt rows = PetscInt(c.row_voxel.size());
  PetscInt start = 0;
  PetscCallMPI(MPI_Exscan(&rows, &start, 1, MPIU_INT, MPI_SUM, c.grid->comm()));
  PetscMPIInt rank = 0;
  PetscCallMPI(MPI_Comm_rank(c.grid->comm(), &rank));
  if (rank == 0) start = 0; // MPI_Exscan leaves rank 0's result undefined

  // Every SE voxel's global row, with the neighbours' from the ghosts.
  Vec index = nullptr;
  PetscCall(DMGetGlobalVector(sdm, &index));
  {
    PetscScalar*** ia = nullptr;
    PetscCall(DMDAVecGetArray(sdm, index, &ia));
    PetscInt r = start;
    for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
      for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
        for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) ia[k][j][i] = is_se(i, j, k) ? double(r++) : -1.0;
    PetscCall(DMDAVecRestoreArray(sdm, index, &ia));
  }
  if (!c.row_index) PetscCall(DMCreateLocalVector(sdm, &c.row_index));
  PetscCall(DMGlobalToLocalBegin(sdm, index, INSERT_VALUES, c.row_index));
  PetscCall(DMGlobalToLocalEnd(sdm, index, INSERT_VALUES, c.row_index));
  PetscCall(DMRestoreGlobalVector(sdm, &index));

  // The balanced layout: PetscSplitOwnership's share of the N rows on each rank.
  PetscInt total = 0;
  PetscCallMPI(MPI_Allreduce(&rows, &total, 1, MPIU_INT, MPI_SUM, c.grid->comm()));
  PetscMPIInt size = 1;
  PetscCallMPI(MPI_Comm_size(c.grid->comm(), &size));
  const PetscInt share = total / size, extra = total % size;
  auto first_row = [&](PetscInt r) { return r * share + std::min(r, extra); }; // of rank r
  auto owner = [&](PetscInt g) { // the rank whose balanced range holds row g
    const PetscInt r = extra * (share + 1) > g ? g / (share + 1) : extra + (g - extra * (share + 1)) / share;
    return r;
  };

  // Faces and the exact number of entries per row (a neighbour met through two faces,
  // on a periodic grid one or two voxels wide, is one entry; so is the voxel itself),
  // counted here in the natural layout against the range of the row's balanced owner.
  std::vector<double> d_nnz(std::size_t(rows), 0), o_nnz(std::size_t(rows), 0);
  const PetscScalar*** ri = nullptr;
  PetscCall(DMDAVecGetArrayRead(sdm, c.row_index, &ri));
  PetscInt row = 0;
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
        if (!is_se(i, j, k)) continue;
        const int m = int(lab[k][j][i]);
        const std::size_t voxel = owned_offset(&info, i, j, k);
        PetscInt cols[7] = {start + row};
        int n_cols = 1;
        for (int face = 0; face < 6; ++face) {
          const Neighbour n = across(c, lab, &info, i, j, k, face);
          if (n.kind == Across::electrode) c.electrode_faces.push_back({row, voxel * 6 + std::size_t(face), m, face});
          if (n.kind == Across::counter) c.counter_faces.push_back({row, voxel * 6 + std::size_t(face), m, face});
          if (n.kind != Across::se) continue;
          const PetscInt col = PetscInt(ri[n.k][n.j][n.i]);
          if (std::find(cols, cols + n_cols, col) == cols + n_cols) cols[n_cols++] = col;
        }
        const PetscInt o = owner(start + row), lo = first_row(o), hi = first_row(o + 1);
        for (int e = 0; e < n_cols; ++e) ++(cols[e] >= lo && cols[e] < hi ? d_nnz : o_nnz)[std::size_t(row)];
        ++row;
      }
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.row_index, &ri));
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.labels_local, &lab));

  // The two layouts of the same rows and the scatter between them.
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

  // The counts to the rows' balanced owners.
  {
    Vec nat_d = nullptr, nat_o = nullptr, bal_d = nullptr, bal_o = nullptr;
    PetscCall(VecDuplicate(c.natural, &nat_d));
    PetscCall(VecDuplicate(c.natural, &nat_o));
    PetscCall(VecDuplicate(c.diagonal, &bal_d));
    PetscCall(VecDuplicate(c.diagonal, &bal_o));
    PetscScalar *a = nullptr, *b = nullptr;
    PetscCall(VecGetArray(nat_d, &a));
    PetscCall(VecGetArray(nat_o, &b));
    std::copy(d_nnz.begin(), d_nnz.end(), a);
    std::copy(o_nnz.begin(), o_nnz.end(), b);
    PetscCall(VecRestoreArray(nat_o, &b));
    PetscCall(VecRestoreArray(nat_d, &a));
    for (auto [from, to] : {std::pair{nat_d, bal_d}, std::pair{nat_o, bal_o}}) {
      PetscCall(VecScatterBegin(c.to_balanced, from, to, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecScatterEnd(c.to_balanced, from, to, INSERT_VALUES, SCATTER_FORWARD));
    }
    PetscInt n_bal = 0;
    PetscCall(VecGetLocalSize(bal_d, &n_bal));
    std::vector<PetscInt> dn(static_cast<std::size_t>(n_bal)), on(static_cast<std::size_t>(n_bal));
    const PetscScalar *da = nullptr, *oa = nullptr;
    PetscCall(VecGetArrayRead(bal_d, &da));
    PetscCall(VecGetArrayRead(bal_o, &oa));
    for (PetscInt r = 0; r < n_bal; ++r) dn[std::size_t(r)] = PetscInt(da[r]), on[std::size_t(r)] = PetscInt(oa[r]);
    PetscCall(VecRestoreArrayRead(bal_o, &oa));
    PetscCall(VecRestoreArrayRead(bal_d, &da));
    for (Vec* v : {&nat_d, &nat_o, &bal_d, &bal_o}) PetscCall(VecDestroy(v));

    if (c.conduction) PetscCall(MatDestroy(&c.conduction));
    PetscCall(MatCreate(c.grid->comm(), &c.conduction));
    PetscCall(MatSetSizes(c.conduction, n_bal, n_bal, total, total));
    PetscCall(MatSetType(c.conduction, MATAIJ));
    PetscCall(MatXAIJSetPreallocation(c.conduction, 1, dn.data(), on.data(), nullptr, nullptr));
  }
  PetscCall(MatSetOption(c.conduction, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  c.conduction_sigma.clear();
  PetscFunctionReturn(0);
}

PetscErrorCode assemble_conduction(IonicPotential::Context& c) {
  PetscFunctionBeginUser;
  DM sdm = c.grid->scalar_dm();
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(sdm, &info));
  PetscBool assembled = PETSC_FALSE;
  PetscCall(MatAssembled(c.conduction, &assembled));
  if (assembled) PetscCall(MatZeroEntries(c.conduction));
  const PetscScalar*** lab = nullptr;
  const PetscScalar*** ri = nullptr;
  PetscCall(DMDAVecGetArrayRead(sdm, c.labels_local, &lab));
  PetscCall(DMDAVecGetArrayRead(sdm, c.row_index, &ri));
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
        if ((*c.materials)[int(lab[k][j][i])].phase != Phase::SE) continue;
        const int m = int(lab[k][j][i]);
        const std::size_t voxel = owned_offset(&info, i, j, k);
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
        // ADD_VALUES: a neighbour met through two faces adds into its one entry.
        PetscCall(MatSetValues(c.conduction, 1, &row, n_cols, cols, vals, ADD_VALUES));
      }
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.row_index, &ri));
  PetscCall(DMDAVecRestoreArrayRead(sdm, c.labels_local, &lab));
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
/// potentials of the balanced vector x; into c.natural_work.
template <class Term>
PetscErrorCode face_sums(IonicPotential::Context& c, Vec x, Term term) {
  PetscFunctionBeginUser;
  PetscCall(to_natural(c, x, c.natural));
  const PetscScalar* xa = nullptr;
  PetscScalar* sa = nullptr;
  PetscCall(VecGetArrayRead(c.natural, &xa));
  PetscCall(VecSet(c.natural_work, 0.0));
  PetscCall(VecGetArray(c.natural_work, &sa));
  for (const FaceRef& r : c.electrode_faces)
    sa[r.row] += term(electrode_face(c, (*c.faces)[r.slot], r.material, xa[r.row], r.face));
  PetscCall(VecRestoreArray(c.natural_work, &sa));
  PetscCall(VecRestoreArrayRead(c.natural, &xa));
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode residual(SNES, Vec x, Vec f, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  PetscCall(MatMult(c->conduction, x, f));
  const double scale = c->scale;
  PetscCall(face_sums(*c, x, [scale](const physics::FaceSolution& s) { return -s.current * scale; }));
  PetscCall(to_balanced(*c, c->natural_work, f, ADD_VALUES));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian(SNES, Vec x, Mat A, Mat P, void* ctxv) {
  PetscFunctionBeginUser;
  auto* c = static_cast<IonicPotential::Context*>(ctxv);
  // The conduction part never changes between solves; the faces add to the diagonal only.
  PetscCall(MatCopy(c->conduction, P, SAME_NONZERO_PATTERN));
  const double scale = c->scale;
  PetscCall(face_sums(*c, x, [scale](const physics::FaceSolution& s) { return s.d_current * scale; }));
  PetscCall(to_balanced(*c, c->natural_work, c->diagonal, INSERT_VALUES));
  PetscCall(MatDiagonalSet(P, c->diagonal, ADD_VALUES));
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

} // namespace navox::ionic
