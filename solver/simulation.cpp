#include "solver/simulation.hpp"

#include "io/output_writer.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "solver/ionic_potential.hpp"

#include <petsctime.h>

#include <algorithm>
#include <cmath>

namespace navox {

std::vector<std::string> solution_fields() { return {"phi"}; }

Simulation::Simulation(MPI_Comm comm, io::Config config, const io::Log& log)
    : config_(std::move(config)), log_(log) {
  std::unique_ptr<io::LabelSource> cell;
  collectively(comm, [&] { cell = io::open_microstructure(config_); });
  const auto& d = config_.grid.dims;
  const auto& h = config_.grid.spacing;
  log_.info("microstructure: %s", cell->describe().c_str());
  log_.info("grid: %lld x %lld x %lld voxels of %.4g x %.4g x %.4g um (%.4g x %.4g x %.4g um)", (long long)d[0],
            (long long)d[1], (long long)d[2], h[0] * 1e6, h[1] * 1e6, h[2] * 1e6, d[0] * h[0] * 1e6,
            d[1] * h[1] * 1e6, d[2] * h[2] * 1e6);

  grid_ = std::make_unique<Grid>(comm, config_.grid, solution_fields());
  NAVOX_CALL(DMCreateGlobalVector(grid_->scalar_dm(), &labels_));
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(labels_), "label"));
  // Each rank reads and segments only its own block.
  collectively(comm, [&] {
    const std::vector<int> block = cell->labels(grid_->owned());
    set_scalar_block(*grid_, labels_, std::vector<double>(block.begin(), block.end()));
  });
  NAVOX_CALL(DMCreateGlobalVector(grid_->dm(), &x_));
  NAVOX_CALL(VecSet(x_, 0.0));

  // Phase fractions, summed over ranks in a fixed order of materials.
  std::vector<double> count(config_.materials.size(), 0.0), total(count.size());
  for (double v : scalar_block(*grid_, labels_)) count[static_cast<std::size_t>(v)] += 1;
  MPI_Allreduce(count.data(), total.data(), static_cast<int>(count.size()), MPI_DOUBLE, MPI_SUM, comm);
  for (std::size_t m = 0; m < total.size(); ++m)
    log_.info("  material %zu %-10s %-4s %6.2f %%", m, config_.materials[m].name.c_str(),
              phase_name(config_.materials[m].phase), 100.0 * total[m] / double(grid_->voxel_count()));
  log_.info("partition: %d ranks, %lld x %lld x %lld voxels on rank 0", grid_->size(),
            (long long)grid_->blocks()[0].n[0], (long long)grid_->blocks()[0].n[1],
            (long long)grid_->blocks()[0].n[2]);

  ionic_ = std::make_unique<IonicPotential>(*grid_, labels_, config_.materials);
}

Simulation::~Simulation() {
  ionic_.reset();
  if (x_) (void)VecDestroy(&x_);
  if (labels_) (void)VecDestroy(&labels_);
}

std::vector<io::OutputField> Simulation::output_fields() const {
  using T = io::OutputField::Type;
  std::vector<io::OutputField> out;
  out.push_back({"label", T::int32, scalar_block(*grid_, labels_)});
  out.push_back({"rank", T::int32, std::vector<double>(grid_->owned().size(), double(grid_->rank()))});
  for (const auto& name : grid_->fields()) out.push_back({name, T::float64, field_block(*grid_, x_, grid_->field(name))});
  return out;
}

void Simulation::run() {
  io::OutputWriter writer(*grid_, config_.output, io::material_legend(config_.materials));
  const auto& d = config_.grid.dims;
  const auto& h = config_.grid.spacing;
  const double area = d[0] * h[0] * d[1] * h[1];
  const double t_end = config_.time.end;
  double t = 0;
  long step = 0;
  IonicConditions cond{config_.conditions.temperature, config_.conditions.electrode_potential};

  auto advance = [&]() {
    PetscLogDouble t0 = 0, t1 = 0;
    PetscTime(&t0);
    const IonicResult r = ionic_->solve(x_, cond);
    PetscTime(&t1);
    log_.info("step %5ld  t = %-10.4g s  %5.1f %%  phi: %d KSP its  i(CE->CC) = %.5g mA/cm^2  (%.3f s)", step, t,
              t_end > 0 ? 100.0 * t / t_end : 100.0, int(r.ksp_iterations), r.counter_current / area * 0.1,
              double(t1 - t0));
  };
  auto output = [&]() {
    writer.write({step, t}, output_fields());
  };

  advance();
  output();
  while (t < t_end * (1 - 1e-12)) {
    const double dt = std::min(config_.time.dt, t_end - t);
    t += dt;
    ++step;
    advance();
    if (step % config_.output.every == 0 || t >= t_end * (1 - 1e-12)) output();
  }
  log_.info("done: %ld steps to t = %.4g s; output in %s/%s.{xmf,pvd}", step, t, config_.output.directory.c_str(),
            config_.output.prefix.c_str());
}

} // namespace navox
