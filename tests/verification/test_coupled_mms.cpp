// Manufactured solution for the coupled ionic potential φ and Na phase field ξ
// (tests/verification/coupled_mms.hpp): both fields on one DMDA with two
// named fields, "phi" and "xi", advanced by PETSc's BDF2 (TSBDF) as an index-1
// DAE: the φ rows carry no time derivative, so φ is re-solved as a constraint
// at every stage. Both fields converge at second order in h with dt ∝ h.
//
// The residual is built only from the project's pointwise terms: the face
// flux of physics/electrochemistry/ionic_conduction.hpp (between SE voxels, and to the z = 0
// electrode), the Allen–Cahn term of physics/sodium/allen_cahn.hpp, the diffuse
// Butler–Volmer exchange and the ξ-dependent conductivity of
// physics/electrochemistry/diffuse_electrode.hpp and Ω_Na/F of physics/sodium/sodium_metal.hpp. The
// sources restate the pointwise laws independently, so a wrong sign or factor
// in any of them costs the order (and the negative control below shows the
// check can fail: dropping the coupling from the solver alone leaves an O(1)
// error). Jacobian: finite differences coloured by the DMDA stencil. Linear
// solver: GMRES preconditioned by PCFIELDSPLIT over the named fields; PETSc
// options with the prefix -coupled_ reach the TS, SNES and KSP (e.g.
// -coupled_fieldsplit_phi_pc_type gamg, -coupled_pc_fieldsplit_type additive).
//
// Default grids 6³, 12³, 24³ (about 5 s on one core); NAVOX_COUPLED_MMS_GRIDS="12 24 48"
// runs others (scripts/validate/coupled_mms). Cells per side must be multiples
// of 3: PETSc colours a periodic DMDA only then.
//
// navox-test: ranks=1 2 4
#include "physics/sodium/allen_cahn.hpp"
#include "physics/electrochemistry/diffuse_electrode.hpp"
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "physics/electrochemistry/ionic_conduction.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "verification/coupled_mms.hpp"
#include "verification/fixed_steps.hpp"
#include "support/validate_line.hpp"

#include <gtest/gtest.h>
#include <mpi.h>
#include <petscdmda.h>
#include <petscts.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

using navox::physics::AllenCahn;
using navox::physics::DiffuseElectrode;
using navox::physics::InterfaceKinetics;
using navox::physics::IonicConduction;
using navox::physics::SodiumMetal;
using navox::verification::check_reached;
using navox::verification::CoupledMms;
using navox::verification::set_fixed_steps;

constexpr double kEndTime = 100.0; // [s]

// One voxel's unknowns, in the DMDA's field order.
struct Cell {
  PetscScalar phi, xi;
};

struct Problem {
  CoupledMms mms;
  AllenCahn ac;
  InterfaceKinetics kinetics;
  DiffuseElectrode electrode;
  SodiumMetal sodium;
  double coupling = 1; // 0 drops j from the solver (not from the sources): the negative control
  PetscInt n = 0;      // cells per side
  double h = 0;        // voxel size [m]
  // f_φ, f_ξ at the owned cell centres and φ* on the owned part of the z = 0
  // electrode, at forcing_time: a coloured Jacobian evaluates the residual many
  // times per stage, always at the same t.
  double forcing_time = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> f_phi, f_xi, phi_electrode;

  explicit Problem(PetscInt cells, double coupling_scale) : coupling(coupling_scale), n(cells) {
    h = mms.length / double(n);
    ac.rate = mms.rate;
    ac.width = mms.width;
    kinetics.exchange_current = mms.exchange_current;
    kinetics.alpha_anodic = mms.alpha_anodic;
    kinetics.alpha_cathodic = mms.alpha_cathodic;
    kinetics.temperature = mms.temperature;
    electrode.width = mms.width;
    electrode.residual_fraction = mms.residual_fraction;
    sodium.molar_volume = mms.molar_volume;
  }
  double centre(PetscInt i) const { return (double(i) + 0.5) * h; }
};

void update_forcing(Problem& p, const DMDALocalInfo& info, double t) {
  if (t == p.forcing_time)
    return;
  p.forcing_time = t;
  p.f_phi.clear();
  p.f_xi.clear();
  p.phi_electrode.clear();
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
        const double x = p.centre(i), y = p.centre(j), z = p.centre(k);
        p.f_phi.push_back(p.mms.source_phi(x, y, z, t));
        p.f_xi.push_back(p.mms.source_xi(x, y, z, t));
        if (k == 0)
          p.phi_electrode.push_back(p.mms.phi(x, y, 0.0, t));
      }
}

// F(t, u, u̇) per voxel P, with the flux sums over its six faces:
//   φ row:  [Σ_f I_f + h³ (c j(φ_P, ξ_P) − f_φ)] / (σ_SE h)            (no u̇: a constraint)
//   ξ row:  ξ̇_P − [−k g'(ξ_P) + Σ_f c_f (ξ_N − ξ_P) − c (Ω/F) j + f_ξ]
// I_f is IonicConduction::between with the two voxels' σ(ξ) (harmonic mean),
// or to_electrode on the z = 0 face (φ* there, half a voxel away); the top
// face carries no current and neither z face any ξ flux. x and y are periodic.
// The φ rows are scaled to volts so that both fields weigh alike in the norms.
PetscErrorCode ifunction(DMDALocalInfo* info, PetscReal t, void* u_, void* udot_, void* f_, void* ctx) {
  PetscFunctionBeginUser;
  auto& p = *static_cast<Problem*>(ctx);
  update_forcing(p, *info, t);
  const auto u = static_cast<const Cell* const* const*>(u_);
  const auto udot = static_cast<const Cell* const* const*>(udot_);
  auto f = static_cast<Cell***>(f_);
  const double area = p.h * p.h, volume = area * p.h;
  const double c_face = p.ac.face_coefficient(p.h);
  const double row_scale = 1.0 / (p.mms.sigma_se * p.h);
  std::size_t cell = 0, bottom = 0;
  for (PetscInt k = info->zs; k < info->zs + info->zm; ++k)
    for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
      for (PetscInt i = info->xs; i < info->xs + info->xm; ++i, ++cell) {
        const Cell& c = u[k][j][i];
        const double sigma = p.electrode.conductivity(p.mms.sigma_se, c.xi);
        double current = 0, exchange = 0;
        auto face = [&](const Cell& nb) {
          const double sigma_n = p.electrode.conductivity(p.mms.sigma_se, nb.xi);
          current += IonicConduction::between(c.phi, nb.phi, sigma, sigma_n, area, p.h).value;
          exchange += c_face * (nb.xi - c.xi);
        };
        face(u[k][j][i - 1]);
        face(u[k][j][i + 1]);
        face(u[k][j - 1][i]);
        face(u[k][j + 1][i]);
        if (k > 0)
          face(u[k - 1][j][i]);
        else
          current += IonicConduction::to_electrode(c.phi, p.phi_electrode[bottom++], sigma, area, p.h).value;
        if (k < p.n - 1)
          face(u[k + 1][j][i]);
        const double j_f = p.coupling * p.electrode.current(p.kinetics, p.mms.electrode_potential, c.phi, c.xi);
        f[k][j][i].phi = (current + volume * (j_f - p.f_phi[cell])) * row_scale;
        const double rhs =
            p.ac.bulk(c.xi) + exchange - p.sodium.thickness_per_charge() * j_f + p.f_xi[cell];
        f[k][j][i].xi = udot[k][j][i].xi - rhs;
      }
  PetscFunctionReturn(0);
}

// Fills v with (φ*, ξ*)(·, t) at the owned cell centres.
PetscErrorCode fill_exact(DM da, const Problem& p, double t, Vec v) {
  PetscFunctionBeginUser;
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(da, &info));
  Cell*** a = nullptr;
  PetscCall(DMDAVecGetArray(da, v, &a));
  for (PetscInt k = info.zs; k < info.zs + info.zm; ++k)
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
        const double x = p.centre(i), y = p.centre(j), z = p.centre(k);
        a[k][j][i] = {p.mms.phi(x, y, z, t), p.mms.xi(x, y, z, t)};
      }
  PetscCall(DMDAVecRestoreArray(da, v, &a));
  PetscFunctionReturn(0);
}

struct Errors {
  PetscInt n = 0;
  double phi = 0, xi = 0;           // RMS errors at t_end [V], [-]
  PetscInt snes_its = 0, ksp_its = 0; // totals over all steps
  std::vector<std::string> splits;  // option prefixes of the fieldsplit blocks
};

// Solves on an n³ grid on `comm` from the exact state at t = 0 to kEndTime in
// n steps (dt ∝ h) and returns the RMS errors sqrt(Σ e² h³ / L³) of both fields.
PetscErrorCode solve(MPI_Comm comm, PetscInt n, double coupling, Errors* run) {
  PetscFunctionBeginUser;
  // PETSc's colouring of a periodic DMDA needs n divisible by 2 × stencil width + 1
  // (3.18 does not check this for TS and crashes in MatFDColoringApply).
  PetscCheck(n % 3 == 0, comm, PETSC_ERR_ARG_WRONG, "grid %d: cells per side must be a multiple of 3", int(n));
  Problem p(n, coupling);
  run->n = n;
  DM da;
  PetscCall(DMDACreate3d(comm, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_NONE,
                         DMDA_STENCIL_STAR, n, n, n, PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 2, 1, nullptr,
                         nullptr, nullptr, &da));
  PetscCall(DMSetUp(da));
  PetscCall(DMDASetFieldName(da, 0, "phi"));
  PetscCall(DMDASetFieldName(da, 1, "xi"));
  Vec u, exact;
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(VecDuplicate(u, &exact));
  PetscCall(fill_exact(da, p, 0.0, u));

  TS ts;
  PetscCall(TSCreate(comm, &ts));
  PetscCall(TSSetDM(ts, da));
  PetscCall(TSSetOptionsPrefix(ts, "coupled_"));
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(TSSetEquationType(ts, TS_EQ_DAE_IMPLICIT_INDEX1));
  PetscCall(DMDATSSetIFunctionLocal(da, INSERT_VALUES, ifunction, &p));
  Mat J;
  PetscCall(DMCreateMatrix(da, &J));
  PetscCall(TSSetIJacobian(ts, J, J, TSComputeIJacobianDefaultColor, nullptr));
  // BDF2 is stiffly accurate, so the algebraic φ rows hold exactly at every step
  // (Crank–Nicolson would only average them over the step ends).
  PetscCall(TSSetType(ts, TSBDF));
  PetscCall(TSBDFSetOrder(ts, 2));
  PetscCall(set_fixed_steps(ts, kEndTime, n));
  // Tolerances far below the discretisation error, so that the errors agree
  // across rank counts (different block-Jacobi preconditioners) to 1e-8.
  SNES snes;
  KSP ksp;
  PC pc;
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESSetTolerances(snes, 1e-14, 1e-11, 1e-14, 20, PETSC_DEFAULT));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPGMRES));
  PetscCall(KSPSetTolerances(ksp, 1e-11, 1e-16, PETSC_DEFAULT, 500));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCFIELDSPLIT)); // splits from the DM's field names: "phi", "xi"
  PetscCall(TSSetFromOptions(ts));
  PetscCall(TSSolve(ts, u));

  PetscCall(check_reached(ts, kEndTime));
  PetscCall(TSGetSNESIterations(ts, &run->snes_its));
  PetscCall(TSGetKSPIterations(ts, &run->ksp_its));
  PetscBool is_split = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCFIELDSPLIT, &is_split));
  if (is_split) {
    PetscInt nsplit = 0;
    KSP* sub = nullptr;
    PetscCall(PCFieldSplitGetSubKSP(pc, &nsplit, &sub));
    for (PetscInt s = 0; s < nsplit; ++s) {
      const char* prefix = nullptr;
      PetscCall(KSPGetOptionsPrefix(sub[s], &prefix));
      run->splits.emplace_back(prefix ? prefix : "");
    }
    PetscCall(PetscFree(sub));
  }

  PetscCall(fill_exact(da, p, kEndTime, exact));
  PetscCall(VecAXPY(u, -1.0, exact));
  const double scale = std::sqrt(std::pow(p.h / p.mms.length, 3));
  PetscReal e_phi = 0, e_xi = 0;
  PetscCall(VecStrideNorm(u, 0, NORM_2, &e_phi)); // global over all ranks
  PetscCall(VecStrideNorm(u, 1, NORM_2, &e_xi));
  run->phi = e_phi * scale;
  run->xi = e_xi * scale;

  PetscCall(MatDestroy(&J));
  PetscCall(TSDestroy(&ts));
  PetscCall(VecDestroy(&exact));
  PetscCall(VecDestroy(&u));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

double order(double e_coarse, double e_fine, PetscInt n_coarse, PetscInt n_fine) {
  return std::log(e_coarse / e_fine) / std::log(double(n_fine) / double(n_coarse));
}

// Runs the grids, prints the table, returns the errors.
std::vector<Errors> study(const std::vector<PetscInt>& grids, double coupling) {
  std::vector<Errors> runs;
  EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD,
                        "coupled phi-xi MMS, t_end = %g s, dt = t_end/n, BDF2%s\n%6s %10s %13s %7s %13s %7s %6s %6s\n",
                        kEndTime, coupling == 1 ? "" : " (coupling dropped from the solver)", "grid", "h [um]",
                        "phi err [V]", "order", "xi err", "order", "SNES", "KSP"),
            0);
  for (PetscInt n : grids) {
    Errors r;
    if (solve(PETSC_COMM_WORLD, n, coupling, &r) != 0) {
      ADD_FAILURE() << "coupled MMS solve failed on " << n << "^3";
      return runs; // the caller's size check stops the test
    }
    runs.push_back(r);
    const double h_um = CoupledMms{}.length / double(n) * 1e6;
    if (runs.size() > 1) {
      const Errors& c = runs[runs.size() - 2];
      EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "%4d^3 %10.4f %13.6e %7.3f %13.6e %7.3f %6d %6d\n", int(n), h_um,
                            r.phi, order(c.phi, r.phi, c.n, n), r.xi, order(c.xi, r.xi, c.n, n),
                            int(r.snes_its), int(r.ksp_its)),
                0);
    } else {
      EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "%4d^3 %10.4f %13.6e %7s %13.6e %7s %6d %6d\n", int(n), h_um, r.phi,
                            "-", r.xi, "-", int(r.snes_its), int(r.ksp_its)),
                0);
    }
  }
  return runs;
}

std::vector<PetscInt> grids_from_environment() {
  std::vector<PetscInt> grids{6, 12, 24};
  if (const char* v = std::getenv("NAVOX_COUPLED_MMS_GRIDS"); v && *v) {
    grids.clear();
    std::istringstream in(v);
    for (long n; in >> n;)
      grids.push_back(PetscInt(n));
  }
  return grids;
}

TEST(CoupledMms, SecondOrderInBothFields) {
  const auto grids = grids_from_environment();
  ASSERT_GE(grids.size(), 2u);
  const auto runs = study(grids, 1.0);
  ASSERT_EQ(runs.size(), grids.size());
  const Errors& c = runs[runs.size() - 2];
  const Errors& f = runs.back();
  EXPECT_GE(order(c.phi, f.phi, c.n, f.n), 1.8) << "observed order of phi on the two finest grids";
  EXPECT_GE(order(c.xi, f.xi, c.n, f.n), 1.8) << "observed order of xi on the two finest grids";
  navox::test::validate_line("coupled phi-xi manufactured solution: order of phi, xi on the two finest grids",
                             "2 (>= 1.8)", "%.3f, %.3f (%d^3)", order(c.phi, f.phi, c.n, f.n),
                             order(c.xi, f.xi, c.n, f.n), int(f.n));
  // The solver really split by the DM's field names (so -coupled_fieldsplit_phi_* reaches it).
  const std::vector<std::string> want{"coupled_fieldsplit_phi_", "coupled_fieldsplit_xi_"};
  EXPECT_EQ(f.splits, want);
}

// The check above can fail: with j dropped from the solver's equations but
// kept in the sources, the discrete solution converges to another problem and
// the error stalls at O(1) of the amplitudes.
TEST(CoupledMms, NegativeControlWithoutCouplingDoesNotConverge) {
  const auto runs = study({6, 12}, 0.0);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_LT(order(runs[0].phi, runs[1].phi, 6, 12), 0.5);
  EXPECT_LT(order(runs[0].xi, runs[1].xi, 6, 12), 0.5);
}

// Rank count: the same 12³ problem on 1, 2, ... ranks of this run (sub-communicators
// of the first ranks) gives the same errors to 1e-8, whatever the partition
// (at np 4: 1, 2 and 4 ranks; at np 1 the check is trivially met).
TEST(CoupledMms, SameErrorsOnEveryRankCount) {
  int rank = 0, size = 1;
  ASSERT_EQ(MPI_Comm_rank(PETSC_COMM_WORLD, &rank), MPI_SUCCESS);
  ASSERT_EQ(MPI_Comm_size(PETSC_COMM_WORLD, &size), MPI_SUCCESS);
  std::vector<int> sizes;
  for (int s = 1; s < size; s *= 2)
    sizes.push_back(s);
  sizes.push_back(size);
  std::vector<Errors> runs;
  for (int s : sizes) {
    MPI_Comm sub = MPI_COMM_NULL;
    ASSERT_EQ(MPI_Comm_split(PETSC_COMM_WORLD, rank < s ? 0 : MPI_UNDEFINED, rank, &sub), MPI_SUCCESS);
    Errors r;
    int ok = 1;
    if (sub != MPI_COMM_NULL) {
      ok = solve(sub, 12, 1.0, &r) == 0;
      ASSERT_EQ(MPI_Comm_free(&sub), MPI_SUCCESS);
    }
    double errors[2] = {r.phi, r.xi};
    ASSERT_EQ(MPI_Bcast(errors, 2, MPI_DOUBLE, 0, PETSC_COMM_WORLD), MPI_SUCCESS);
    ASSERT_EQ(MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD), MPI_SUCCESS);
    ASSERT_TRUE(ok) << "solve on " << s << " ranks failed";
    r.phi = errors[0];
    r.xi = errors[1];
    EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "12^3 on %d rank(s): phi err %.12e, xi err %.12e\n", s, r.phi, r.xi),
              0);
    runs.push_back(r);
  }
  for (const Errors& r : runs) {
    EXPECT_NEAR(r.phi, runs.front().phi, 1e-8 * runs.front().phi);
    EXPECT_NEAR(r.xi, runs.front().xi, 1e-8 * runs.front().xi);
  }
}

} // namespace
