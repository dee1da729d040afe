#pragma once
/// Galvanostatic control as the Schur complement of the bordered system, for
/// IonicPotential::solve_current and its SNES callbacks (ionic_assembly.cpp).
///
/// With a prescribed current I the cell voltage V is one more unknown with one more
/// equation, the current through the SE|metal faces:
/// \f[ G(\phi, V) = \sum_f I_f(V - \phi_P + \Omega_{Na} p_f/F) - I = 0. \f]
/// Each face current is non-decreasing in V, so for a given phi G has one root V(phi)
/// wherever a face conducts: follow_current finds it by Newton's method safeguarded
/// by bisection (a pass over the faces and one reduction per iterate), in every
/// residual evaluation, until G is zero to its rounding (1e-13 of the sum of the
/// faces' |I_f|; that last Newton step taken) or a step is below 1e-13 of V. The SNES then solves \f$\tilde F(\phi) = F(\phi, V(\phi)) = 0\f$
/// for phi alone. Its Jacobian is
/// \f[ \tilde J = J + \frac{\partial F}{\partial V}\Big(\frac{dV}{d\phi}\Big)^T
///     = J - \frac{u\,u^T}{\sum_P u_P},\qquad u_P = s \sum_{f \in P} \frac{dI_f}{d\delta}, \f]
/// with J the potentiostatic Jacobian and s the rows' scale: J less a rank-one term,
/// symmetric, and positive definite (J = L + s diag(w), and diag(w) - w w^T/sum(w) is
/// positive semi-definite). The preconditioner is built from J alone, and the rank-one
/// difference costs the Krylov method at most about one iteration. A Newton iteration is
/// one linear solve: an outer iteration on V needed a sensitivity solve and another
/// Newton solve for each new V.
///
/// Symbols: I_f current into the SE through face f [A]; delta = V - phi_P + Omega p/F [V];
/// s = 1/(sigma_max h_min) [1/S]; L the conduction matrix (scaled) [-].
/// Source: the bordered-system block elimination, e.g. Keller, "Numerical solution of
/// bifurcation and nonlinear eigenvalue problems" (1977); Saad, Iterative Methods for
/// Sparse Linear Systems, §9 (preconditioning a low-rank update).
#include "solver/electrochemistry/ionic_assembly.hpp"

namespace navox::ionic {

/// Sets c.conditions.electrode_potential to V(x), the voltage at which the SE|metal
/// faces carry c.control.current at the potentials x in c.natural (the natural layout,
/// scattered there by the caller), starting from the V it holds. *found is false (alike on every rank) when no V within
/// kVoltageSpan of the start carries it: V is then left as it was, and
/// c.control.estimate says where the root lies. Collective.
PetscErrorCode follow_current(IonicPotential::Context& c, PetscBool* found);

/// The furthest follow_current looks from its start [V].
constexpr double kVoltageSpan = 20.0;

/// The Jacobian of the galvanostatic residual, J - u u^T / sum(u), as a shell over
/// c.control (J, u and sum(u) as the last Jacobian left them).
PetscErrorCode create_schur_jacobian(IonicPotential::Context& c, Mat* shell);

/// Fills c.control.coupling and .coupling_sum from the faces' part of the Jacobian's
/// diagonal (balanced, s dI/ddelta per row). Collective.
PetscErrorCode set_coupling(IonicPotential::Context& c, Vec face_diagonal);

} // namespace navox::ionic
