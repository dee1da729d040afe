#include "solver/analysis/analyze.hpp"

#include "io/output/output_writer.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "solver/app/memory_guard.hpp"

#include <utility>

namespace navox {

namespace {

/// The analysed cell as output step 0: material labels, rank ownership and the
/// component labels of the analysed phase (-1 outside it).
void write_analysis_fields(const Grid& grid, const io::Config& config, const std::vector<int>& labels,
                           const std::vector<double>& components) {
  using T = io::OutputField::Type;
  io::OutputWriter out(grid, config.output, io::material_legend(config.materials));
  out.write(io::StepInfo{0, 0.0},
            {{"label", T::int32, std::vector<double>(labels.begin(), labels.end()), ""},
             {"rank", T::int32, std::vector<double>(labels.size(), double(grid.rank())), ""},
             {"components", T::float64, components, ""}});
}

SegmentationReport segmentation_report(const io::Segmentation& seg, std::optional<io::OtsuChoice> otsu) {
  SegmentationReport r;
  r.method = seg.otsu ? "otsu" : !seg.label_map.empty() && !seg.ranges.empty() ? "label_map+ranges"
                               : seg.label_map.empty()                       ? "ranges"
                                                                               : "label_map";
  r.threshold = seg.threshold();
  r.otsu = std::move(otsu);
  return r;
}

/// Volume fraction of each material, from integer counts summed over ranks.
std::vector<double> material_fractions(const Grid& grid, const std::vector<int>& labels, std::size_t materials) {
  std::vector<std::int64_t> count(materials, 0), total(materials, 0);
  for (int l : labels) ++count[static_cast<std::size_t>(l)];
  MPI_Allreduce(count.data(), total.data(), static_cast<int>(materials), MPI_INT64_T, MPI_SUM, grid.comm());
  std::vector<double> fraction(materials);
  for (std::size_t m = 0; m < materials; ++m) fraction[m] = double(total[m]) / double(grid.voxel_count());
  return fraction;
}

InterfaceFaces interface_faces(const Grid& grid, const std::vector<int>& labels, int materials) {
  return with_scalar_vec(grid, std::vector<double>(labels.begin(), labels.end()),
                         [&](Vec v) { return count_interface_faces(grid, v, materials); });
}

} // namespace

AnalysisReport analyze_cell(MPI_Comm comm, io::Config& config, const io::Log& log) {
  AnalysisReport report;
  std::optional<io::OtsuChoice> otsu;
  std::unique_ptr<io::LabelSource> cell = io::open_cell(comm, config, log, &otsu);
  log.info("microstructure: %s", cell->describe().c_str());
  if (config.microstructure.volume)
    report.segmentation = segmentation_report(config.microstructure.volume->segmentation, otsu);
  const GridSpec spec = config.grid;
  check_grid_fits(comm, spec, kAnalysisBytesPerVoxel);
  Grid grid(comm, spec, {});
  const auto& d = spec.dims;
  log.info("grid: %lld x %lld x %lld voxels", (long long)d[0], (long long)d[1], (long long)d[2]);

  std::vector<int> labels;
  collectively(comm, [&] { labels = cell->labels(grid.owned()); });
  const auto materials = config.materials.size();
  report.material_fraction = material_fractions(grid, labels, materials);
  for (std::size_t m = 0; m < materials; ++m)
    log.info("  material %zu %-10s %-5s %8.4f %%", m, config.materials[m].name.c_str(),
             phase_name(config.materials[m].phase), 100 * report.material_fraction[m]);
  report.faces = interface_faces(grid, labels, static_cast<int>(materials));
  report.contact = se_cc_contact(report.faces, config);
  log.info("SE|CC contact: %.4f %% of the projected area (faces normal to z), area ratio %.4f",
           100 * report.contact.contact_fraction, report.contact.area_ratio);
  std::vector<double> mask = phase_mask(labels, config.analysis.materials);
  report.chords = chord_lengths(grid, std::vector<char>(mask.begin(), mask.end()));
  for (int axis = 0; axis < 3; ++axis)
    log.info("  chords along %s: %lld, mean %.4g m", axis_name(axis), (long long)report.chords.chords(axis),
             report.chords.mean_length(axis, spec.spacing[axis]));

  // Clusters with the deck's connectivity, then the conduction solves; the fields go
  // out in between, and the labels are freed before the solves need the memory.
  const int connectivity = config.analysis.connectivity;
  auto before_solves = [&](const ClusterReport& c, Vec components) {
    log.info("phase %s: %.4f %% of the volume in %lld clusters (%d-connected); connected to the boundary %.4f %%, "
             "isolated %.4f %% (%d sweeps, %.3f s)",
             config.analysis.phase.c_str(), 100 * c.phase_fraction, c.clusters, connectivity,
             100 * c.connected_fraction, 100 * c.isolated_fraction, c.sweeps, c.seconds);
    if (config.has_output) write_analysis_fields(grid, config, labels, scalar_block(grid, components));
    std::vector<int>().swap(labels);
  };
  report.phase = measure_phase(grid, std::move(mask), connectivity, config.analysis.directions, &log, before_solves);
  if (config.analysis.threshold_ensemble) report.ensemble = threshold_ensemble(grid, config, report.phase, log);
  return report;
}

} // namespace navox
