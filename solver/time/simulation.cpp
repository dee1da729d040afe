#include "solver/time/simulation.hpp"

#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "solver/app/memory_guard.hpp"
#include "solver/time/state.hpp"

#include <algorithm>

namespace navox {

std::vector<std::string> solution_fields() { return {"phi", "xi", "theta"}; }

double StepReport::operator[](const std::string& name) const {
  if (names)
    for (std::size_t c = 0; c < names->size() && c < values.size(); ++c)
      if ((*names)[c] == name) return values[c];
  throw Error("no time-series column " + name);
}

Simulation::Simulation(MPI_Comm comm, io::Config config, const io::Log& log)
    : config_(std::move(config)), log_(log) {
  std::unique_ptr<io::LabelSource> cell = io::open_cell(comm, config_, log_);
  const auto& d = config_.grid.dims;
  const auto& h = config_.grid.spacing;
  log_.info("microstructure: %s", cell->describe().c_str());
  log_.info("grid: %lld x %lld x %lld voxels of %.4g x %.4g x %.4g um (%.4g x %.4g x %.4g um)", (long long)d[0],
            (long long)d[1], (long long)d[2], h[0] * 1e6, h[1] * 1e6, h[2] * 1e6, d[0] * h[0] * 1e6,
            d[1] * h[1] * 1e6, d[2] * h[2] * 1e6);

  // With a stack pressure the elastic solve has 3 unknowns per vertex (solver/mechanics).
  check_grid_fits(comm, config_.grid, kRunBytesPerVoxel, config_.conditions.stack_pressure_given ? 3 : 0);
  grid_ = std::make_unique<Grid>(comm, config_.grid, solution_fields());
  state_ = std::make_unique<State>(*grid_);
  Vec labels = state_->add_field("label", grid_->scalar_dm());
  // Each rank reads and segments only its own block.
  collectively(comm, [&] {
    const std::vector<int> block = cell->labels(grid_->owned());
    set_scalar_block(*grid_, labels, std::vector<double>(block.begin(), block.end()));
  });

  // Phase fractions, summed over ranks in a fixed order of materials.
  std::vector<double> count(config_.materials.size(), 0.0), total(count.size());
  for (double v : scalar_block(*grid_, labels)) count[static_cast<std::size_t>(v)] += 1;
  MPI_Allreduce(count.data(), total.data(), static_cast<int>(count.size()), MPI_DOUBLE, MPI_SUM, comm);
  for (std::size_t m = 0; m < total.size(); ++m)
    log_.info("  material %zu %-10s %-4s %6.2f %%", m, config_.materials[m].name.c_str(),
              phase_name(config_.materials[m].phase), 100.0 * total[m] / double(grid_->voxel_count()));
  const std::array<int, 3> split = grid_->ranks_per_axis();
  log_.info("partition: %d ranks, %lld x %lld x %lld voxels on rank 0 (ranks along x, y, z: %d, %d, %d)",
            grid_->size(), (long long)grid_->blocks()[0].n[0], (long long)grid_->blocks()[0].n[1],
            (long long)grid_->blocks()[0].n[2], split[0], split[1], split[2]);

  const ModuleSetup setup{*grid_, *state_, config_, log_, modules_};
  for (const ModuleRegistration& r : registered_modules())
    if (auto m = r.make(setup)) modules_.push_back(std::move(m));
}

Simulation::~Simulation() {
  modules_.clear();
  state_.reset();
}

Vec Simulation::labels() const { return state_->field("label"); }
Vec Simulation::phi() const { return state_->field("phi"); }
Vec Simulation::xi() const { return state_->field("xi"); }

std::vector<io::OutputField> Simulation::output_fields() const {
  using T = io::OutputField::Type;
  std::vector<io::OutputField> out;
  // Each computed when written (io::OutputField::make): one field in memory at a time.
  out.push_back({"label", T::int32, {}, "", 1, [this] { return scalar_block(*grid_, state_->field("label")); }});
  out.push_back({"rank", T::int32, {}, "", 1, [this] {
                   return std::vector<double>(static_cast<std::size_t>(grid_->owned().size()), double(grid_->rank()));
                 }});
  for (const auto& m : modules_) m->outputs(out);
  return out;
}

std::vector<io::TimeSeries::Column> Simulation::columns() const {
  std::vector<io::TimeSeries::Column> c = {{"t", "s"},     {"step", ""}, {"protocol_step", ""},
                                           {"dt", "s"},     {"I", "A/m^2"}, {"V", "V"},
                                           {"charge", "C/m^2"}, {"faradaic_charge", "C/m^2"}};
  for (const auto& m : modules_) m->columns(c);
  return c;
}

} // namespace navox
