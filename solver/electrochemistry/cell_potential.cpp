#include "solver/electrochemistry/cell_potential.hpp"

#include <cmath>
#include <limits>

namespace navox::ionic {

namespace {

/// y = J x - u (u^T x) / sum(u).
PetscErrorCode schur_mult(Mat shell, Vec x, Vec y) {
  PetscFunctionBeginUser;
  IonicPotential::Context* c = nullptr;
  PetscCall(MatShellGetContext(shell, &c));
  const CellControl& cc = c->control;
  PetscCall(MatMult(cc.jacobian, x, y));
  if (cc.coupling_sum > 0) {
    PetscScalar ux = 0;
    PetscCall(VecDot(cc.coupling, x, &ux));
    PetscCall(VecAXPY(y, -ux / cc.coupling_sum, cc.coupling));
  }
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode follow_current(IonicPotential::Context& c, PetscBool* found) {
  PetscFunctionBeginUser;
  CellControl& cc = c.control;
  const PetscScalar* xa = nullptr;
  PetscCall(VecGetArrayRead(c.natural, &xa));
  double& v = c.conditions.electrode_potential; // electrode_face reads V from here
  // g = G(V), w = dG/dV, summed over every rank's faces, and the size of the sum's
  // terms (its rounding error is a small multiple of 1e-16 of that).
  auto evaluate = [&](double& g, double& w, double& size) -> PetscErrorCode {
    double local[3] = {0, 0, 0}, global[3] = {0, 0, 0};
    for_electrode_faces(c, xa, [&](const FaceRef&, const physics::FaceSolution& s) {
      local[0] += s.current;
      local[1] += s.d_current;
      local[2] += std::abs(s.current);
    });
    PetscCallMPI(MPI_Allreduce(local, global, 3, MPI_DOUBLE, MPI_SUM, c.grid->comm()));
    g = global[0] - cc.current;
    w = global[1];
    size = global[2] + std::abs(cc.current);
    ++cc.evaluations;
    return 0;
  };
  const double v0 = v;
  constexpr double inf = std::numeric_limits<double>::infinity();
  double lo = -inf, hi = inf; // G(lo) < 0 < G(hi) once found
  double reach = 0.05;        // the largest step before a bracket is found; doubles when taken
  double g = 0, w = 0, size = 0;
  PetscCall(evaluate(g, w, size));
  bool conducting = w > 0, ok = false;
  for (int it = 0; it < 200; ++it) {
    // G is zero, or zero to its rounding (1e-13 of its terms): the Newton step is taken
    // (V stays a smooth function of phi), and further steps would chase the sums' noise.
    if (g == 0 || (w > 0 && std::abs(g) <= 1e-13 * size)) {
      if (g != 0) v -= g / w;
      ok = true;
      break;
    }
    (g < 0 ? lo : hi) = v;
    const bool bracketed = std::isfinite(lo) && std::isfinite(hi);
    double next = w > 0 ? v - g / w : std::nan("");
    if (!(next > lo && next < hi)) next = bracketed ? 0.5 * (lo + hi) : v + (g < 0 ? reach : -reach);
    if (!bracketed && std::abs(next - v) > reach) {
      next = v + std::copysign(reach, next - v);
      reach *= 2;
    }
    if (std::abs(next - v0) > kVoltageSpan) break;
    // Newton converges quadratically: after a step this small V is exact to round-off.
    const double tiny = 1e-15 + 1e-13 * std::abs(v);
    const bool done = std::abs(next - v) <= tiny || (bracketed && hi - lo <= tiny);
    v = next;
    if (done) {
      ok = true;
      break;
    }
    PetscCall(evaluate(g, w, size));
    conducting = conducting || w > 0;
  }
  PetscCall(VecRestoreArrayRead(c.natural, &xa));
  cc.failed = !ok;
  if (!ok) {
    // G rises with V: a deficit (g < 0) needs a higher V.
    const double direction = g < 0 ? 1.0 : -1.0;
    cc.estimate = conducting ? v0 + direction * kVoltageSpan : direction * HUGE_VAL;
    v = v0;
  }
  *found = ok ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode set_coupling(IonicPotential::Context& c, Vec face_diagonal) {
  PetscFunctionBeginUser;
  PetscCall(VecCopy(face_diagonal, c.control.coupling));
  PetscCall(VecSum(c.control.coupling, &c.control.coupling_sum));
  PetscFunctionReturn(0);
}

PetscErrorCode create_schur_jacobian(IonicPotential::Context& c, Mat* shell) {
  PetscFunctionBeginUser;
  PetscInt m = 0, n = 0, M = 0, N = 0;
  PetscCall(MatGetLocalSize(c.control.jacobian, &m, &n));
  PetscCall(MatGetSize(c.control.jacobian, &M, &N));
  PetscCall(MatCreateShell(c.grid->comm(), m, n, M, N, &c, shell));
  PetscCall(MatShellSetOperation(*shell, MATOP_MULT, reinterpret_cast<void (*)(void)>(schur_mult)));
  // Symmetric: the transpose is the same product.
  PetscCall(MatShellSetOperation(*shell, MATOP_MULT_TRANSPOSE, reinterpret_cast<void (*)(void)>(schur_mult)));
  PetscCall(MatSetOption(*shell, MAT_SYMMETRIC, PETSC_TRUE));
  PetscFunctionReturn(0);
}

} // namespace navox::ionic
