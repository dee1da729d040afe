#pragma once
/// What `navox analyze` measures, and the files rank 0 writes from it.
///
/// `analysis.output` (JSON) and beside it, with the same stem:
///   <stem>.csv             one row per conduction direction
///   <stem>_interfaces.csv  one row per pair of materials that share faces
///   <stem>_chords.csv      chord-length histogram of the analysed phase per axis
#include "io/input/config.hpp"
#include "solver/analysis/chord_lengths.hpp"
#include "solver/analysis/effective_conductivity.hpp"
#include "solver/analysis/interface_areas.hpp"

#include <vector>

namespace navox {

/// One direction of the analysis; `percolates` false leaves the numbers at 0.
struct DirectionReport {
  ConductivityResult result;
  bool percolates = true;
};

/// SE|CC contact, both relative to the projected cell area L_x L_y:
/// `contact_fraction` counts only SE|CC faces normal to z (the area over which the
/// CC touches the SE, seen from above), `area_ratio` all SE|CC faces (the true
/// contact area, larger than the projection on a rough interface).
struct ContactReport {
  double contact_fraction = 0;
  double area_ratio = 0;
};

struct AnalysisReport {
  std::vector<double> material_fraction;
  double phase_fraction = 0;     ///< of the volume
  double connected_fraction = 0; ///< of the volume: components touching any domain face
  double isolated_fraction = 0;  ///< of the volume: components touching none
  long long clusters = 0;
  std::vector<DirectionReport> directions;
  InterfaceFaces faces;
  ContactReport contact;
  ChordLengths chords;
};

/// SE|CC contact from the face counts (every SE material against every CC material).
ContactReport se_cc_contact(const InterfaceFaces& faces, const io::Config& config);

/// Writes the JSON and the three CSV files (rank 0 only; throws navox::Error).
void write_analysis_reports(const io::Config& config, const AnalysisReport& report, int ranks);

} // namespace navox
