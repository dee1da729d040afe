#include "solver/mechanics/extrusion_limit.hpp"

#include "mesh/error.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"

#include <algorithm>
#include <cmath>

namespace navox {

namespace {
constexpr double kTiny = physics::SodiumMetal::kTolerance; ///< the settling's "no Na / no room" tolerance
} // namespace

ExtrusionLimit::ExtrusionLimit(const Grid& grid, const MaterialTable& materials, const physics::PowerLawCreep& law)
    : grid_(grid), materials_(materials), law_(law) {}

double ExtrusionLimit::share(Vec labels, Vec xi, Vec excess, double bearing_pressure, double temperature,
                             double dt) {
  share_ = 1;
  pressure_ = 0;
  iterations_ = 0;
  Vec cells = new_scalar_vector(grid_), source = new_scalar_vector(grid_), total = new_scalar_vector(grid_);
  NAVOX_CALL(VecWAXPY(total, 1.0, xi, excess));
  int walled = 0;
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
    for_owned(grid_, [&](auto i, auto j, auto k) {
      c(i, j, k) = !holds(i, j, k) ? CreepFlow::wall : room(i, j, k) ? CreepFlow::empty : CreepFlow::metal;
      const double surplus = holds(i, j, k) ? tot(i, j, k) - 1 : 0;
      if (surplus <= kTiny) return;
      s(i, j, k) = surplus / dt;
      bool boxed = true;
      for (int f = 0; f < 6 && boxed; ++f) {
        std::int64_t ni, nj, nk;
        if (neighbour(grid_, i, j, k, f, ni, nj, nk) && room(ni, nj, nk)) boxed = false;
      }
      if (boxed) walled = 1;
    });
  }
  int any = 0;
  MPI_Allreduce(&walled, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
  if (any) {
    if (!flow_ || flow_temperature_ != temperature) {
      CreepFlowSetup setup;
      setup.rheology.law = law_;
      setup.rheology.temperature = temperature;
      setup.picard_tolerance = 1e-4; // p_max to about 1e-4: φ ∝ p^-n to a few 1e-4
      flow_ = std::make_unique<CreepFlow>(grid_, setup); // sides: no-slip walls (the cell's box)
      flow_temperature_ = temperature;
    }
    flow_->forget_solution();
    const CreepFlowResult r = flow_->solve(cells, source);
    iterations_ = r.picard_iterations + r.newton_iterations;
    Vec p = new_scalar_vector(grid_);
    flow_->pressure(p);
    double local = 0;
    {
      Ghosted pv(grid_, p), sv(grid_, source);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        if (sv(i, j, k) > 0) local = std::max(local, pv(i, j, k));
      });
    }
    NAVOX_CALL(VecDestroy(&p));
    MPI_Allreduce(&local, &pressure_, 1, MPI_DOUBLE, MPI_MAX, grid_.comm());
    if (pressure_ > bearing_pressure) {
      // Rounded down to 10 significant bits: the same share from results that agree to
      // the flow's tolerance, on any partition.
      int exponent = 0;
      const double mantissa = std::frexp(std::pow(bearing_pressure / pressure_, law_.exponent), &exponent);
      share_ = std::ldexp(std::floor(mantissa * 1024.0) / 1024.0, exponent);
    }
  }
  for (Vec* v : {&cells, &source, &total}) NAVOX_CALL(VecDestroy(v));
  return any ? share_ : 2.0;
}

} // namespace navox
