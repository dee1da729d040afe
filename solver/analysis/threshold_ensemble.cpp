#include "solver/analysis/threshold_ensemble.hpp"

#include "mesh/collective.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace navox {

Spread spread_of(const std::vector<double>& values, std::size_t at) {
  Spread s;
  s.at = at < values.size() ? values[at] : NAN;
  double sum = 0, sum2 = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    s.min = s.members ? std::min(s.min, v) : v;
    s.max = s.members ? std::max(s.max, v) : v;
    sum += v;
    ++s.members;
  }
  if (s.members == 0) return Spread{s.at, NAN, NAN, NAN, 0};
  const double mean = sum / s.members;
  for (double v : values)
    if (!std::isnan(v)) sum2 += (v - mean) * (v - mean);
  s.std = std::sqrt(sum2 / s.members);
  return s;
}

ThresholdEnsembleReport threshold_ensemble(const Grid& grid, const io::Config& config, const PhaseReport& at_threshold,
                                           const io::Log& log) {
  const auto& spec = *config.analysis.threshold_ensemble;
  const io::Segmentation& seg = config.microstructure.volume->segmentation;
  const double t0 = *seg.threshold();
  ThresholdEnsembleReport r;
  r.levels = spec.levels;
  r.step = spec.step;
  log.info("threshold ensemble: %d thresholds %.8g + m %.8g, m = %d..%d", 2 * spec.levels + 1, t0, spec.step,
           -spec.levels, spec.levels);
  for (int m = -spec.levels; m <= spec.levels; ++m) {
    EnsembleMember member;
    member.threshold = t0 + m * spec.step;
    if (m == 0) {
      member.phase = at_threshold;
    } else {
      io::Config level = config;
      level.microstructure.volume->segmentation = seg.at_threshold(member.threshold);
      std::vector<int> labels;
      collectively(grid.comm(), [&] { labels = io::open_microstructure(level)->labels(grid.owned()); });
      member.phase = measure_phase(grid, phase_mask(labels, config.analysis.materials), config.analysis.connectivity,
                                   config.analysis.directions, nullptr);
    }
    std::string taus;
    for (const DirectionReport& d : member.phase.directions) {
      char text[48] = "";
      if (d.percolates) std::snprintf(text, sizeof text, " tau_%s %.6g", axis_name(d.result.axis), d.result.tortuosity);
      else std::snprintf(text, sizeof text, " tau_%s -", axis_name(d.result.axis));
      taus += text;
    }
    log.info("  threshold %.8g: phase %.4f %%, connected %.4f %%,%s", member.threshold,
             100 * member.phase.clusters.phase_fraction, 100 * member.phase.clusters.connected_fraction, taus.c_str());
    r.members.push_back(std::move(member));
  }
  return r;
}

} // namespace navox
