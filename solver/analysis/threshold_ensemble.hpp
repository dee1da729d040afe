#pragma once
/// Segmentation uncertainty: the analysed phase measured again with the volume's
/// threshold moved to t + m S, m = -K..K (`analysis.threshold_ensemble`).
///
/// A greyscale scan has no single right threshold; how much the volume fraction, the
/// connected fraction and the tortuosity move over a plausible band of thresholds is
/// the part of their uncertainty that the segmentation contributes. Each member
/// re-reads and re-segments the volume at its threshold (the labels of the whole
/// cell, stacked layers included) and measures the phase exactly as the main
/// analysis does (phase_measures.hpp); the member at m = 0 is the main analysis.
#include "io/input/config.hpp"
#include "mesh/grid.hpp"
#include "solver/analysis/phase_measures.hpp"

#include <vector>

namespace navox {

struct EnsembleMember {
  double threshold = 0;
  PhaseReport phase;
};

/// A quantity over the members that have it (tau: those that percolate): its value at
/// the deck's threshold (NaN if that member has none), min, max and population
/// standard deviation; `members` = how many had it (0: all others are NaN).
struct Spread {
  double at = 0, min = 0, max = 0, std = 0;
  int members = 0;
};

/// values[n] of member n (NaN: none); `at` indexes the deck's threshold.
Spread spread_of(const std::vector<double>& values, std::size_t at);

struct ThresholdEnsembleReport {
  int levels = 0;   ///< K
  double step = 0;  ///< S [grey values]
  std::vector<EnsembleMember> members; ///< 2K + 1, by rising threshold; members[K] at the deck's threshold
};

/// The members other than m = 0 (given: the main analysis's `at_threshold`). Collective.
ThresholdEnsembleReport threshold_ensemble(const Grid& grid, const io::Config& config, const PhaseReport& at_threshold,
                                           const io::Log& log);

} // namespace navox
