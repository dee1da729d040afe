#include "solver/sodium/nucleation.hpp"

#include "solver/time/state.hpp"

#include "io/sources/random_keys.hpp"
#include "mesh/stencil.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>

namespace navox {

namespace {

/// Stream of the nucleation draws in io::random_keys (0-5 are the generators').
constexpr std::uint64_t kNucleationStream = 6;

/// Calls f(face index, i, j, k, face) for every bare face of an owned SE voxel, in
/// the owned block's order (bare faces are SE|CC faces: electrode faces).
template <class F> void for_bare_faces(const Grid& grid, const IonicPotential& ionic, F&& f) {
  const Box b = grid.owned();
  const auto& faces = ionic.faces();
  const auto& slots = ionic.electrode_slots();
  for (std::size_t n = 0; n < faces.size(); ++n) {
    if (faces[n].bare_collector < 0) continue;
    const auto v = b.voxel(static_cast<std::int64_t>(slots[n] / 6));
    f(n, v[0], v[1], v[2], static_cast<int>(slots[n] % 6));
  }
}

} // namespace

Nucleation::Nucleation(const Grid& grid, const MaterialTable& materials, const NucleationSpec& spec)
    : grid_(grid), materials_(materials), spec_(spec),
      per_voxel_(static_cast<std::size_t>(grid.owned().size()), 0.0) {
  for (const auto& m : materials_) enabled_ = enabled_ || m.nucleates;
}

double Nucleation::limit_step(const IonicPotential& ionic, double dt, double temperature) const {
  if (!enabled_) return dt;
  const auto& h = grid_.spec().spacing;
  // Expected nuclei, and the footprints the bare surface has room for (its area over
  // π ρ_n²: a count that does not grow as the faces get smaller).
  double local[2] = {0, 0};
  for_bare_faces(grid_, ionic, [&](std::size_t n, auto, auto, auto, int face) {
    const physics::ClassicalNucleation& cnt = materials_[ionic.faces()[n].bare_collector].nucleation;
    const ElectrodeFace& f = ionic.faces()[n];
    const double bare = (1 - f.coverage) * face_area(h, face);
    local[0] += cnt.probability(f.eta_old, temperature, bare, dt);
    local[1] += bare / (physics::kPi * cnt.footprint_radius * cnt.footprint_radius);
  });
  double global[2];
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  const double allowed = std::max(0.25, spec_.max_step_fraction * global[1]);
  // p ≈ J A Δt while small: the expectation shrinks in proportion to the step.
  return global[0] > allowed ? dt * allowed / global[0] : dt;
}

void Nucleation::draw(IonicPotential& ionic, long step, double dt, double temperature) {
  covered_.clear();
  seeded_.clear();
  pending_.clear();
  if (!enabled_) return;
  const auto& d = grid_.spec().dims;
  const auto& h = grid_.spec().spacing;
  auto& faces = ionic.faces();
  // Candidates: the faces whose Poisson process fires within the step, with the time
  // it fires (u < p = 1 − e^{−λΔt} is the first arrival τ = −ln(1 − u)/λ < Δt).
  std::vector<NucleusEvent> mine;
  for_bare_faces(grid_, ionic, [&](std::size_t n, std::int64_t i, std::int64_t j, std::int64_t k, int face) {
    const ElectrodeFace& f = faces[n];
    const physics::ClassicalNucleation& cnt = materials_[f.bare_collector].nucleation;
    const double p = cnt.probability(f.eta_old, temperature, (1 - f.coverage) * face_area(h, face), dt);
    if (!(p > 0)) return;
    const std::int64_t global_face = ((k * d[1] + j) * d[0] + i) * 6 + face;
    const std::uint64_t key = io::random_keys::cell_key(spec_.seed, kNucleationStream, global_face, step, 0);
    const double u = io::random_keys::uniform01(key, 0);
    if (u >= p) return;
    NucleusEvent e;
    e.step = step;
    e.face = global_face;
    e.t = dt * std::log1p(-u) / std::log1p(-p); // τ, within [0, Δt); replaced by the step's end on accept
    e.x = (double(i) + 0.5 + 0.5 * kFaceOffset[face][0]) * h[0];
    e.y = (double(j) + 0.5 + 0.5 * kFaceOffset[face][1]) * h[1];
    e.z = (double(k) + 0.5 + 0.5 * kFaceOffset[face][2]) * h[2];
    e.eta = f.eta_old;
    e.critical_radius = cnt.critical_radius(f.eta_old);
    e.charge = physics::kFaraday * cnt.nucleus_volume(f.eta_old) / cnt.molar_volume;
    e.material = f.bare_collector;
    mine.push_back(e);
  });
  // Every rank gets every candidate (few per step: the step control keeps it so).
  const int bytes = static_cast<int>(mine.size() * sizeof(NucleusEvent));
  std::vector<int> counts(static_cast<std::size_t>(grid_.size())), displs(counts.size(), 0);
  MPI_Allgather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, grid_.comm());
  for (std::size_t r = 1; r < counts.size(); ++r) displs[r] = displs[r - 1] + counts[r - 1];
  std::vector<NucleusEvent> all(static_cast<std::size_t>(displs.back() + counts.back()) / sizeof(NucleusEvent));
  MPI_Allgatherv(mine.data(), bytes, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, grid_.comm());
  // In the order they fire, a candidate whose face an earlier nucleus of this step already
  // covers does not form: a nucleus's growth suppresses new ones within its footprint, so
  // the number of nuclei does not depend on how many faces the step lets fire at once.
  std::sort(all.begin(), all.end(), [](const NucleusEvent& a, const NucleusEvent& b) {
    return a.t != b.t ? a.t < b.t : a.face < b.face;
  });
  for (const NucleusEvent& c : all) {
    std::int64_t f = c.face, idx[3];
    const int face = static_cast<int>(f % 6);
    f /= 6;
    idx[0] = f % d[0];
    idx[1] = (f / d[0]) % d[1];
    idx[2] = f / (d[0] * d[1]);
    const bool suppressed = std::any_of(pending_.begin(), pending_.end(), [&](const NucleusEvent& e) {
      return covers(e, idx, face);
    });
    if (suppressed) continue;
    pending_.push_back(c);
    if (grid_.owned().contains(idx[0], idx[1], idx[2]))
      seeded_.push_back(static_cast<std::size_t>(grid_.owned().offset(idx[0], idx[1], idx[2])));
  }
  std::sort(pending_.begin(), pending_.end(),
            [](const NucleusEvent& a, const NucleusEvent& b) { return a.face < b.face; });
  for (const NucleusEvent& e : pending_) cover(ionic, e);
}

bool Nucleation::covers(const NucleusEvent& e, const std::int64_t idx[3], int face) const {
  const auto& d = grid_.spec().dims;
  const auto& h = grid_.spec().spacing;
  const double rho = materials_[e.material].nucleation.footprint_radius;
  const double centre[3] = {e.x, e.y, e.z};
  // Face centre relative to the nucleus (the nearest periodic image laterally).
  double c[3];
  for (int a = 0; a < 3; ++a) {
    c[a] = (double(idx[a]) + 0.5 + 0.5 * kFaceOffset[face][a]) * h[a] - centre[a];
    if (grid_.spec().periodic_lateral && a < 2) {
      const double period = double(d[a]) * h[a];
      c[a] -= period * std::round(c[a] / period);
    }
  }
  const int a1 = (face_axis(face) + 1) % 3, a2 = (face_axis(face) + 2) % 3;
  if (std::abs(c[a1]) > rho + h[a1] || std::abs(c[a2]) > rho + h[a2] || std::abs(c[face_axis(face)]) > rho) return false;
  // At least half of the face within ρ_n (an 8 × 8 grid of points): no slivers of bare
  // surface beside a nucleus, where its growth would suppress new nuclei.
  constexpr int kSamples = 8;
  int inside = 0;
  for (int u = 0; u < kSamples; ++u)
    for (int v = 0; v < kSamples; ++v) {
      double p[3] = {c[0], c[1], c[2]};
      p[a1] += ((u + 0.5) / kSamples - 0.5) * h[a1];
      p[a2] += ((v + 0.5) / kSamples - 0.5) * h[a2];
      if (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] <= rho * rho) ++inside;
    }
  return 2 * inside >= kSamples * kSamples;
}

void Nucleation::cover(IonicPotential& ionic, const NucleusEvent& e) {
  const auto& d = grid_.spec().dims;
  const auto& h = grid_.spec().spacing;
  const bool periodic = grid_.spec().periodic_lateral;
  const double rho = materials_[e.material].nucleation.footprint_radius;
  const double centre[3] = {e.x, e.y, e.z};
  const Box b = grid_.owned();
  // The owned voxels whose faces can reach the disc (indices wrapped where periodic).
  std::int64_t lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    lo[a] = static_cast<std::int64_t>(std::floor((centre[a] - rho) / h[a])) - 1;
    hi[a] = static_cast<std::int64_t>(std::floor((centre[a] + rho) / h[a])) + 1;
    if (periodic && a < 2) {
      if (hi[a] - lo[a] + 1 > d[a]) { lo[a] = 0; hi[a] = d[a] - 1; }
    } else {
      lo[a] = std::max<std::int64_t>(lo[a], 0);
      hi[a] = std::min<std::int64_t>(hi[a], d[a] - 1);
    }
  }
  auto& faces = ionic.faces();
  for (std::int64_t kk = lo[2]; kk <= hi[2]; ++kk)
    for (std::int64_t jj = lo[1]; jj <= hi[1]; ++jj)
      for (std::int64_t ii = lo[0]; ii <= hi[0]; ++ii) {
        const std::int64_t idx[3] = {(ii % d[0] + d[0]) % d[0], (jj % d[1] + d[1]) % d[1], kk};
        if (!b.contains(idx[0], idx[1], idx[2])) continue;
        for (int face = 0; face < 6; ++face) {
          const std::size_t n = ionic.face_number(idx[0], idx[1], idx[2], face);
          if (n == IonicPotential::kNoFace) continue; // no electrode face, so no bare one
          ElectrodeFace& f = faces[n];
          if (f.bare_collector < 0 || f.coverage >= 1 || !covers(e, idx, face)) continue;
          covered_.emplace_back(n, f.coverage);
          f.coverage = 1;
          f.active_cathodic = std::max(f.active_cathodic, f.coverage);
          f.metal_fraction = std::max(f.metal_fraction, f.coverage);
        }
      }
}

void Nucleation::discard(IonicPotential& ionic) {
  // Newest first, so each face ends at the coverage it had before the draw.
  for (auto it = covered_.rbegin(); it != covered_.rend(); ++it) ionic.faces()[it->first].coverage = it->second;
  covered_.clear();
  seeded_.clear();
  pending_.clear();
}

std::vector<NucleusEvent> Nucleation::accept(double t) {
  if (!enabled_) return {};
  for (std::size_t v : seeded_) per_voxel_[v] += 1;
  covered_.clear();
  seeded_.clear();
  count_ += static_cast<std::int64_t>(pending_.size());
  std::vector<NucleusEvent> all;
  if (grid_.rank() == 0) all.swap(pending_);
  for (auto& e : all) e.t = t;
  pending_.clear();
  return all;
}

} // namespace navox

namespace navox {

void Nucleation::register_state(State& state, IonicPotential& ionic) {
  state.bind_integer("nuclei_formed", count_);
  state.add_block("nuclei", {1, nullptr, [this](std::vector<double>& out) { out = per_voxel_; },
                             [this](const std::vector<double>& in) { per_voxel_ = in; }});
  // Footprints cover SE|CC faces only (bare_collector), which are electrode faces.
  state.add_block("coverage",
                  State::member_block(6, ionic.faces(), &ElectrodeFace::coverage, ionic.electrode_slots()));
}

} // namespace navox
