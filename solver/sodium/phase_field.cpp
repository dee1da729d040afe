#include "solver/sodium/phase_field.hpp"

#include "io/sources/random_keys.hpp"
#include "mesh/cpu_clones.hpp"
#include "mesh/face_halo.hpp"
#include "mesh/ghosted.hpp"
#include "mesh/lanes.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/materials/constants.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace navox {

namespace {

constexpr std::uint64_t kNoiseStream = 7;

bool holds_xi(const MaterialTable& materials, double label) {
  return holds_sodium(materials[static_cast<int>(label)].phase);
}

using lanes::LaneMask;
using lanes::Lanes;
using lanes::lanes_from;
using lanes::load;
using lanes::masked;
using lanes::store;

/// Sums of two local values over all ranks.
std::array<double, 2> global_sums(const Grid& grid, double a, double b) {
  std::array<double, 2> in{a, b}, out{0, 0};
  MPI_Allreduce(in.data(), out.data(), 2, MPI_DOUBLE, MPI_SUM, grid.comm());
  return out;
}

/// The multiplier λ = Σ rate / Σ weight (0 when nothing is diffuse).
double multiplier(const std::array<double, 2>& sums) { return sums[1] > 0 ? sums[0] / sums[1] : 0.0; }

/// λ's two sums, lane by lane: Σ g'(ξ) and Σ h(ξ) over the lanes in `counted`.
NAVOX_LANES_INLINE void accumulate(Lanes v, LaneMask counted, Lanes& r, Lanes& w) {
  r += masked(physics::AllenCahn::dg(v), counted);
  w += masked(physics::AllenCahn::multiplier_weight(v), counted);
}
/// The lanes' partial sums combined in one fixed order and added to `sums`: Σ −k g'(ξ)
/// (k, the same for every voxel, taken out of the sum) and Σ h(ξ).
NAVOX_LANES_INLINE void add_lanes(const Lanes& r, const Lanes& w, double k, double (&sums)[2]) {
  sums[0] += -k * ((r[0] + r[1]) + (r[2] + r[3]));
  sums[1] += (w[0] + w[1]) + (w[2] + w[3]);
}
/// A row of n ≥ 4 voxels as quads: at 0, 4, 8, …, and where n is not a multiple of 4 a last
/// one at n − 4, overlapping the one before; f(q0, first) for each, `first` its first lane
/// not in an earlier quad. (Every quad lies in the row: its loads and stores stay there.)
template <class F> NAVOX_LANES_INLINE void for_quads(int n, F&& f) {
  int q0 = 0;
  for (; q0 + 4 <= n; q0 += 4) f(q0, 0);
  if (q0 < n) f(n - 4, q0 - (n - 4));
}

/// λ's sums over one row of n voxels (h[q] ≠ 0: voxel q holds ξ), added to `sums`, in the
/// row kernel's order: its quads, each lane in order, the lanes combined at the row's end.
/// One fixed order, and four chains of additions rather than one.
inline void add_row_sums(const double* x, const std::int64_t* h, int n, double k, double (&sums)[2]) {
  Lanes r = {0, 0, 0, 0}, w = r;
  if (n < 4) { // as the row kernel: one quad, the lanes past the row's end at 0 and not held
    double v[4] = {0, 0, 0, 0};
    std::int64_t on[4] = {0, 0, 0, 0};
    for (int l = 0; l < n; ++l) v[l] = x[l], on[l] = h[l];
    accumulate(load(v), load(on), r, w);
  } else {
    for_quads(n, [&](int q0, int first) { accumulate(load(x + q0), load(h + q0) & lanes_from(first), r, w); });
  }
  add_lanes(r, w, k, sums);
}

} // namespace

PhaseFieldStep::PhaseFieldStep(const Grid& grid, const MaterialTable& materials, const PhaseFieldSpec& spec)
    : grid_(grid), materials_(materials), spec_(spec) {
  if (!spec_.enabled) return;
  for (int d = 0; d < 3; ++d) coefficient_[d] = spec_.relaxation.face_coefficient(grid_.spec().spacing[d]);
  noise_deviation_ = spec_.noise.filtered_deviation();
  noise_ = new_scalar_vector(grid_);
  filtered_ = new_scalar_vector(grid_);
  halo_ = std::make_unique<FaceHalo>(grid_);
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

// Compiled for AVX2 too where the compiler can (NAVOX_CPU_CLONES), chosen at load time
// where the CPU has it (docs/performance.md, "Phase field"); AVX2 without FMA rounds as
// SSE2 does: the same bits.
NAVOX_CPU_CLONES void PhaseFieldStep::step_row(const Row& at, const Row (&side)[4], const bool (&x_open)[2], int n,
                                               double lambda, double tau, double* out, double (&sums)[2]) const {
  const double k = spec_.relaxation.rate;
  const double cx = coefficient_[0], cy = coefficient_[1], cz = coefficient_[2];
  const Lanes zero = {0, 0, 0, 0}, one = {1, 1, 1, 1};
  Lanes r = zero, w = zero; // λ's sums over the new row, lane by lane
  // The rows' addresses in locals: the stores to `out` cannot change them.
  const double* const X = at.xi;
  const std::int64_t* const H = at.holds;
  const double* const S[4] = {side[0].xi, side[1].xi, side[2].xi, side[3].xi};
  const std::int64_t* const HS[4] = {side[0].holds, side[1].holds, side[2].holds, side[3].holds};
  // Four voxels (v: ξ, h: holds ξ, all bits set) with their x neighbours (xm, xp; hm, hp)
  // and the rows at −y, +y, −z, +z from `s`, `hs`: physics::AllenCahn's bulk rate, then the
  // six faces in kFaceOffset's order (−x, +x, −y, +y, −z, +z), a face to a voxel without ξ
  // adding 0 (its difference masked); a voxel without ξ keeps its value. Adds the lanes in
  // `counted` to λ's sums.
  auto quad = [&](Lanes v, LaneMask h, Lanes xm, LaneMask hm, Lanes xp, LaneMask hp, const double* const (&s)[4],
                  const std::int64_t* const (&hs)[4], LaneMask counted) __attribute__((always_inline)) {
    Lanes rate = -k * physics::AllenCahn::dg(v);
    rate += cx * (masked(xm - v, hm) + masked(xp - v, hp));
    rate += cy * (masked(load(s[0]) - v, load(hs[0])) + masked(load(s[1]) - v, load(hs[1])));
    rate += cz * (masked(load(s[2]) - v, load(hs[2])) + masked(load(s[3]) - v, load(hs[3])));
    Lanes next = v + tau * (rate - lambda * physics::AllenCahn::multiplier_weight(v));
    // The step keeps ξ in [0, 1] exactly; the clamp only removes rounding below 1e-16.
    next = next < zero ? zero : next;
    next = one < next ? one : next;
    const Lanes result = h != 0 ? next : v;
    accumulate(result, h & counted, r, w);
    return result;
  };
  if (n < 4) {
    // A row shorter than a quad (small grids on many ranks): its inputs copied into one,
    // a missing x neighbour read as a voxel without ξ (mask 0, the voxel's own value), the
    // lanes past the row's end as voxels without ξ at 0 (nothing of them stored).
    double x[4] = {0, 0, 0, 0}, xm[4] = {0, 0, 0, 0}, xp[4] = {0, 0, 0, 0}, s[4][4] = {};
    std::int64_t h[4] = {0, 0, 0, 0}, hm[4] = {0, 0, 0, 0}, hp[4] = {0, 0, 0, 0}, hs[4][4] = {};
    for (int q = 0; q < n; ++q) {
      const bool lo = q > 0 || x_open[0], hi = q + 1 < n || x_open[1];
      x[q] = X[q], h[q] = H[q];
      xm[q] = lo ? X[q - 1] : X[q], hm[q] = lo ? H[q - 1] : 0;
      xp[q] = hi ? X[q + 1] : X[q], hp[q] = hi ? H[q + 1] : 0;
      for (int f = 0; f < 4; ++f) s[f][q] = S[f][q], hs[f][q] = HS[f][q];
    }
    const double* const sp[4] = {s[0], s[1], s[2], s[3]};
    const std::int64_t* const hsp[4] = {hs[0], hs[1], hs[2], hs[3]};
    double result[4];
    store(result, quad(load(x), load(h), load(xm), load(hm), load(xp), load(hp), sp, hsp, lanes_from(0)));
    for (int q = 0; q < n; ++q) out[q] = result[q];
  } else {
    // x_open: the row's ends have a voxel beyond them (X[−1], X[n] are then in the box);
    // where not, the end voxel's missing neighbour is read as a voxel without ξ.
    for_quads(n, [&](int q0, int first) __attribute__((always_inline)) {
      const bool wall_lo = q0 == 0 && !x_open[0], wall_hi = q0 + 4 == n && !x_open[1];
      const int e = q0 + 3;
      const Lanes xm = wall_lo ? Lanes{X[0], X[0], X[1], X[2]} : load(X + q0 - 1);
      const LaneMask hm = wall_lo ? LaneMask{0, H[0], H[1], H[2]} : load(H + q0 - 1);
      const Lanes xp = wall_hi ? Lanes{X[e - 2], X[e - 1], X[e], X[e]} : load(X + q0 + 1);
      const LaneMask hp = wall_hi ? LaneMask{H[e - 2], H[e - 1], H[e], 0} : load(H + q0 + 1);
      const double* const s[4] = {S[0] + q0, S[1] + q0, S[2] + q0, S[3] + q0};
      const std::int64_t* const hs[4] = {HS[0] + q0, HS[1] + q0, HS[2] + q0, HS[3] + q0};
      store(out + q0, quad(load(X + q0), load(H + q0), xm, hm, xp, hp, s, hs, lanes_from(first)));
    });
  }
  add_lanes(r, w, k, sums);
}

void PhaseFieldStep::relax(Vec xi, const Ghosted& lab, double dt) {
  const physics::AllenCahn& ac = spec_.relaxation;
  const long n = substeps(dt);
  const double tau = dt / double(n);
  DM dm = grid_.scalar_dm();
  // The ghosted box (halo_'s) as one array: a voxel's face neighbours are ±1, ±gx, ±gx gy away.
  PetscInt gs[3], gm[3], os[3], om[3];
  NAVOX_CALL(DMDAGetGhostCorners(dm, &gs[0], &gs[1], &gs[2], &gm[0], &gm[1], &gm[2]));
  NAVOX_CALL(DMDAGetCorners(dm, &os[0], &os[1], &os[2], &om[0], &om[1], &om[2]));
  const std::ptrdiff_t stride[3] = {1, gm[0], std::ptrdiff_t(gm[0]) * gm[1]};
  // Which voxels of the box hold ξ: once per step (the labels do not change in it).
  holds_.resize(std::size_t(gm[0]) * std::size_t(gm[1]) * std::size_t(gm[2])); // each written below
  for (PetscInt k = 0; k < gm[2]; ++k)
    for (PetscInt j = 0; j < gm[1]; ++j)
      for (PetscInt i = 0; i < gm[0]; ++i)
        holds_[std::size_t(i + j * stride[1] + k * stride[2])] =
            holds_xi(materials_, lab(gs[0] + i, gs[1] + j, gs[2] + k)) ? -1 : 0;
  closed_.assign(std::size_t(om[0]), 0);
  const auto& dims = grid_.spec().dims;
  const bool periodic = grid_.spec().periodic_lateral;
  // The place in the ghosted box of the first owned voxel of row (j, k).
  auto row_of = [&](PetscInt j, PetscInt k) {
    return (os[0] - gs[0]) + (j - gs[1]) * stride[1] + (k - gs[2]) * stride[2];
  };
  // ξ as two ghosted arrays, sub-steps ping-ponging between them: each pass reads one and
  // writes the other's owned voxels, then the halo moves only the face ghosts (the DM's
  // global-to-local copy moved every owned value too, a third of a sub-step's memory traffic).
  const std::size_t box = holds_.size();
  current_.resize(box);
  next_.resize(box);
  double* from = current_.data();
  double* to = next_.data();
  // λ's sums over ξ before the first sub-step, row by row in for_owned's order (then each
  // sub-step's pass adds them up over the new ξ as it goes).
  double sums[2] = {0, 0};
  {
    const PetscScalar* x = nullptr;
    NAVOX_CALL(VecGetArrayRead(xi, &x));
    std::size_t o = 0;
    for (PetscInt k = os[2]; k < os[2] + om[2]; ++k)
      for (PetscInt j = os[1]; j < os[1] + om[1]; ++j, o += std::size_t(om[0])) {
        std::copy(x + o, x + o + om[0], from + row_of(j, k));
        add_row_sums(x + o, holds_.data() + row_of(j, k), int(om[0]), ac.rate, sums);
      }
    NAVOX_CALL(VecRestoreArrayRead(xi, &x));
  }
  halo_->fill(from);
  for (long s = 0; s < n; ++s) {
    const double lambda = multiplier(global_sums(grid_, sums[0], sums[1]));
    sums[0] = sums[1] = 0;
    for (PetscInt k = os[2]; k < os[2] + om[2]; ++k)
      for (PetscInt j = os[1]; j < os[1] + om[1]; ++j) {
        const std::ptrdiff_t row = row_of(j, k);
        // A face to no voxel (an outer wall, as neighbour() says) reads a row of zeros.
        auto side = [&](bool open, std::ptrdiff_t d) {
          return Row{open ? from + row + d : from + row, open ? holds_.data() + row + d : closed_.data()};
        };
        const Row rows[4] = {side(periodic || j > 0, -stride[1]), side(periodic || j + 1 < dims[1], stride[1]),
                             side(k > 0, -stride[2]), side(k + 1 < dims[2], stride[2])};
        const bool x_open[2] = {periodic || os[0] > 0, periodic || os[0] + om[0] < dims[0]};
        step_row(Row{from + row, holds_.data() + row}, rows, x_open, int(om[0]), lambda, tau, to + row, sums);
      }
    if (s + 1 < n) halo_->fill(to);
    std::swap(from, to);
  }
  PetscScalar* x = nullptr;
  NAVOX_CALL(VecGetArray(xi, &x));
  std::size_t o = 0;
  for (PetscInt k = os[2]; k < os[2] + om[2]; ++k)
    for (PetscInt j = os[1]; j < os[1] + om[1]; ++j, o += std::size_t(om[0]))
      std::copy(from + row_of(j, k), from + row_of(j, k) + om[0], x + o);
  NAVOX_CALL(VecRestoreArray(xi, &x));
}

} // namespace navox
