#include "solver/sodium/phase_field.hpp"

#include "io/sources/random_keys.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

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
  noise_ = new_scalar_vector(grid_);
  filtered_ = new_scalar_vector(grid_);
}

PhaseFieldStep::~PhaseFieldStep() {
  for (Vec* v : {&noise_, &filtered_})
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

// Compiled for AVX2 too, chosen at load time where the CPU has it (~1.3x the SSE2 rate:
// docs/performance.md, "Phase field"); AVX2 without FMA rounds as SSE2 does: the same bits.
__attribute__((target_clones("avx2", "default"))) void
PhaseFieldStep::step_row(const Row& at, const Row (&side)[4], const bool (&x_open)[2], int n, double lambda,
                         double tau, double* out) const {
  const double k = spec_.relaxation.rate;
  const double cx = coefficient_[0], cy = coefficient_[1], cz = coefficient_[2];
  // Local copies the compiler knows do not alias `out`: the loop below vectorises.
  const double* __restrict x = at.xi;
  const double* __restrict ym = side[0].xi;
  const double* __restrict yp = side[1].xi;
  const double* __restrict zm = side[2].xi;
  const double* __restrict zp = side[3].xi;
  const unsigned char* __restrict h = at.holds;
  const unsigned char* __restrict hym = side[0].holds;
  const unsigned char* __restrict hyp = side[1].holds;
  const unsigned char* __restrict hzm = side[2].holds;
  const unsigned char* __restrict hzp = side[3].holds;
  double* __restrict o = out;
  // One voxel: physics::AllenCahn's bulk rate, then its six faces in kFaceOffset's order
  // (−x, +x, −y, +y, −z, +z), a face to a voxel without ξ adding 0 × its difference (the
  // same sums as the faces it has, in that order); a voxel without ξ keeps its value.
  // `lo`/`hi`: the x neighbours exist (x[q ∓ 1] is read only then).
  auto one = [&](int q, bool lo, bool hi) {
    const double v = x[q];
    double rate = -k * physics::AllenCahn::dg(v);
    if (lo) rate += double(h[q - 1]) * cx * (x[q - 1] - v);
    if (hi) rate += double(h[q + 1]) * cx * (x[q + 1] - v);
    rate += double(hym[q]) * cy * (ym[q] - v);
    rate += double(hyp[q]) * cy * (yp[q] - v);
    rate += double(hzm[q]) * cz * (zm[q] - v);
    rate += double(hzp[q]) * cz * (zp[q] - v);
    // The step keeps ξ in [0, 1] exactly; the clamp only removes rounding below 1e-16.
    const double next = std::clamp(v + tau * (rate - lambda * physics::AllenCahn::multiplier_weight(v)), 0.0, 1.0);
    o[q] = h[q] ? next : o[q];
  };
  // x_open: the row's ends have a voxel beyond them (x[−1], x[n] are then in the box).
  one(0, x_open[0], n > 1 || x_open[1]);
  for (int q = 1; q < n - 1; ++q) one(q, true, true); // branch-free: vectorised
  if (n > 1) one(n - 1, true, x_open[1]);
}

void PhaseFieldStep::relax(Vec xi, const Ghosted& lab, double dt) {
  const physics::AllenCahn& ac = spec_.relaxation;
  const long n = substeps(dt);
  const double tau = dt / double(n);
  DM dm = grid_.scalar_dm();
  // The ghosted box as one array: a voxel's face neighbours are ±1, ±gx, ±gx gy away.
  PetscInt gs[3], gm[3], os[3], om[3];
  NAVOX_CALL(DMDAGetGhostCorners(dm, &gs[0], &gs[1], &gs[2], &gm[0], &gm[1], &gm[2]));
  NAVOX_CALL(DMDAGetCorners(dm, &os[0], &os[1], &os[2], &om[0], &om[1], &om[2]));
  const std::ptrdiff_t stride[3] = {1, gm[0], std::ptrdiff_t(gm[0]) * gm[1]};
  // Which voxels of the box hold ξ: once per step (the labels do not change in it).
  holds_.assign(std::size_t(gm[0]) * std::size_t(gm[1]) * std::size_t(gm[2]), 0);
  for (PetscInt k = 0; k < gm[2]; ++k)
    for (PetscInt j = 0; j < gm[1]; ++j)
      for (PetscInt i = 0; i < gm[0]; ++i)
        holds_[std::size_t(i + j * stride[1] + k * stride[2])] =
            holds_xi(materials_, lab(gs[0] + i, gs[1] + j, gs[2] + k)) ? 1 : 0;
  closed_.assign(std::size_t(om[0]), 0);
  const auto& dims = grid_.spec().dims;
  const bool periodic = grid_.spec().periodic_lateral;
  // The place in the ghosted box of the first owned voxel of row (j, k).
  auto row_of = [&](PetscInt j, PetscInt k) {
    return (os[0] - gs[0]) + (j - gs[1]) * stride[1] + (k - gs[2]) * stride[2];
  };
  // Σ −k g'(ξ) and Σ h(ξ) over the owned voxels that hold ξ (x: the owned block), in
  // for_owned's order, for λ.
  auto sums = [&](const PetscScalar* x, double& rsum, double& hsum) {
    rsum = hsum = 0; // the face fluxes cancel in pairs
    std::size_t o = 0;
    for (PetscInt k = os[2]; k < os[2] + om[2]; ++k)
      for (PetscInt j = os[1]; j < os[1] + om[1]; ++j) {
        const unsigned char* h = holds_.data() + row_of(j, k);
        for (PetscInt q = 0; q < om[0]; ++q, ++o)
          if (h[q]) {
            rsum += ac.bulk(x[o]);
            hsum += physics::AllenCahn::multiplier_weight(x[o]);
          }
      }
  };
  double rsum = 0, hsum = 0;
  {
    const PetscScalar* x = nullptr;
    NAVOX_CALL(VecGetArrayRead(xi, &x));
    sums(x, rsum, hsum);
    NAVOX_CALL(VecRestoreArrayRead(xi, &x));
  }
  // Each sub-step: ξ's ghosted copy in (one of the DM's kept local vectors), one pass
  // over it for the new ξ (the rates and the update fused: the same operations in the
  // same order), then the sums of the new ξ.
  Vec local = nullptr;
  NAVOX_CALL(DMGetLocalVector(dm, &local));
  for (long s = 0; s < n; ++s) {
    const double lambda = multiplier(global_sums(grid_, rsum, hsum));
    NAVOX_CALL(DMGlobalToLocalBegin(dm, xi, INSERT_VALUES, local));
    NAVOX_CALL(DMGlobalToLocalEnd(dm, xi, INSERT_VALUES, local));
    const PetscScalar* l = nullptr;
    PetscScalar* x = nullptr;
    NAVOX_CALL(VecGetArrayRead(local, &l));
    NAVOX_CALL(VecGetArray(xi, &x));
    std::size_t o = 0;
    for (PetscInt k = os[2]; k < os[2] + om[2]; ++k)
      for (PetscInt j = os[1]; j < os[1] + om[1]; ++j, o += std::size_t(om[0])) {
        const std::ptrdiff_t row = row_of(j, k);
        // A face to no voxel (an outer wall, as neighbour() says) reads a row of zeros.
        auto side = [&](bool open, std::ptrdiff_t d) {
          return Row{open ? l + row + d : l + row, open ? holds_.data() + row + d : closed_.data()};
        };
        const Row rows[4] = {side(periodic || j > 0, -stride[1]), side(periodic || j + 1 < dims[1], stride[1]),
                             side(k > 0, -stride[2]), side(k + 1 < dims[2], stride[2])};
        const bool x_open[2] = {periodic || os[0] > 0, periodic || os[0] + om[0] < dims[0]};
        step_row(Row{l + row, holds_.data() + row}, rows, x_open, int(om[0]), lambda, tau, x + o);
      }
    sums(x, rsum, hsum); // of the new ξ, for the next sub-step's λ
    NAVOX_CALL(VecRestoreArray(xi, &x));
    NAVOX_CALL(VecRestoreArrayRead(local, &l));
  }
  NAVOX_CALL(DMRestoreLocalVector(dm, &local));
}

} // namespace navox
