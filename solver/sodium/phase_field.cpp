#include "solver/sodium/phase_field.hpp"

#include "io/sources/random_keys.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>

namespace navox {

namespace {

constexpr std::uint64_t kNoiseStream = 7;

bool holds_xi(const MaterialTable& materials, double label) {
  return holds_sodium(materials[static_cast<int>(label)].phase);
}

/// Sums of two local values over all ranks.
std::array<double, 2> global_sums(const Grid& grid, double a, double b) {
  std::array<double, 2> in{a, b}, out{0, 0};
  MPI_Allreduce(in.data(), out.data(), 2, MPI_DOUBLE, MPI_SUM, grid.comm());
  return out;
}

/// The multiplier λ = Σ rate / Σ weight (0 when nothing is diffuse).
double multiplier(const std::array<double, 2>& sums) { return sums[1] > 0 ? sums[0] / sums[1] : 0.0; }

} // namespace

PhaseFieldStep::PhaseFieldStep(const Grid& grid, const MaterialTable& materials, const PhaseFieldSpec& spec)
    : grid_(grid), materials_(materials), spec_(spec) {
  if (!spec_.enabled) return;
  for (int d = 0; d < 3; ++d) coefficient_[d] = spec_.relaxation.face_coefficient(grid_.spec().spacing[d]);
  noise_deviation_ = spec_.noise.filtered_deviation();
  rate_ = new_scalar_vector(grid_);
  noise_ = new_scalar_vector(grid_);
  filtered_ = new_scalar_vector(grid_);
}

PhaseFieldStep::~PhaseFieldStep() {
  for (Vec* v : {&rate_, &noise_, &filtered_})
    if (*v) (void)VecDestroy(v);
}

long PhaseFieldStep::substeps(double dt) const {
  const double sum = 2 * (coefficient_[0] + coefficient_[1] + coefficient_[2]);
  return std::max(1L, static_cast<long>(std::ceil(dt / spec_.relaxation.stable_step(sum) * (1 - 1e-12))));
}

void PhaseFieldStep::advance(Vec xi, Vec labels, long step, double dt) {
  if (!spec_.enabled || !(dt > 0)) return;
  const Ghosted lab(grid_, labels);
  if (spec_.noise.strength > 0) add_noise(xi, lab, step, dt);
  relax(xi, lab, dt);
}

void PhaseFieldStep::unit_noise(long step, Vec out) {
  {
    Owned nu(grid_, out);
    const auto n = static_cast<std::uint64_t>(step);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      // Box–Muller from two counter-based uniforms of this voxel and step.
      const std::uint64_t key = io::random_keys::cell_key(spec_.seed, kNoiseStream, i, j, k);
      const double u1 = io::random_keys::uniform01(key, 2 * n), u2 = io::random_keys::uniform01(key, 2 * n + 1);
      nu(i, j, k) = std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * physics::kPi * u2);
    });
  }
  const double centre = physics::BandLimitedNoise::centre_weight();
  const double beta = physics::BandLimitedNoise::kNeighbourWeight;
  for (int pass = 0; pass < spec_.noise.passes; ++pass) {
    {
      Ghosted in(grid_, out);
      Owned smooth(grid_, filtered_);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        double sum = centre * in(i, j, k);
        for (int face = 0; face < 6; ++face) {
          std::int64_t ni, nj, nk;
          // A wall reflects: the voxel stands in for its missing neighbour.
          sum += beta * (neighbour(grid_, i, j, k, face, ni, nj, nk) ? in(ni, nj, nk) : in(i, j, k));
        }
        smooth(i, j, k) = sum;
      });
    }
    NAVOX_CALL(VecCopy(filtered_, out));
  }
  NAVOX_CALL(VecScale(out, 1.0 / noise_deviation_));
}

void PhaseFieldStep::add_noise(Vec xi, const Ghosted& lab, long step, double dt) {
  unit_noise(step, noise_);
  double zh = 0, hsum = 0;
  {
    Owned x(grid_, xi), z(grid_, noise_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (!holds_xi(materials_, lab(i, j, k))) return;
      z(i, j, k) = spec_.noise.amplitude(z(i, j, k), dt);
      const double h = physics::BandLimitedNoise::interface_weight(x(i, j, k));
      zh += z(i, j, k) * h;
      hsum += h;
    });
  }
  // λ is an h-weighted mean of z, so |z − λ| ≤ 1/4 and ξ stays in [0, 1].
  const double lambda = multiplier(global_sums(grid_, zh, hsum));
  Owned x(grid_, xi), z(grid_, noise_);
  for_owned(grid_, [&](auto i, auto j, auto k) {
    if (!holds_xi(materials_, lab(i, j, k))) return;
    const double v = x(i, j, k);
    x(i, j, k) = v + physics::BandLimitedNoise::interface_weight(v) * (z(i, j, k) - lambda);
  });
}

void PhaseFieldStep::relax(Vec xi, const Ghosted& lab, double dt) {
  const physics::AllenCahn& ac = spec_.relaxation;
  const long n = substeps(dt);
  const double tau = dt / double(n);
  for (long s = 0; s < n; ++s) {
    double rsum = 0, hsum = 0;
    {
      Ghosted x(grid_, xi);
      Owned r(grid_, rate_);
      for_owned(grid_, [&](auto i, auto j, auto k) {
        if (!holds_xi(materials_, lab(i, j, k))) return;
        const double v = x(i, j, k);
        const double bulk = ac.bulk(v);
        double rate = bulk;
        for (int face = 0; face < 6; ++face) {
          std::int64_t ni, nj, nk;
          if (neighbour(grid_, i, j, k, face, ni, nj, nk) && holds_xi(materials_, lab(ni, nj, nk)))
            rate += coefficient_[face_axis(face)] * (x(ni, nj, nk) - v);
        }
        r(i, j, k) = rate;
        rsum += bulk; // the face fluxes cancel in pairs
        hsum += physics::AllenCahn::multiplier_weight(v);
      });
    }
    const double lambda = multiplier(global_sums(grid_, rsum, hsum));
    Owned x(grid_, xi), r(grid_, rate_);
    for_owned(grid_, [&](auto i, auto j, auto k) {
      if (!holds_xi(materials_, lab(i, j, k))) return;
      const double v = x(i, j, k);
      // The step keeps ξ in [0, 1] exactly; the clamp only removes rounding below 1e-16.
      x(i, j, k) = std::clamp(v + tau * (r(i, j, k) - lambda * physics::AllenCahn::multiplier_weight(v)), 0.0, 1.0);
    });
  }
}

} // namespace navox
