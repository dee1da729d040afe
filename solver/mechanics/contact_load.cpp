#include "solver/mechanics/contact_load.hpp"

#include "mesh/ghosted.hpp"
#include "mesh/stencil.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"

#include <cmath>
#include <cstdint>

namespace navox {

namespace {

constexpr double kUnit = 1073741824.0; ///< 2^30: fixed-point units of a face's metal fraction
constexpr int kUp = 5;                  ///< the +z face (mesh/stencil.hpp)

} // namespace

ContactLoad contact_load(const Grid& grid, Vec labels, const MaterialTable& materials, const IonicPotential& ionic,
                         double stack_pressure) {
  Ghosted lab(grid, labels);
  std::int64_t local[2] = {0, 0}; // solid, Na: Σ metal fraction in units of 2^-30
  for_owned(grid, [&](auto i, auto j, auto k) {
    if (materials[static_cast<int>(lab(i, j, k))].phase != Phase::SE) return;
    std::int64_t ni, nj, nk;
    if (!neighbour(grid, i, j, k, kUp, ni, nj, nk)) return;
    const Phase above = materials[static_cast<int>(lab(ni, nj, nk))].phase;
    if (above == Phase::SE) return;
    const double w = ionic.face_at(i, j, k, kUp)->metal_fraction; // SE|non-SE: an electrode face
    local[above == Phase::CC ? 0 : 1] += static_cast<std::int64_t>(std::llround(w * kUnit));
  });
  std::int64_t global[2] = {0, 0};
  MPI_Allreduce(local, global, 2, MPI_INT64_T, MPI_SUM, grid.comm());
  const auto& h = grid.spec().spacing;
  ContactLoad c;
  c.solid_area = double(global[0]) / kUnit * h[0] * h[1];
  c.sodium_area = double(global[1]) / kUnit * h[0] * h[1];
  if (c.bearing_area() > 0) c.pressure = stack_pressure * grid.spec().xy_area() / c.bearing_area();
  return c;
}

std::vector<double> sodium_pressure(const Grid& grid, Vec labels, const MaterialTable& materials, Vec xi,
                                    Vec connected, double contact_pressure) {
  std::vector<double> p;
  if (!connected) { // before the first set_activity (a run resuming from a checkpoint): no load yet
    p.assign(static_cast<std::size_t>(grid.owned().size()), NAN);
    return p;
  }
  OwnedRead lab(grid, labels), x(grid, xi), con(grid, connected); // pointwise: no ghosts
  p.reserve(static_cast<std::size_t>(grid.owned().size()));
  for_owned(grid, [&](auto i, auto j, auto k) {
    const bool na = holds_sodium(materials[static_cast<int>(lab(i, j, k))].phase) &&
                    physics::SodiumMetal::holds(x(i, j, k));
    p.push_back(!na ? NAN : con(i, j, k) > 0 ? contact_pressure : 0.0);
  });
  return p;
}

} // namespace navox
