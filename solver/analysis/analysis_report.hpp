#pragma once
/// What `navox analyze` measures, and the files rank 0 writes from it.
///
/// `analysis.output` (JSON) and beside it, with the same stem:
///   <stem>.csv             one row per conduction direction
///   <stem>_interfaces.csv  one row per pair of materials that share faces
///   <stem>_chords.csv      chord-length histogram of the analysed phase per axis
///   <stem>_ensemble.csv    with analysis.threshold_ensemble: one row per threshold and direction
#include "io/input/config.hpp"
#include "solver/analysis/chord_lengths.hpp"
#include "solver/analysis/effective_conductivity.hpp"
#include "solver/analysis/interface_areas.hpp"
#include "solver/analysis/phase_measures.hpp"
#include "solver/analysis/threshold_ensemble.hpp"

#include <optional>
#include <string>
#include <vector>

namespace navox {

/// SE|CC contact, both relative to the projected cell area L_x L_y:
/// `contact_fraction` counts only SE|CC faces normal to z (the area over which the
/// CC touches the SE, seen from above), `area_ratio` all SE|CC faces (the true
/// contact area, larger than the projection on a rough interface).
struct ContactReport {
  double contact_fraction = 0;
  double area_ratio = 0;
};

/// How the volume's grey values became materials (a cell with a volume only).
struct SegmentationReport {
  std::string method;              ///< "label_map", "ranges", "label_map+ranges" or "otsu"
  std::optional<double> threshold; ///< the boundary of a threshold segmentation
  std::optional<io::OtsuChoice> otsu;
};

struct AnalysisReport {
  std::vector<double> material_fraction;
  PhaseReport phase; ///< the analysed phase: clusters, fractions and the conduction solves
  InterfaceFaces faces;
  ContactReport contact;
  ChordLengths chords;
  std::optional<SegmentationReport> segmentation;
  std::optional<ThresholdEnsembleReport> ensemble;
};

/// SE|CC contact from the face counts (every SE material against every CC material).
ContactReport se_cc_contact(const InterfaceFaces& faces, const io::Config& config);

/// Writes the JSON and the CSV files (rank 0 only; throws navox::Error).
void write_analysis_reports(const io::Config& config, const AnalysisReport& report, int ranks);

} // namespace navox
