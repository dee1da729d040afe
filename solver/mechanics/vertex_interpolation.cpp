// P₁ without a matrix (vertex_interpolation.hpp).
#include "solver/mechanics/vertex_interpolation.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/vertex_dm.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace navox {

namespace {

constexpr const char* kWhat = "the vertex grid's interpolation: ";

/// What the shell keeps: the two DMs (referenced), the fine owned box and its weights.
struct Interpolation {
  DM fine = nullptr, coarse = nullptr;
  PetscInt s[3] = {0, 0, 0}, m[3] = {0, 0, 0};   ///< the fine owned box
  std::vector<float> lo;                        ///< 3 a node of the fine owned box
  ~Interpolation() {
    if (fine) (void)DMDestroy(&fine);
    if (coarse) (void)DMDestroy(&coarse);
  }
  const float* weights(PetscInt i, PetscInt j, PetscInt k) const {
    return &lo[3 * ((std::size_t(k - s[2]) * std::size_t(m[1]) + std::size_t(j - s[1])) * std::size_t(m[0]) +
                    std::size_t(i - s[0]))];
  }
};

/// Fine node n's parents along one axis and their weights: one (n even) or two.
struct AxisParents {
  int count;
  PetscInt node[2];
  double weight[2];
};
inline AxisParents parents(PetscInt n, float lo) {
  if (n % 2 == 0) return {1, {n / 2, 0}, {1.0, 0.0}};
  return {2, {(n - 1) / 2, (n + 1) / 2}, {double(lo), 1.0 - double(lo)}};
}

/// f(i, j, k) for each owned fine node, x fastest.
template <class F> void for_owned(const Interpolation& p, F&& f) {
  for (PetscInt k = p.s[2]; k < p.s[2] + p.m[2]; ++k)
    for (PetscInt j = p.s[1]; j < p.s[1] + p.m[1]; ++j)
      for (PetscInt i = p.s[0]; i < p.s[0] + p.m[0]; ++i) f(i, j, k);
}

/// f(I, J, K, w) for each parent of fine node (i, j, k), (z, y, x) ascending, w its weight
/// (w_x w_y) w_z: one place for the products that P and Pᵀ share.
template <class F> inline void for_parents(const Interpolation& p, PetscInt i, PetscInt j, PetscInt k, F&& f) {
  const float* lo = p.weights(i, j, k);
  const AxisParents x = parents(i, lo[0]), y = parents(j, lo[1]), z = parents(k, lo[2]);
  for (int c2 = 0; c2 < z.count; ++c2)
    for (int c1 = 0; c1 < y.count; ++c1)
      for (int c0 = 0; c0 < x.count; ++c0)
        f(x.node[c0], y.node[c1], z.node[c2], (x.weight[c0] * y.weight[c1]) * z.weight[c2]);
}

/// y = add + P u over the fine owned box (add may be null or y itself).
PetscErrorCode apply(Mat a, Vec u, Vec add, Vec y) {
  PetscFunctionBeginUser;
  Interpolation* p = nullptr;
  PetscCall(MatShellGetContext(a, &p));
  Vec ul = nullptr;
  PetscCall(DMGetLocalVector(p->coarse, &ul));
  PetscCall(DMGlobalToLocalBegin(p->coarse, u, INSERT_VALUES, ul));
  PetscCall(DMGlobalToLocalEnd(p->coarse, u, INSERT_VALUES, ul));
  const PetscScalar* const* const* const* uc = nullptr;
  PetscScalar**** yf = nullptr;
  const PetscScalar* const* const* const* af = nullptr;
  PetscCall(DMDAVecGetArrayDOFRead(p->coarse, ul, &uc));
  if (add && add != y) PetscCall(DMDAVecGetArrayDOFRead(p->fine, add, &af));
  PetscCall(DMDAVecGetArrayDOF(p->fine, y, &yf));
  for_owned(*p, [&](PetscInt i, PetscInt j, PetscInt k) {
    double sum[3] = {0, 0, 0};
    for_parents(*p, i, j, k, [&](PetscInt pi, PetscInt pj, PetscInt pk, double w) {
      const PetscScalar* v = uc[pk][pj][pi];
      for (int c = 0; c < 3; ++c) sum[c] += w * v[c];
    });
    PetscScalar* out = yf[k][j][i];
    const PetscScalar* base = !add ? nullptr : add == y ? out : af[k][j][i];
    for (int c = 0; c < 3; ++c) out[c] = base ? base[c] + sum[c] : sum[c];
  });
  PetscCall(DMDAVecRestoreArrayDOF(p->fine, y, &yf));
  if (af) PetscCall(DMDAVecRestoreArrayDOFRead(p->fine, add, &af));
  PetscCall(DMDAVecRestoreArrayDOFRead(p->coarse, ul, &uc));
  PetscCall(DMRestoreLocalVector(p->coarse, &ul));
  PetscFunctionReturn(0);
}

/// x = add + Pᵀ y: each owned fine node adds its weighted values to its parents in the
/// ghosted coarse vector (the same weight products as P's), which the coarse DMDA then sums
/// onto their owners (add may be null or x itself).
PetscErrorCode apply_transpose(Mat a, Vec y, Vec add, Vec x) {
  PetscFunctionBeginUser;
  Interpolation* p = nullptr;
  PetscCall(MatShellGetContext(a, &p));
  Vec xl = nullptr;
  PetscCall(DMGetLocalVector(p->coarse, &xl));
  PetscCall(VecSet(xl, 0.0));
  const PetscScalar* const* const* const* yf = nullptr;
  PetscScalar**** xc = nullptr;
  PetscCall(DMDAVecGetArrayDOFRead(p->fine, y, &yf));
  PetscCall(DMDAVecGetArrayDOF(p->coarse, xl, &xc));
  for_owned(*p, [&](PetscInt i, PetscInt j, PetscInt k) {
    const PetscScalar* v = yf[k][j][i];
    for_parents(*p, i, j, k, [&](PetscInt pi, PetscInt pj, PetscInt pk, double w) {
      PetscScalar* out = xc[pk][pj][pi];
      for (int c = 0; c < 3; ++c) out[c] += w * v[c];
    });
  });
  PetscCall(DMDAVecRestoreArrayDOF(p->coarse, xl, &xc));
  PetscCall(DMDAVecRestoreArrayDOFRead(p->fine, y, &yf));
  if (add && add != x) {
    PetscCall(VecCopy(add, x));
  } else if (!add) {
    PetscCall(VecSet(x, 0.0));
  }
  PetscCall(DMLocalToGlobalBegin(p->coarse, xl, ADD_VALUES, x));
  PetscCall(DMLocalToGlobalEnd(p->coarse, xl, ADD_VALUES, x));
  PetscCall(DMRestoreLocalVector(p->coarse, &xl));
  PetscFunctionReturn(0);
}

PetscErrorCode interpolation_mult(Mat a, Vec u, Vec y) { return apply(a, u, nullptr, y); }
PetscErrorCode interpolation_mult_add(Mat a, Vec u, Vec add, Vec y) { return apply(a, u, add, y); }
PetscErrorCode interpolation_mult_transpose(Mat a, Vec y, Vec x) { return apply_transpose(a, y, nullptr, x); }
PetscErrorCode interpolation_mult_transpose_add(Mat a, Vec y, Vec add, Vec x) { return apply_transpose(a, y, add, x); }

PetscErrorCode interpolation_destroy(Mat a) {
  PetscFunctionBeginUser;
  Interpolation* p = nullptr;
  PetscCall(MatShellGetContext(a, &p));
  delete p;
  PetscFunctionReturn(0);
}

} // namespace

Mat vertex_interpolation(DM fine, DM coarse, std::vector<float> lo) {
  auto* p = new Interpolation;
  Mat shell = nullptr;
  try {
    NAVOX_CALL(PetscObjectReference(reinterpret_cast<PetscObject>(fine)));
    p->fine = fine;
    NAVOX_CALL(PetscObjectReference(reinterpret_cast<PetscObject>(coarse)));
    p->coarse = coarse;
    PetscInt dof = 0, cdof = 0, width = 0, cwidth = 0;
    NAVOX_CALL(DMDAGetInfo(fine, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &dof, &width, nullptr,
                           nullptr, nullptr, nullptr));
    NAVOX_CALL(DMDAGetInfo(coarse, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &cdof, &cwidth, nullptr,
                           nullptr, nullptr, nullptr));
    PetscInt cgs[3], cgm[3];
    NAVOX_CALL(DMDAGetCorners(fine, &p->s[0], &p->s[1], &p->s[2], &p->m[0], &p->m[1], &p->m[2]));
    NAVOX_CALL(DMDAGetGhostCorners(coarse, &cgs[0], &cgs[1], &cgs[2], &cgm[0], &cgm[1], &cgm[2]));
    collectively(PetscObjectComm(reinterpret_cast<PetscObject>(fine)), [&] {
      if (dof != 3 || cdof != 3 || width < 1 || cwidth < 1)
        throw Error(std::string(kWhat) + "its DMDAs are not 3-DOF stencils at least one node wide");
      if (lo.size() != 3 * std::size_t(p->m[0]) * std::size_t(p->m[1]) * std::size_t(p->m[2]))
        throw Error(std::string(kWhat) + "its weights do not match the fine DMDA's owned nodes");
      for (int x = 0; x < 3; ++x) {
        // The owned fine nodes' parents in the rank's coarse ghosts (DMCoarsen's ranges).
        const PetscInt first = p->s[x], last = p->s[x] + p->m[x] - 1;
        const PetscInt parent_lo = first % 2 ? (first - 1) / 2 : first / 2, parent_hi = last % 2 ? (last + 1) / 2 : last / 2;
        if (p->m[x] > 0 && (parent_lo < cgs[x] || parent_hi >= cgs[x] + cgm[x]))
          throw Error(std::string(kWhat) + "a fine node's parents lie outside its rank's coarse ghosts");
      }
      p->lo = std::move(lo);
    });
    const VectorSizes rows = dmda_vector_sizes(fine), cols = dmda_vector_sizes(coarse);
    NAVOX_CALL(MatCreateShell(PetscObjectComm(reinterpret_cast<PetscObject>(fine)), rows.local, cols.local, rows.global,
                              cols.global, p, &shell));
  } catch (...) {
    delete p;
    throw;
  }
  // From here the shell owns `p` (its destroy callback).
  try {
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_DESTROY, reinterpret_cast<void (*)(void)>(interpolation_destroy)));
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_MULT, reinterpret_cast<void (*)(void)>(interpolation_mult)));
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_MULT_ADD, reinterpret_cast<void (*)(void)>(interpolation_mult_add)));
    NAVOX_CALL(
        MatShellSetOperation(shell, MATOP_MULT_TRANSPOSE, reinterpret_cast<void (*)(void)>(interpolation_mult_transpose)));
    NAVOX_CALL(MatShellSetOperation(shell, MATOP_MULT_TRANSPOSE_ADD,
                                    reinterpret_cast<void (*)(void)>(interpolation_mult_transpose_add)));
  } catch (...) {
    (void)MatDestroy(&shell);
    throw;
  }
  return shell;
}

} // namespace navox
