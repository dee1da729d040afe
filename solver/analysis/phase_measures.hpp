#pragma once
/// What `navox analyze` measures of the analysed phase from its voxel mask: the
/// clusters (connected to a domain face, isolated) at the deck's connectivity, and
/// the conduction solves on its face-connected clusters. The main analysis and each
/// member of a threshold ensemble measure alike through here.
#include "io/output/log.hpp"
#include "mesh/grid.hpp"
#include "solver/analysis/effective_conductivity.hpp"

#include <petscvec.h>

#include <functional>
#include <vector>

namespace navox {

/// One direction of the analysis; `percolates` false leaves the numbers at 0.
struct DirectionReport {
  ConductivityResult result;
  bool percolates = true;
};

/// Fractions of the whole volume; a cluster is connected when it has a voxel on any
/// face of the domain.
struct ClusterReport {
  double phase_fraction = 0;
  double connected_fraction = 0;
  double isolated_fraction = 0;
  long long clusters = 0;
  int sweeps = 0;     ///< of the parallel labelling
  double seconds = 0; ///< labelling and counting
};

struct PhaseReport {
  ClusterReport clusters;
  std::vector<DirectionReport> directions;
};

/// 1 where the owned voxel's material is one of `materials`, else 0 (x fastest).
std::vector<double> phase_mask(const std::vector<int>& labels, const std::vector<int>& materials);

/// Measures the phase of `mask` (this rank's block of 0/1): clusters at `connectivity`,
/// then the conduction solves along `directions` (face-connected, whatever the
/// connectivity). `with_components`, if set, sees the clusters and their labels (global
/// vector of grid.scalar_dm(), -1 outside the phase) before the solves. `log` null: no log lines.
/// The mask is taken over and freed before the solves, which need the memory. Collective.
PhaseReport measure_phase(const Grid& grid, std::vector<double> mask, int connectivity,
                          const std::vector<int>& directions, const io::Log* log,
                          const std::function<void(const ClusterReport&, Vec components)>& with_components = {});

} // namespace navox
