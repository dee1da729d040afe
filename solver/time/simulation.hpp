#pragma once
/// One navox run: the voxel grid with its material labels, the solution fields,
/// the protocol-driven, adaptive time loop and the output schedule.
#include "io/input/config.hpp"
#include "io/output/log.hpp"
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <array>
#include <memory>

namespace navox {

class IonicPotential;
class Nucleation;
class PhaseFieldStep;
class SodiumModel;
struct IonicResult;

/// The solution fields, by name.
std::vector<std::string> solution_fields();

/// What one accepted time step reports (a row of the time series).
struct StepReport {
  double t = 0;                   ///< [s]
  double dt = 0;                  ///< [s]
  int protocol_step = 0;          ///< index into the expanded protocol
  double current_density = 0;     ///< through the SE|metal faces / cell area [A/m²], + = stripping
  double voltage = 0;             ///< V [V]
  double charge = 0;              ///< ∫ current density dt since the start [C/m²]
  double faradaic_charge = 0;     ///< its faradaic part [C/m²]
  double na_volume = 0;           ///< [m³]
  double na_thickness = 0;        ///< Na volume / cell area [m]
  double contact_fraction = 0;    ///< Na|SE contact: area active for stripping (Σ w A) / cell area [-]
  double plating_fraction = 0;    ///< area active for plating (Na contact, nuclei, active bare CC) / cell area [-]
  double max_current_density = 0; ///< largest |current| / area on one face [A/m²]
  double lift = 0;                ///< current-collector displacement [m]
  long snes_iterations = 0, ksp_iterations = 0, potential_iterations = 0;
  long nuclei = 0;                ///< Na nuclei formed since the start
  double nucleus_density = 0;     ///< nuclei / cell area [1/m²]
  int settle_sweeps = 0;          ///< Na settling sweeps of the step (log only)
};

class Simulation {
public:
  /// Opens the microstructure and distributes it; collective, throws CollectiveError on bad data.
  Simulation(MPI_Comm comm, io::Config config, const io::Log& log);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs the protocol (or the potentiostatic hold to time.end), writing output as
  /// scheduled; returns the accepted steps' reports.
  std::vector<StepReport> run();

  const Grid& grid() const { return *grid_; }
  Vec labels() const { return labels_; }
  Vec phi() const { return phi_; }
  Vec xi() const;

private:
  std::vector<io::OutputField> output_fields() const;
  double cell_area() const;
  /// Σ w A over the SE|metal faces: {stripping (Na|SE contact), plating} [m²]. Collective.
  std::array<double, 2> active_areas() const;

  io::Config config_;
  const io::Log& log_;
  std::unique_ptr<Grid> grid_;
  Vec labels_ = nullptr;
  Vec phi_ = nullptr;
  std::unique_ptr<IonicPotential> ionic_;
  std::unique_ptr<SodiumModel> sodium_;
  std::unique_ptr<Nucleation> nucleation_;
  std::unique_ptr<PhaseFieldStep> phase_field_;
};

} // namespace navox
