// PFHub benchmark 8(a), a single seed near the critical radius r* = 5: with
// the finite-volume Allen–Cahn term of physics/sodium/allen_cahn.hpp and the driving
// force of physics/sodium/phase_driving_force.hpp, a seed of 1.01 r* grows and one of
// 0.99 r* shrinks and vanishes, stepped implicitly (PETSc TSBDF, order 2).
//
// Symmetry: the benchmark's periodic square with the seed at its centre is
// mirror-symmetric about both axes through the seed and about its edges, so
// the quarter [0, L/2]² with zero-flux walls and the seed centred on the
// corner is the same discrete problem on the same cell centres (solid fraction
// equal, free energy ×4). CI runs a quarter of half-width 20 instead of 50 and
// stops a run once its outcome is settled (vanished, or grown to 2 r*); the
// seed never comes closer than ~10 interface widths to the far walls before
// that. NAVOX_PFHUB8_LONG=1 runs the benchmark size to t = 200 with the
// critical seed as well and prints the solid fraction against time
// (scripts/validate/pfhub8). PETSc options with the prefix -pfhub8_ reach the TS.
//
// navox-test: ranks=1 2 4
#include "mesh/stencil.hpp"
#include "solver/electrochemistry/two_point_row.hpp"
#include "verification/fixed_step_ts.hpp"
#include "verification/pfhub8.hpp"
#include "support/validate_line.hpp"

#include <gtest/gtest.h>
#include <mpi.h>
#include <petscdmda.h>
#include <petscts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace {

using navox::verification::Pfhub8a;

// A grid over the quarter [0, half]², and how far and finely to step it.
struct Grid {
  double half = 20;     // half the side of the benchmark's square
  double h = 0.25;      // cell size: δ/h = 5.7 (at h = 1 the 0.99 r* seed grows)
  double dt = 0.5;      // fixed step
  double t_end = 200;   // the benchmark's end time
  bool stop_early = true; // stop once vanished or grown past 2 r*

  bool is_default() const {
    const Grid d;
    return half == d.half && h == d.h && dt == d.dt && t_end == d.t_end && stop_early == d.stop_early;
  }
};

struct Sample {
  double t, fraction, energy, max_phi;
};

struct Problem {
  Pfhub8a bench;
  PetscInt n = 0; // cells per side
  double h = 0;
  bool stop_early = true;
  std::vector<Sample> series;
};

bool inside(const Problem& p, PetscInt i, PetscInt j) { return i >= 0 && i < p.n && j >= 0 && j < p.n; }

MatStencil cell(PetscInt i, PetscInt j) {
  MatStencil s{};
  s.i = i;
  s.j = j;
  return s;
}

// F(t, φ, φ̇) = φ̇ − [AllenCahn + driving force + Σ_f c (φ_N − φ_P)]; faces on
// the walls carry no flux (mirror symmetry), so they are simply left out.
PetscErrorCode ifunction(DMDALocalInfo* info, PetscReal, void* u_, void* udot_, void* f_, void* ctx) {
  PetscFunctionBeginUser;
  const auto& p = *static_cast<const Problem*>(ctx);
  const auto u = static_cast<const PetscScalar* const*>(u_);
  const auto udot = static_cast<const PetscScalar* const*>(udot_);
  auto f = static_cast<PetscScalar**>(f_);
  const double c = p.bench.ac.face_coefficient(p.h);
  for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
    for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
      const double phi = u[j][i];
      double rhs = p.bench.ac.bulk(phi) + p.bench.drive.bulk(phi);
      for (int face = 0; face < 4; ++face) { // the ±x, ±y faces
        const PetscInt in = i + navox::kFaceOffset[face][0], jn = j + navox::kFaceOffset[face][1];
        if (inside(p, in, jn)) rhs += c * (u[jn][in] - phi);
      }
      f[j][i] = udot[j][i] - rhs;
    }
  PetscFunctionReturn(0);
}

// dF/dφ + shift dF/dφ̇, exact.
PetscErrorCode ijacobian(DMDALocalInfo* info, PetscReal, void* u_, void*, PetscReal shift, Mat A, Mat P,
                         void* ctx) {
  PetscFunctionBeginUser;
  const auto& p = *static_cast<const Problem*>(ctx);
  const auto u = static_cast<const PetscScalar* const*>(u_);
  const double c = p.bench.ac.face_coefficient(p.h);
  for (PetscInt j = info->ys; j < info->ys + info->ym; ++j)
    for (PetscInt i = info->xs; i < info->xs + info->xm; ++i) {
      navox::TwoPointRow row(cell(i, j));
      row.add_self(shift - p.bench.ac.d_bulk(u[j][i]) - p.bench.drive.d_bulk(u[j][i]));
      for (int face = 0; face < 4; ++face) {
        const PetscInt in = i + navox::kFaceOffset[face][0], jn = j + navox::kFaceOffset[face][1];
        if (!inside(p, in, jn)) continue;
        row.add_self(c);
        row.add_neighbour(cell(in, jn), -c);
      }
      PetscCall(row.insert(P));
    }
  PetscCall(navox::finish_assembly(A, P));
  PetscFunctionReturn(0);
}

// Solid fraction Σφ h² / (half²), free energy of the full square
// 4 [Σ_cells (g − Δf p) h² + Σ_faces (δ²/4)(φ_N − φ_P)²] (W = 1; the gradient
// term κ/2 |∇φ|² with κ = δ²/2), and the largest φ.
PetscErrorCode measure(DM da, const Problem& p, Vec phi, double t, Sample* s) {
  PetscFunctionBeginUser;
  DMDALocalInfo info;
  PetscCall(DMDAGetLocalInfo(da, &info));
  Vec local;
  PetscCall(DMGetLocalVector(da, &local));
  PetscCall(DMGlobalToLocalBegin(da, phi, INSERT_VALUES, local));
  PetscCall(DMGlobalToLocalEnd(da, phi, INSERT_VALUES, local));
  const PetscScalar* const* u = nullptr;
  PetscCall(DMDAVecGetArrayRead(da, local, &u));
  const double grad = 0.25 * p.bench.ac.width * p.bench.ac.width;
  double sums[2] = {0, 0}; // Σφ, energy
  for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
    for (PetscInt i = info.xs; i < info.xs + info.xm; ++i) {
      sums[0] += u[j][i];
      sums[1] += p.bench.drive.energy(u[j][i]) * p.h * p.h;
      if (i < p.n - 1) sums[1] += grad * (u[j][i + 1] - u[j][i]) * (u[j][i + 1] - u[j][i]);
      if (j < p.n - 1) sums[1] += grad * (u[j + 1][i] - u[j][i]) * (u[j + 1][i] - u[j][i]);
    }
  PetscCall(DMDAVecRestoreArrayRead(da, local, &u));
  PetscCall(DMRestoreLocalVector(da, &local));
  double global[2];
  PetscCallMPI(MPI_Allreduce(sums, global, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  PetscReal max_phi = 0;
  PetscCall(VecMax(phi, nullptr, &max_phi));
  s->t = t;
  s->fraction = global[0] / double(p.n * p.n);
  s->energy = 4 * global[1];
  s->max_phi = max_phi;
  PetscFunctionReturn(0);
}

// Equivalent radius of the solid, from the area Y (2 half)² = π r².
double radius_of(double half, double fraction) { return 2 * half * std::sqrt(fraction / M_PI); }

// Records every step; with stop_early, ends the run once the seed has vanished
// (no cell above ½) or grown past twice the critical radius.
PetscErrorCode post_step(TS ts) {
  PetscFunctionBeginUser;
  Problem* p = nullptr;
  PetscCall(TSGetApplicationContext(ts, &p));
  DM da;
  Vec phi;
  PetscReal t;
  PetscCall(TSGetDM(ts, &da));
  PetscCall(TSGetSolution(ts, &phi));
  PetscCall(TSGetTime(ts, &t));
  Sample s{};
  PetscCall(measure(da, *p, phi, t, &s));
  p->series.push_back(s);
  if (p->stop_early && (s.max_phi < 0.5 || radius_of(double(p->n) * p->h, s.fraction) > 2 * p->bench.critical_radius()))
    PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
  PetscFunctionReturn(0);
}

// One seed of radius r0 on the quarter grid of `grid`; returns the recorded series.
PetscErrorCode run_seed(const Grid& grid, double r0, std::vector<Sample>* series) {
  PetscFunctionBeginUser;
  Problem p;
  p.n = PetscInt(std::lround(grid.half / grid.h));
  p.h = grid.half / double(p.n);
  p.stop_early = grid.stop_early;

  DM da;
  PetscCall(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, p.n, p.n,
                         PETSC_DECIDE, PETSC_DECIDE, 1, 1, nullptr, nullptr, &da));
  PetscCall(DMSetUp(da));
  Vec phi;
  PetscCall(DMCreateGlobalVector(da, &phi));
  {
    DMDALocalInfo info;
    PetscCall(DMDAGetLocalInfo(da, &info));
    PetscScalar** a = nullptr;
    PetscCall(DMDAVecGetArray(da, phi, &a));
    for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
      for (PetscInt i = info.xs; i < info.xs + info.xm; ++i)
        a[j][i] = p.bench.seed(std::hypot((i + 0.5) * p.h, (j + 0.5) * p.h), r0);
    PetscCall(DMDAVecRestoreArray(da, phi, &a));
  }
  Sample s0{};
  PetscCall(measure(da, p, phi, 0.0, &s0));
  p.series.push_back(s0);

  // BDF2 with a fixed step: second order and L-stable-like on the stiff
  // interface modes. Linear solves to 1e-8 only (Newton converges all the
  // same): tighter ones make the parallel runs latency-bound on Krylov
  // reductions (1e-14: ~10x slower at np2, the same figures to 1e-9).
  TS ts;
  const auto steps = PetscInt(std::ceil(grid.t_end / grid.dt - 1e-9));
  PetscCall(navox::verification::create_fixed_step_ts(da, "pfhub8_", TSBDF, ifunction, ijacobian, &p,
                                                      double(steps) * grid.dt, steps, 1e-8, &ts));
  PetscCall(TSBDFSetOrder(ts, 2));
  PetscCall(TSSetApplicationContext(ts, &p));
  PetscCall(TSSetPostStep(ts, post_step));
  PetscCall(TSSetFromOptions(ts));
  PetscCall(TSSolve(ts, phi));

  TSConvergedReason reason;
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCheck(reason > 0, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "TS failed (reason %d) at t = %g",
             int(reason), p.series.back().t);
  *series = p.series;

  PetscCall(TSDestroy(&ts));
  PetscCall(VecDestroy(&phi));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// The CI grid, or the benchmark size with NAVOX_PFHUB8_LONG=1; single
// settings can be overridden (NAVOX_PFHUB8_HALF, _H, _DT, _T_END).
Grid grid_from_environment() {
  Grid s;
  if (const char* v = env("NAVOX_PFHUB8_LONG"); v && std::string(v) != "0") {
    s.half = 50;
    s.stop_early = false;
  }
  if (const char* v = env("NAVOX_PFHUB8_HALF")) s.half = std::atof(v);
  if (const char* v = env("NAVOX_PFHUB8_H")) s.h = std::atof(v);
  if (const char* v = env("NAVOX_PFHUB8_DT")) s.dt = std::atof(v);
  if (const char* v = env("NAVOX_PFHUB8_T_END")) s.t_end = std::atof(v);
  return s;
}

bool long_mode() {
  const char* v = env("NAVOX_PFHUB8_LONG");
  return v && std::string(v) != "0";
}

// Prints the series of each seed side by side (they share the time points).
void print_series(const std::vector<double>& factors, const std::vector<std::vector<Sample>>& runs,
                  double every) {
  std::string head = "PFHub 8(a): solid fraction Y and free energy F\n      t";
  for (double f : factors) {
    char col[64];
    std::snprintf(col, sizeof col, "   Y(%.2fr*)      F(%.2fr*)", f, f);
    head += col;
  }
  EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "%s\n", head.c_str()), 0);
  std::size_t rows = 0;
  for (const auto& r : runs) rows = std::max(rows, r.size());
  double next = 0;
  for (std::size_t k = 0; k < rows; ++k) {
    double t = -1;
    for (const auto& r : runs)
      if (k < r.size()) t = r[k].t;
    if (t + 1e-9 < next && k + 1 < rows) continue;
    next = t + every;
    std::string line;
    char cell[64];
    std::snprintf(cell, sizeof cell, "%7.2f", t);
    line += cell;
    for (const auto& r : runs) {
      if (k < r.size())
        std::snprintf(cell, sizeof cell, "  %.6e %.6e", r[k].fraction, r[k].energy);
      else
        std::snprintf(cell, sizeof cell, "  %12s %12s", "-", "-");
      line += cell;
    }
    EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "%s\n", line.c_str()), 0);
  }
}

// The first sample in which the seed has no cell above ½, or s.size().
std::size_t vanished_at(const std::vector<Sample>& s) {
  return std::size_t(std::find_if(s.begin(), s.end(), [](const Sample& x) { return x.max_phi < 0.5; }) - s.begin());
}

// Index of the smallest solid fraction: where the seed, after the first
// relaxation of its tanh profile, turns to grow.
std::size_t turning_point(const std::vector<Sample>& s) {
  return std::size_t(std::min_element(s.begin(), s.end(), [](const Sample& a, const Sample& b) {
                        return a.fraction < b.fraction;
                      }) -
                      s.begin());
}

// Whether a seed of radius r0 grows: it reaches 2 r*, or its solid fraction
// still rises at the end of the run; it shrinks if it vanishes or falls.
bool grows(const Grid& grid, double r0) {
  std::vector<Sample> s;
  EXPECT_EQ(run_seed(grid, r0, &s), 0);
  if (s.size() < 2) return false;
  if (vanished_at(s) < s.size()) return false;
  return s.back().fraction > s[s.size() - 2].fraction;
}

TEST(Pfhub8a, SeedsBelowCriticalShrinkAndAboveGrow) {
  const Grid grid = grid_from_environment();
  const Pfhub8a bench;
  const double rc = bench.critical_radius();
  ASSERT_NEAR(rc, 5.0, 1e-12);
  const std::vector<double> factors = long_mode() ? std::vector<double>{0.99, 1.0, 1.01}
                                                  : std::vector<double>{0.99, 1.01};
  std::vector<std::vector<Sample>> runs(factors.size());
  for (std::size_t k = 0; k < factors.size(); ++k)
    ASSERT_EQ(run_seed(grid, factors[k] * rc, &runs[k]), 0) << "seed " << factors[k] << " r*";
  EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "quarter [0,%g]^2 of the %g x %g square, h = %g, dt = %g\n", grid.half,
                        2 * grid.half, 2 * grid.half, grid.h, grid.dt),
            0);
  print_series(factors, runs, long_mode() ? 2.0 : 10.0);

  // Subcritical: the solid fraction falls at every step until no cell is above
  // ½ (after that only round-off is left, ±1e-6 from BDF2's undershoot).
  const auto& small = runs.front();
  const std::size_t gone = vanished_at(small);
  ASSERT_LT(gone, small.size()) << "the 0.99 r* seed did not vanish by t = " << small.back().t;
  const double t_vanish = small[gone].t;
  for (std::size_t k = 1; k <= gone; ++k)
    ASSERT_LT(small[k].fraction, small[k - 1].fraction) << "0.99 r* seed, t = " << small[k].t;

  // Allen–Cahn is a gradient flow: the free energy never rises (to within
  // the nonlinear solver's tolerance). The subcritical seed is checked until it
  // has vanished: BDF2 is not unconditionally energy-stable, and in the step where
  // the last solid collapses its undershoot (Y about -2e-6 at the benchmark size,
  // NAVOX_PFHUB8_LONG=1) leaves a residue whose energy (about 4e-5, against 2.5 at
  // the start) rises by a few 1e-6 before it decays away.
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const std::size_t end = r == 0 ? gone + 1 : runs[r].size();
    for (std::size_t k = 1; k < end; ++k)
      ASSERT_LE(runs[r][k].energy, runs[r][k - 1].energy + 1e-9) << "seed " << factors[r] << " r*, t = " << runs[r][k].t;
  }

  // Supercritical: after the tanh profile relaxes (Y dips by < 1 % in the
  // first few time units) the solid fraction rises at every step to 2 r*.
  const auto& large = runs.back();
  const std::size_t turn = turning_point(large);
  EXPECT_LT(large[turn].t, 10.0);
  EXPECT_GT(large[turn].fraction, 0.99 * large.front().fraction);
  for (std::size_t k = turn + 1; k < large.size(); ++k)
    ASSERT_GT(large[k].fraction, large[k - 1].fraction) << "1.01 r* seed, t = " << large[k].t;
  const double r_end = radius_of(grid.half, large.back().fraction);
  if (grid.stop_early) {
    EXPECT_GT(r_end, 2 * rc) << "the 1.01 r* seed did not reach 2 r* by t = " << large.back().t;
  }
  EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "0.99 r*: vanished at t = %g; 1.01 r*: Y = %.8e (r = %.4f) at t = %g\n",
                        t_vanish, large.back().fraction, r_end, large.back().t),
            0);

  // The same answer on every rank count: the CI grid against its one-rank
  // figures (the fixed steps make the stopping times exact).
  if (!grid.is_default()) return;
  EXPECT_EQ(t_vanish, 87.0);
  EXPECT_EQ(large.back().t, 137.5);
  const std::size_t k50 = std::size_t(50.0 / grid.dt);
  EXPECT_NEAR(small[k50].fraction, 4.4309953663e-2, 1e-9);
  EXPECT_NEAR(large[k50].fraction, 5.9393370788e-2, 1e-9);
  EXPECT_NEAR(large.back().fraction, 1.9692611092e-1, 1e-9);
}

// The discrete critical radius of the seed family, by bisection on r0 to
// 0.1 % of r*, on the CI quarter at h = 0.5 (NAVOX_PFHUB8_CRITICAL_H="1 0.5
// 0.25" for others): 0.99 r* and 1.01 r* bracket it, so it is within 1 % of
// the sharp-interface r* = γ/Δf even on a grid twice as coarse as the test
// above, and the printed interval says where.
TEST(Pfhub8a, DiscreteCriticalRadiusIsWithinOnePercent) {
  int size = 1;
  ASSERT_EQ(MPI_Comm_size(PETSC_COMM_WORLD, &size), MPI_SUCCESS);
  if (size > 1 && !env("NAVOX_PFHUB8_CRITICAL_H"))
    GTEST_SKIP() << "seven serial-sized runs; the rank count is covered by the test above";
  const Pfhub8a bench;
  const double rc = bench.critical_radius();
  std::vector<double> spacings{0.5};
  if (const char* v = env("NAVOX_PFHUB8_CRITICAL_H")) {
    spacings.clear();
    std::istringstream in(v);
    for (double h; in >> h;) spacings.push_back(h);
  }
  for (double h : spacings) {
    Grid grid;
    grid.h = h;
    double lo = 0.99, hi = 1.01;
    const bool lo_grows = grows(grid, lo * rc), hi_grows = grows(grid, hi * rc);
    const bool bracketed = !lo_grows && hi_grows;
    while (bracketed && hi - lo > 1e-3) {
      const double mid = 0.5 * (lo + hi);
      (grows(grid, mid * rc) ? hi : lo) = mid;
    }
    if (bracketed)
      EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "h = %g: discrete r*/r* in [%.4f, %.4f]\n", h, lo, hi), 0);
    else
      EXPECT_EQ(PetscPrintf(PETSC_COMM_WORLD, "h = %g: discrete r*/r* %s\n", h,
                            lo_grows ? "< 0.99 (0.99 r* grows)" : "> 1.01 (1.01 r* shrinks)"),
                0);
    if (h <= 0.5) {
      EXPECT_TRUE(bracketed) << "h = " << h;
    }
    char what[96];
    std::snprintf(what, sizeof what, "PFHub 8a (nucleation): discrete critical radius, h = %g", h);
    if (bracketed)
      navox::test::validate_line(what, "r* within 1 % (h <= 0.5)", "[%.4f, %.4f] r*", lo, hi);
    else
      navox::test::validate_line(what, "r* within 1 % (h <= 0.5)", "%s", lo_grows ? "< 0.99 r*" : "> 1.01 r*");
  }
}

} // namespace
