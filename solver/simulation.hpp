#pragma once
/// One navox run: the voxel grid with its material labels, the solution fields,
/// the time loop and the output schedule.
#include "io/config.hpp"
#include "io/log.hpp"
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <memory>

namespace navox {

class IonicPotential;

/// The solution fields, by name, in DM order.
std::vector<std::string> solution_fields();

class Simulation {
public:
  /// Opens the microstructure and distributes it; collective, throws CollectiveError on bad data.
  Simulation(MPI_Comm comm, io::Config config, const io::Log& log);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs the time loop to config.time.end, writing output as scheduled.
  void run();

  const Grid& grid() const { return *grid_; }
  Vec labels() const { return labels_; }
  Vec solution() const { return x_; }

private:
  std::vector<io::OutputField> output_fields() const;

  io::Config config_;
  const io::Log& log_;
  std::unique_ptr<Grid> grid_;
  Vec labels_ = nullptr;
  Vec x_ = nullptr;
  std::unique_ptr<IonicPotential> ionic_;
};

} // namespace navox
