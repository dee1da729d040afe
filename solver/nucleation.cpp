#include "solver/nucleation.hpp"

#include "io/random_keys.hpp"
#include "mesh/stencil.hpp"
#include "solver/ionic_potential.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>

namespace navox {

namespace {

/// Stream of the nucleation draws in io::random_keys (0-5 are the generators').
constexpr std::uint64_t kNucleationStream = 6;

/// Calls f(face index, i, j, k, face) for every bare face of an owned SE voxel.
template <class F> void for_bare_faces(const Grid& grid, const IonicPotential& ionic, F&& f) {
  const Box b = grid.owned();
  const auto& faces = ionic.faces();
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i)
        for (int face = 0; face < 6; ++face) {
          const std::size_t n = ionic.face_index(i, j, k, face);
          if (faces[n].bare_collector >= 0 && !faces[n].nucleated) f(n, i, j, k, face);
        }
}

} // namespace

Nucleation::Nucleation(const Grid& grid, const MaterialTable& materials, const io::NucleationSpec& spec)
    : grid_(grid), materials_(materials), spec_(spec),
      per_voxel_(static_cast<std::size_t>(grid.owned().size()), 0.0) {
  for (const auto& m : materials_) enabled_ = enabled_ || m.nucleates;
}

double Nucleation::limit_step(const IonicPotential& ionic, double dt, double temperature) const {
  if (!enabled_) return dt;
  const auto& h = grid_.spec().spacing;
  double local[2] = {0, 0}; // expected nuclei, bare faces
  for_bare_faces(grid_, ionic, [&](std::size_t n, auto, auto, auto, int face) {
    const physics::ClassicalNucleation& cnt = materials_[ionic.faces()[n].bare_collector].nucleation;
    local[0] += cnt.probability(ionic.faces()[n].eta_old, temperature, face_area(h, face), dt);
    local[1] += 1;
  });
  double global[2];
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, grid_.comm());
  const double allowed = std::max(0.25, spec_.max_step_fraction * global[1]);
  // p ≈ J A Δt while small: the expectation shrinks in proportion to the step.
  return global[0] > allowed ? dt * allowed / global[0] : dt;
}

void Nucleation::draw(IonicPotential& ionic, long step, double dt, double temperature) {
  drawn_.clear();
  pending_.clear();
  if (!enabled_) return;
  const auto& d = grid_.spec().dims;
  const auto& h = grid_.spec().spacing;
  auto& faces = ionic.faces();
  for_bare_faces(grid_, ionic, [&](std::size_t n, std::int64_t i, std::int64_t j, std::int64_t k, int face) {
    ElectrodeFace& f = faces[n];
    const physics::ClassicalNucleation& cnt = materials_[f.bare_collector].nucleation;
    const double p = cnt.probability(f.eta_old, temperature, face_area(h, face), dt);
    if (!(p > 0)) return;
    const std::int64_t global_face = ((k * d[1] + j) * d[0] + i) * 6 + face;
    const std::uint64_t key = io::random_keys::cell_key(spec_.seed, kNucleationStream, global_face, step, 0);
    if (io::random_keys::uniform01(key, 0) >= p) return;
    NucleusEvent e;
    e.step = step;
    e.face = global_face;
    e.x = (double(i) + 0.5 + 0.5 * kFaceOffset[face][0]) * h[0];
    e.y = (double(j) + 0.5 + 0.5 * kFaceOffset[face][1]) * h[1];
    e.z = (double(k) + 0.5 + 0.5 * kFaceOffset[face][2]) * h[2];
    e.eta = f.eta_old;
    e.critical_radius = cnt.critical_radius(f.eta_old);
    e.charge = physics::kFaraday * cnt.nucleus_volume(f.eta_old) / cnt.molar_volume;
    e.material = f.bare_collector;
    f.nucleated = true;
    f.active_cathodic = f.metal_fraction = 1;
    drawn_.push_back(n);
    pending_.push_back(e);
  });
}

void Nucleation::discard(IonicPotential& ionic) {
  for (std::size_t n : drawn_) ionic.faces()[n].nucleated = false;
  drawn_.clear();
  pending_.clear();
}

std::vector<NucleusEvent> Nucleation::accept(double t) {
  if (!enabled_) return {};
  for (std::size_t n : drawn_) per_voxel_[n / 6] += 1;
  drawn_.clear();
  long mine = static_cast<long>(pending_.size()), total = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_LONG, MPI_SUM, grid_.comm());
  count_ += total;
  std::vector<NucleusEvent> all;
  if (total > 0) {
    // Few events: gather them as raw bytes on rank 0 and sort by face for a fixed order.
    const int bytes = static_cast<int>(pending_.size() * sizeof(NucleusEvent));
    std::vector<int> counts(static_cast<std::size_t>(grid_.size())), displs(counts.size(), 0);
    MPI_Gather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, grid_.comm());
    for (std::size_t r = 1; r < counts.size(); ++r) displs[r] = displs[r - 1] + counts[r - 1];
    if (grid_.rank() == 0) all.resize(static_cast<std::size_t>(total));
    MPI_Gatherv(pending_.data(), bytes, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, 0,
                grid_.comm());
    for (auto& e : all) e.t = t;
    std::sort(all.begin(), all.end(), [](const NucleusEvent& a, const NucleusEvent& b) { return a.face < b.face; });
  }
  pending_.clear();
  return all;
}

} // namespace navox
