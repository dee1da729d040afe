#include "solver/sodium/vacancies.hpp"

#include "mesh/collective.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/preallocated_aij.hpp"
#include "mesh/scatter.hpp"
#include "mesh/stencil.hpp"
#include "mesh/voxel_walk.hpp"
#include "mesh/block_access.hpp"
#include "mesh/reductions.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/app/log_events.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/sodium.hpp"
#include "solver/time/state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace navox {

namespace {

using physics::SodiumMetal;

/// A voxel whose metal fraction is this close to 1 is full: its void has closed.
constexpr double kFull = 1 - 1e-9;

} // namespace

Vacancies::Vacancies(const Grid& grid, Vec labels, const MaterialTable& materials, SodiumModel& sodium,
                     physics::VacancyDiffusion law, double critical_occupancy)
    : grid_(grid), labels_(labels), materials_(materials), sodium_(sodium), law_(law), critical_(critical_occupancy) {
  vacancy_ = new_scalar_vector(grid_);
  void_ = new_scalar_vector(grid_);
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(vacancy_), "vacancy"));
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(void_), "void"));
  rows_ = std::make_unique<OccupancyOperator>(grid_);
  NAVOX_CALL(KSPCreate(grid_.comm(), &ksp_));
  NAVOX_CALL(KSPSetOptionsPrefix(ksp_, "theta_"));
  NAVOX_CALL(KSPSetType(ksp_, KSPCG));
  NAVOX_CALL(KSPSetTolerances(ksp_, 1e-12, 1e-50, PETSC_DEFAULT, 1000));
  NAVOX_CALL(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  PC pc;
  NAVOX_CALL(KSPGetPC(ksp_, &pc));
  // Jacobi: the rows' scales span orders of magnitude (a voxel's capacity ξ/dt follows
  // its metal fraction), which GAMG's smoothers do not survive (indefinite Chebyshev
  // estimates on thin films); the system is diagonally dominant over a step, and the
  // iterations grow only as the diffusion length over a step in voxels.
  NAVOX_CALL(PCSetType(pc, PCJACOBI));
  NAVOX_CALL(KSPSetFromOptions(ksp_));
  // Jacobi and no preconditioner take the diagonal alone; any other gets the entries.
  PetscBool diagonal_only = PETSC_FALSE;
  NAVOX_CALL(PetscObjectTypeCompareAny(reinterpret_cast<PetscObject>(pc), &diagonal_only, PCJACOBI, PCNONE, ""));
  needs_entries_ = !diagonal_only;
  sodium_.strip_through_vacancies(vacancy_);
  sodium_.carry_with_lift(vacancy_, SodiumModel::Carried::amount);
  sodium_.carry_with_lift(void_, SodiumModel::Carried::flag);
}

Vacancies::~Vacancies() {
  if (ksp_) (void)KSPDestroy(&ksp_);
  if (assembled_) (void)MatDestroy(&assembled_);
  for (Vec* v : {&vacancy_, &void_})
    if (*v) (void)VecDestroy(v);
}

void Vacancies::register_state(State& state) {
  state.adopt_field("vacancy", vacancy_);
  state.adopt_field("void", void_);
  state.bind_real("vacancies_injected", injected_);
  state.bind_real("vacancies_condensed", condensed_);
  state.bind_real("vacancies_annihilated", annihilated_);
  state.bind_real("vacancies_crept", crept_);
}

void Vacancies::block_voids(IonicPotential& ionic) const {
  {
    // A voided voxel filled again (creep closing the void, Na moved in) touches the SE again.
    Owned vd(grid_, void_);
    OwnedRead xi(grid_, sodium_.xi());
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (vd(i, j, k) != 0 && xi(i, j, k) >= kFull) vd(i, j, k) = 0;
    });
  }
  Ghosted lab(grid_, labels_);
  Ghosted vd(grid_, void_);
  for_owned(grid_, [&](auto i, auto j, auto k) {
    if (materials_[static_cast<int>(lab(i, j, k))].phase != Phase::SE) return;
    for (int face = 0; face < 6; ++face) {
      std::int64_t ni, nj, nk;
      if (!neighbour(grid_, i, j, k, face, ni, nj, nk) || vd(ni, nj, nk) == 0) continue;
      ElectrodeFace* f = ionic.face_at(i, j, k, face);
      if (f) f->active_anodic = f->active_cathodic = f->metal_fraction = 0;
    }
  });
}

void Vacancies::solve_occupancy(Vec xi_vec, Vec theta, Vec rate, Vec sink, double dt) {
  ScopedEvent event(Event::vacancy_assembly);
  // Pointwise reads only: the operator exchanges the metal fractions' ghosts itself.
  ScalarVector b(grid_);
  {
    // ξ_P θ_P / dt + Σ g (θ_P − θ_N) + k ξ_P (θ_P − 1) = ξ_P θ_P^n / dt − r_P   (per voxel volume):
    // first the capacities and the metal fractions (in b), then the right-hand side.
    OwnedRead lab(grid_, labels_), xi(grid_, xi_vec), kx(grid_, sink);
    {
      Owned metal(grid_, b), cap(grid_, rows_->capacity());
      for_owned(grid_, [&](auto i, auto j, auto k) {
        const double x = xi(i, j, k);
        const bool in = holds_sodium(materials_[static_cast<int>(lab(i, j, k))].phase) && SodiumMetal::holds(x);
        metal(i, j, k) = in ? x : 0.0;
        if (in) cap(i, j, k) = x / dt + kx(i, j, k);
      });
    }
    rows_->set(b, law_);
    OwnedRead th(grid_, theta), r(grid_, rate);
    Owned rhs(grid_, b); // still the metal fractions, each replaced by its row's right-hand side
    for_owned(grid_, [&](auto i, auto j, auto k) {
      rhs(i, j, k) = rhs(i, j, k) > 0 ? xi(i, j, k) / dt * th(i, j, k) - r(i, j, k) + kx(i, j, k) : 1.0;
    });
  }
  if (needs_entries_) {
    if (assembled_) NAVOX_CALL(MatDestroy(&assembled_));
    assembled_ = assembled_rows(rows_->mat());
    NAVOX_CALL(MatSetOption(assembled_, MAT_SYMMETRIC, PETSC_TRUE));
  }
  NAVOX_CALL(KSPSetOperators(ksp_, rows_->mat(), needs_entries_ ? assembled_ : rows_->mat()));
  NAVOX_CALL(KSPSolve(ksp_, b, theta)); // from θ^n
  KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
  NAVOX_CALL(KSPGetConvergedReason(ksp_, &reason));
  NAVOX_CALL(KSPGetIterationNumber(ksp_, &iterations_));
  if (reason < 0)
    throw CollectiveError(std::string("vacancy (theta) solve failed: ") + KSPConvergedReasons[reason] + " after " +
                          std::to_string(iterations_) + " iterations");
}

double Vacancies::collapse_under_collector(double atoms) {
  // The Na shortens where it meets the collector, which follows it down: every connected
  // Na voxel on a CC face gives the same atom volume (lattice at its own θ, so its θ
  // stays), in a few passes as the thinnest run out; what is still owed then comes from
  // all connected Na in proportion to its atoms (Na that touches no collector).
  Ghosted lab(grid_, labels_);
  OwnedRead con(grid_, sodium_.connected());
  auto cc = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    return materials_[static_cast<int>(lab(i, j, k))].phase == Phase::CC;
  };
  Owned xi(grid_, sodium_.xi()), v(grid_, vacancy_);
  auto held = [&](std::int64_t i, std::int64_t j, std::int64_t k) { // atoms [voxel volumes]
    if (!holds_sodium(materials_[static_cast<int>(lab(i, j, k))].phase) || con(i, j, k) == 0) return 0.0;
    return std::max(0.0, xi(i, j, k) - v(i, j, k));
  };
  auto on_collector = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    for (int face = 0; face < 6; ++face) {
      std::int64_t ni, nj, nk;
      if (neighbour(grid_, i, j, k, face, ni, nj, nk) && cc(ni, nj, nk)) return true;
    }
    return false;
  };
  double vacancies_gone = 0;
  auto take = [&](std::int64_t i, std::int64_t j, std::int64_t k, double a) {
    const double theta = held(i, j, k) / xi(i, j, k), lattice = std::min(xi(i, j, k), a / theta);
    const double vac = lattice * (1 - theta);
    xi(i, j, k) -= lattice;
    v(i, j, k) -= vac;
    vacancies_gone += vac;
  };
  for (int pass = 0; pass < 8 && atoms > 0; ++pass) {
    long givers = 0, all = 0;
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (held(i, j, k) > SodiumMetal::kTolerance && on_collector(i, j, k)) ++givers;
    });
    MPI_Allreduce(&givers, &all, 1, MPI_LONG, MPI_SUM, grid_.comm());
    if (all == 0) break;
    const double each = atoms / double(all);
    double taken = 0;
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double a = held(i, j, k);
      if (!(a > SodiumMetal::kTolerance) || !on_collector(i, j, k)) return;
      const double t = std::min(each, a);
      take(i, j, k, t);
      taken += t;
    });
    atoms -= global_sum(grid_, taken);
  }
  if (atoms > 1e-15) {
    double total = 0;
    for_owned(grid_, [&](auto i, auto j, auto k) { total += held(i, j, k); });
    total = global_sum(grid_, total);
    const double share = total > 0 ? std::min(1.0, atoms / total) : 0.0;
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (held(i, j, k) > SodiumMetal::kTolerance) take(i, j, k, share * held(i, j, k));
    });
  }
  return global_sum(grid_, vacancies_gone);
}

VacancyStep Vacancies::advance(const IonicPotential& ionic, double dt) {
  ScopedEvent event(Event::vacancies);
  const auto& h = grid_.spec().spacing;
  Vec xi_vec = sodium_.xi();

  // 1. What the Na model's deposit() exchanged with each Na voxel's lattice: stripped
  // atoms leave vacancies, injected over the step (a rate); plated atoms fill the
  // voxel's vacant sites (deposit() has already put what they could not take in ξ, as
  // without vacancies; beyond them here only where the settling's lift moved the sites:
  // ξ grows, settling gives it room). Plating fills only the voxel at the face: θ ≤ 1 is
  // kept without an obstacle problem, and the vacancies further in diffuse to it.
  ScalarVector rate(grid_);
  double grown = 0, filled = 0;
  {
    Owned r(grid_, rate), v(grid_, vacancy_), xi(grid_, xi_vec);
    OwnedRead exchange(grid_, sodium_.lattice_exchange());
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double e = exchange(i, j, k);
      if (e < 0) r(i, j, k) = -e / dt;
      if (!(e > 0)) return;
      const double fill = std::clamp(v(i, j, k), 0.0, e);
      v(i, j, k) -= fill;
      filled += fill;
      xi(i, j, k) += e - fill;
      grown += e - fill;
    });
  }
  grown = global_sum(grid_, grown);
  injected_ -= global_sum(grid_, filled); // net: plating took these vacancies back

  // θ^n from v, after booking vacancies that lost their lattice (Na moved or cleaned away).
  ScalarVector theta(grid_);
  double lost = 0, injected = 0;
  {
    OwnedRead lab(grid_, labels_);
    Owned v(grid_, vacancy_), th(grid_, theta);
    OwnedRead r(grid_, rate), xi(grid_, xi_vec);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      const double x = xi(i, j, k);
      double& vac = v(i, j, k);
      injected += r(i, j, k) * dt;
      th(i, j, k) = 1;
      if (!holds_sodium(materials_[static_cast<int>(lab(i, j, k))].phase) || !SodiumMetal::holds(x)) {
        lost += vac, vac = 0;
        return;
      }
      if (vac > x) lost += vac - x, vac = x;
      if (vac < 0) lost += vac, vac = 0;
      th(i, j, k) = 1 - vac / x;
    });
  }
  annihilated_ += global_sum(grid_, lost);
  injected_ += global_sum(grid_, injected);
  ScalarVector theta_old(grid_);
  NAVOX_CALL(VecCopy(theta, theta_old));

  // Creep: in Na connected to the collector (which carries the stack load) vacant sites
  // close at the rate voids close under that pressure, k = −ln(1 − share)/dt with the
  // share of the Na model's compaction (SodiumModel::closure_share()); a sink k ξ (1 − θ)
  // in the θ equation, implicit like the diffusion. Share 1 (no stack pressure in the
  // deck, the fast-creep limit) closes them within the step: k dt = 50.
  const double share = sodium_.closure_share();
  const double k_dt = share >= 1 ? 50.0 : -std::log1p(-share);
  sink_rate_ = k_dt / dt;
  ScalarVector sink(grid_); // k ξ [1/s]
  if (k_dt > 0) {
    OwnedRead lab(grid_, labels_), xi(grid_, xi_vec), con(grid_, sodium_.connected());
    Owned kx(grid_, sink);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (holds_sodium(materials_[static_cast<int>(lab(i, j, k))].phase) && con(i, j, k) != 0)
        kx(i, j, k) = k_dt / dt * xi(i, j, k);
    });
  }

  // 2. θ^{n+1}; then v from the fluxes of the solved θ (atoms conserved to rounding).
  solve_occupancy(xi_vec, theta, rate, sink, dt);
  VacancyStep out;
  double max_change = 0, crept = 0;
  {
    // The atoms diffusion carried into each voxel [voxel volumes per s], by the rows' own
    // couplings: what one voxel gains its neighbour loses.
    ScalarVector inflow(grid_);
    rows_->inflow(theta, inflow);
    OwnedRead lab(grid_, labels_), xi(grid_, xi_vec), th(grid_, theta), r(grid_, rate), kx(grid_, sink),
        q(grid_, inflow);
    Owned v(grid_, vacancy_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (!holds_sodium(materials_[static_cast<int>(lab(i, j, k))].phase) || !SodiumMetal::holds(xi(i, j, k))) return;
      const double closed = dt * kx(i, j, k) * (1 - th(i, j, k));
      const double before = 1 - v(i, j, k) / xi(i, j, k);
      v(i, j, k) += dt * (r(i, j, k) - q(i, j, k)) - closed;
      crept += closed;
      max_change = std::max(max_change, std::abs(1 - v(i, j, k) / xi(i, j, k) - before));
    });
  }

  // 3. Faces whose occupancy reaches θ_c: the share of the step at which they did,
  // and their voxels, which void.
  rate.release();
  ScalarVector marks(grid_);
  double onset = 1, areas[2] = {0, 0}; // stripping contact, and the part of it that voids
  {
    Ghosted lab(grid_, labels_);
    Ghosted vd(grid_, void_), th_new(grid_, theta), th_old(grid_, theta_old), kx(grid_, sink), xi(grid_, xi_vec);
    Scatter s(grid_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (materials_[static_cast<int>(lab(i, j, k))].phase != Phase::SE) return;
      for (int face = 0; face < 6; ++face) {
        std::int64_t ni, nj, nk;
        if (!neighbour(grid_, i, j, k, face, ni, nj, nk) || vd(ni, nj, nk) != 0) continue;
        const ElectrodeFace* fp = ionic.face_at(i, j, k, face);
        if (!fp) continue; // SE|SE
        const ElectrodeFace& f = *fp;
        if (!(f.faradaic > 0) || !holds_sodium(materials_[static_cast<int>(lab(ni, nj, nk))].phase)) continue;
        const double area = face_area(h, face), depth = h[face_axis(face)];
        const double k = SodiumMetal::holds(xi(ni, nj, nk)) ? kx(ni, nj, nk) / xi(ni, nj, nk) : 0.0;
        const double before = law_.face_occupancy(th_old(ni, nj, nk), f.faradaic, area, depth, k);
        const double after = law_.face_occupancy(th_new(ni, nj, nk), f.faradaic, area, depth, k);
        // (Not in max_change: a face's θ jumps with the current moving onto it; the crossings
        // are timed by the retry below, the voxels' θ by max_change.)
        areas[0] += area;
        if (after > critical_) continue;
        areas[1] += area;
        s.add(ni, nj, nk, 1.0);
        onset = std::min(onset, before > after ? std::clamp((before - critical_) / (before - after), 0.0, 1.0) : 0.0);
      }
    });
    s.finish(marks);
  }
  MPI_Allreduce(&max_change, &out.max_change, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
  MPI_Allreduce(&onset, &out.onset_share, 1, MPI_DOUBLE, MPI_MIN, grid_.comm());
  double global_areas[2] = {0, 0};
  MPI_Allreduce(areas, global_areas, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  out.voided_share = global_areas[0] > 0 ? global_areas[1] / global_areas[0] : 0.0;

  // The vacancies of a voiding voxel condense into empty space next to the SE.
  long opened = 0;
  double condensed = 0;
  {
    OwnedRead m(grid_, marks);
    Owned v(grid_, vacancy_), vd(grid_, void_), xi(grid_, xi_vec);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (m(i, j, k) == 0) return;
      ++opened;
      vd(i, j, k) = 1;
      condensed += v(i, j, k);
      xi(i, j, k) -= v(i, j, k);
      v(i, j, k) = 0;
    });
  }
  MPI_Allreduce(&opened, &out.new_voids, 1, MPI_LONG, MPI_SUM, grid_.comm());
  condensed_ += global_sum(grid_, condensed);
  // The lattice creep closed leaves the Na where it meets the collector; settling
  // lowers the collector onto it when a whole layer has emptied, and gives the lattice
  // plating built room. A vacant content below 0 is the solver's rounding (θ a hair
  // above 1): booked with the annihilated sites.
  double rounding = 0;
  {
    Owned v(grid_, vacancy_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (v(i, j, k) < 0) rounding += v(i, j, k), v(i, j, k) = 0;
    });
  }
  annihilated_ += global_sum(grid_, rounding);
  const double crept_now = global_sum(grid_, crept);
  crept_ += crept_now;
  if (crept_now > 0) crept_ += collapse_under_collector(crept_now);
  if (crept_now > 0 || grown > 0)
    out.lifts = sodium_.settle().lifts;
  else if (out.new_voids > 0)
    sodium_.clean();
  return out;
}

VoidCensus Vacancies::census(const IonicPotential& ionic) const {
  const auto& h = grid_.spec().spacing;
  Ghosted lab(grid_, labels_);
  Ghosted xi(grid_, sodium_.xi()), v(grid_, vacancy_), vd(grid_, void_), con(grid_, sodium_.connected());
  double local[2] = {0, 0}, theta_min = 1;
  for_owned(grid_, [&](auto i, auto j, auto k) {
    const Material& m = materials_[static_cast<int>(lab(i, j, k))];
    if (holds_sodium(m.phase) && SodiumMetal::holds(xi(i, j, k)))
      theta_min = std::min(theta_min, 1 - v(i, j, k) / xi(i, j, k));
    if (m.phase != Phase::SE) return;
    for (int face = 0; face < 6; ++face) {
      std::int64_t ni, nj, nk;
      if (!neighbour(grid_, i, j, k, face, ni, nj, nk)) continue;
      if (!holds_sodium(materials_[static_cast<int>(lab(ni, nj, nk))].phase)) continue;
      const double area = face_area(h, face);
      if (vd(ni, nj, nk) != 0) { local[0] += area; continue; }
      const double x = xi(ni, nj, nk);
      if (!SodiumMetal::holds(x)) continue;
      local[1] += area;
      const ElectrodeFace& f = *ionic.face_at(i, j, k, face); // SE|Na: an electrode face
      const double theta = 1 - v(ni, nj, nk) / x;
      const double k = con(ni, nj, nk) != 0 ? sink_rate_ : 0.0;
      theta_min = std::min(theta_min, f.faradaic > 0 ? law_.face_occupancy(theta, f.faradaic, area, h[face_axis(face)], k)
                                                     : theta);
    }
  });
  VoidCensus c;
  double global[2] = {0, 0};
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  MPI_Allreduce(&theta_min, &c.theta_min, 1, MPI_DOUBLE, MPI_MIN, grid_.comm());
  c.void_area = global[0];
  c.contact_area = global[1];
  return c;
}

std::vector<double> Vacancies::occupancy() const {
  std::vector<double> xi = scalar_block(grid_, sodium_.xi()), v = scalar_block(grid_, vacancy_);
  const std::vector<double> lab = scalar_block(grid_, labels_);
  for (std::size_t n = 0; n < xi.size(); ++n)
    xi[n] = holds_sodium(materials_[static_cast<int>(lab[n])].phase) && SodiumMetal::holds(xi[n])
                ? 1 - v[n] / xi[n]
                : std::numeric_limits<double>::quiet_NaN();
  return xi;
}

std::vector<double> Vacancies::voids() const { return scalar_block(grid_, void_); }

double Vacancies::vacant_volume() const {
  PetscScalar s = 0;
  NAVOX_CALL(VecSum(vacancy_, &s));
  return s;
}

} // namespace navox
