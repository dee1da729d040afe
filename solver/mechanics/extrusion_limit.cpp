#include "solver/mechanics/extrusion_limit.hpp"

#include "mesh/error.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace navox {

namespace {
constexpr double kTiny = physics::SodiumMetal::kTolerance; ///< the settling's "no Na / no room" tolerance
} // namespace

ExtrusionLimit::ExtrusionLimit(const Grid& grid, const MaterialTable& materials, const physics::PowerLawCreep& law)
    : grid_(grid), materials_(materials), law_(law) {}

double ExtrusionLimit::share(Vec labels, Vec xi, Vec excess, Vec confined, double bearing_pressure,
                             double temperature, double dt) {
  share_ = 1;
  pressure_ = 0;
  iterations_ = 0;
  bool placed = false;
  ScalarVector cells(grid_), source(grid_), total(grid_);
  NAVOX_CALL(VecWAXPY(total, 1.0, xi, excess));
  int walled = 0, open = 0; // some surplus walled in; some full Na beside room
  {
    Ghosted lab(grid_, labels), tot(grid_, total);
    Owned c(grid_, cells), s(grid_, source);
    auto holds = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      const Phase p = materials_[static_cast<int>(lab(i, j, k))].phase;
      return p == Phase::PORE || p == Phase::NA;
    };
    auto room = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      return holds(i, j, k) && tot(i, j, k) < 1 - kTiny;
    };
    std::optional<OwnedRead> closed;
    if (confined) closed.emplace(grid_, confined);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      c(i, j, k) = !holds(i, j, k) ? CreepFlow::wall : room(i, j, k) ? CreepFlow::empty : CreepFlow::metal;
      if (c(i, j, k) != CreepFlow::metal) return;
      if (closed && (*closed)(i, j, k) == 1) return; // pressed where no room is: not the flow's
      bool boxed = true;
      for (int f = 0; f < 6 && boxed; ++f) {
        std::int64_t ni, nj, nk;
        if (neighbour(grid_, i, j, k, f, ni, nj, nk) && room(ni, nj, nk)) boxed = false;
      }
      if (!boxed) open = 1;
      const double surplus = tot(i, j, k) - 1;
      if (surplus <= kTiny) return;
      s(i, j, k) = surplus / dt;
      if (boxed) walled = 1;
    });
  }
  int flags[2] = {walled, open}, any_of[2] = {0, 0};
  MPI_Allreduce(flags, any_of, 2, MPI_INT, MPI_MAX, grid_.comm());
  const int any = any_of[0];
  // Walled-in Na where no full Na touches free space anywhere (a flat Na electrode
  // under its collector): no flow can carry any of it, and none is solved.
  if (any && !any_of[1]) share_ = 0;
  if (any && any_of[1]) {
    if (!flow_ || flow_temperature_ != temperature) {
      CreepFlowSetup setup;
      setup.rheology.law = law_;
      setup.rheology.temperature = temperature;
      // To 1e-6 of its loads: the Na it places (a step's deposit, ~0.1 of a voxel at most)
      // to ~1e-7 of a voxel, so on any partition; at 1e-4 it differed by 6e-6 of a voxel
      // between partitions in parallel.stack_pressure_example.
      setup.picard_tolerance = 1e-6;
      flow_ = std::make_unique<CreepFlow>(grid_, setup); // sides: no-slip walls (the cell's box)
      flow_temperature_ = temperature;
    }
    flow_->forget_solution();
    const CreepFlowResult r = flow_->solve(cells, source);
    iterations_ = r.picard_iterations + r.newton_iterations;
    ScalarVector p(grid_);
    flow_->pressure(p);
    double local = 0;
    {
      OwnedRead pv(grid_, p), sv(grid_, source);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        if (sv(i, j, k) > 0) local = std::max(local, pv(i, j, k));
      });
    }
    MPI_Allreduce(&local, &pressure_, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
    if (pressure_ > bearing_pressure) {
      // Rounded down to 10 significant bits: the same share from results that agree to
      // the flow's tolerance, on any partition.
      int exponent = 0;
      const double mantissa = std::frexp(std::pow(bearing_pressure / pressure_, law_.exponent), &exponent);
      share_ = std::ldexp(std::floor(mantissa * 1024.0) / 1024.0, exponent);
    }
    placed = place(xi, excess, dt);
  }
  if (!any) return 2.0;
  // Placed: what the flow did not carry stays where it was plated, and only a lift
  // makes room for it; what overfilled a front passes on without limit (it is at the
  // free surface already). Not placed: the settling's paths carry the share.
  if (placed) return share_ < 1 ? 0.0 : 2.0;
  return share_;
}

bool ExtrusionLimit::place(Vec xi, Vec excess, double dt) {
  // φ × the flow's inflow over the step into every Na-holding voxel: the sources give
  // up φ of their surplus, the fronts beside them receive it face by face. The flow
  // scales with its sources (u ∝ s, p ∝ s^{1/n} for the power law), so φ × the flow is
  // the flow of φ × the surplus.
  ScalarVector rate(grid_);
  flow_->inflow(rate);
  int bad = 0;
  for (int pass = 0; pass < 2; ++pass) {
    OwnedRead q(grid_, rate); // 0 in SE and CC (walls of the flow)
    Owned x(grid_, xi), e(grid_, excess);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (q(i, j, k) == 0) return;
      const double total = x(i, j, k) + e(i, j, k) + share_ * dt * q(i, j, k);
      if (pass == 0) {
        if (total < -kTiny) bad = 1; // a surface receding by more than its voxel holds
        return;
      }
      // A voxel drawn to a rounding leftover below 0 keeps it as overflow: the
      // settling's clean() books it.
      x(i, j, k) = std::clamp(total, 0.0, 1.0);
      e(i, j, k) = total - x(i, j, k);
    });
    if (pass == 0) {
      int any_bad = 0;
      MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, grid_.comm());
      bad = any_bad;
      if (bad) break;
    }
  }
  return !bad;
}

} // namespace navox
