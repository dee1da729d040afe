#include "solver/analysis/analysis_report.hpp"

#include <filesystem>
#include <fstream>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace navox {

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

/// A number, or null for NaN and infinities (which JSON has no word for).
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream os;
  os << std::setprecision(12) << v;
  return os.str();
}

std::filesystem::path beside(const std::string& json, const std::string& suffix) {
  std::filesystem::path p = json;
  return p.replace_filename(p.stem().string() + suffix);
}

std::ofstream open_report(const std::filesystem::path& p) {
  std::ofstream f(p);
  if (!f) throw Error(p.string() + ": cannot write the analysis report");
  f << std::setprecision(12);
  return f;
}

void finish(std::ofstream& f, const std::filesystem::path& p) {
  f.flush();
  if (!f) throw Error(p.string() + ": write failed");
}

void write_json_interfaces(std::ostream& j, const io::Config& config, const AnalysisReport& r) {
  const auto& mats = config.materials;
  const auto& h = config.grid.spacing;
  const auto& d = config.grid.dims;
  const double volume = double(d[0]) * double(d[1]) * double(d[2]) * h[0] * h[1] * h[2];
  j << "  \"interfaces\": [";
  bool first = true;
  for (int a = 0; a < int(mats.size()); ++a)
    for (int b = a + 1; b < int(mats.size()); ++b) {
      const double area = r.faces.area(a, b, h);
      if (area == 0) continue;
      j << (first ? "\n    " : ",\n    ") << "{\"materials\": [" << json_string(mats[a].name) << ", "
        << json_string(mats[b].name) << "], \"phases\": [" << json_string(phase_name(mats[a].phase)) << ", "
        << json_string(phase_name(mats[b].phase)) << "], \"area_m2\": " << area
        << ", \"area_per_volume_per_m\": " << area / volume << ", \"faces_xyz\": [" << r.faces.count(0, a, b) << ", "
        << r.faces.count(1, a, b) << ", " << r.faces.count(2, a, b) << "]}";
      first = false;
    }
  j << (first ? "],\n" : "\n  ],\n");
  j << "  \"se_cc_contact\": {\"contact_fraction\": " << r.contact.contact_fraction
    << ", \"area_ratio\": " << r.contact.area_ratio
    << ", \"definition\": \"SE|CC face area normal to z (contact_fraction) and in total (area_ratio), over the "
       "projected cell area Lx*Ly\"},\n";
}

void write_json_chords(std::ostream& j, const io::Config& config, const AnalysisReport& r) {
  j << "  \"chords\": [";
  for (int axis = 0; axis < 3; ++axis)
    j << (axis ? ",\n    " : "\n    ") << "{\"axis\": \"" << axis_name(axis) << "\", \"chords\": "
      << r.chords.chords(axis) << ", \"mean_length_m\": " << r.chords.mean_length(axis, config.grid.spacing[axis])
      << "}";
  j << "\n  ],\n";
}

void write_json_segmentation(std::ostream& j, const SegmentationReport& s) {
  j << "  \"segmentation\": {\"method\": " << json_string(s.method)
    << ", \"threshold\": " << (s.threshold ? json_number(*s.threshold) : "null");
  if (s.otsu) {
    const io::GreyHistogram& h = s.otsu->histogram;
    j << ", \"histogram\": {\"voxels\": " << h.voxels() << ", \"min\": " << json_number(h.min)
      << ", \"max\": " << json_number(h.max) << ", \"bins\": " << h.counts.size()
      << ", \"bin_width\": " << json_number(h.width) << ", \"one_bin_per_integer\": " << (h.integers ? "true" : "false")
      << "}";
  }
  j << "},\n";
}

void write_json_spread(std::ostream& j, const Spread& s) {
  j << "\"at_threshold\": " << json_number(s.at) << ", \"min\": " << json_number(s.min)
    << ", \"max\": " << json_number(s.max) << ", \"std\": " << json_number(s.std) << ", \"members\": " << s.members;
}

/// The tortuosity of each member along directions[n] (NaN where it does not percolate).
std::vector<double> member_tortuosity(const ThresholdEnsembleReport& e, std::size_t n) {
  std::vector<double> tau;
  for (const EnsembleMember& m : e.members) {
    const DirectionReport& d = m.phase.directions[n];
    tau.push_back(d.percolates ? d.result.tortuosity : NAN);
  }
  return tau;
}

void write_json_ensemble(std::ostream& j, const ThresholdEnsembleReport& e, const std::vector<int>& directions) {
  std::vector<double> fraction, connected;
  for (const EnsembleMember& m : e.members) {
    fraction.push_back(m.phase.clusters.phase_fraction);
    connected.push_back(m.phase.clusters.connected_fraction);
  }
  const auto at = static_cast<std::size_t>(e.levels);
  j << ",\n  \"threshold_ensemble\": {\"levels\": " << e.levels << ", \"step\": " << json_number(e.step)
    << ",\n    \"volume_fraction\": {";
  write_json_spread(j, spread_of(fraction, at));
  j << "},\n    \"connected_fraction\": {";
  write_json_spread(j, spread_of(connected, at));
  j << "},\n    \"tortuosity\": [";
  for (std::size_t n = 0; n < directions.size(); ++n) {
    j << (n ? ", " : "") << "{\"axis\": \"" << axis_name(directions[n]) << "\", ";
    write_json_spread(j, spread_of(member_tortuosity(e, n), at));
    j << "}";
  }
  j << "],\n    \"members\": [";
  for (std::size_t m = 0; m < e.members.size(); ++m) {
    const EnsembleMember& member = e.members[m];
    j << (m ? ",\n      " : "\n      ") << "{\"threshold\": " << json_number(member.threshold)
      << ", \"volume_fraction\": " << member.phase.clusters.phase_fraction
      << ", \"connected_fraction\": " << member.phase.clusters.connected_fraction << ", \"tortuosity\": {";
    for (std::size_t n = 0; n < member.phase.directions.size(); ++n) {
      const DirectionReport& d = member.phase.directions[n];
      j << (n ? ", " : "") << "\"" << axis_name(d.result.axis)
        << "\": " << (d.percolates ? json_number(d.result.tortuosity) : "null");
    }
    j << "}}";
  }
  j << "\n    ]}";
}

void write_json(const std::filesystem::path& path, const io::Config& config, const AnalysisReport& r, int ranks) {
  std::ofstream j = open_report(path);
  const auto& g = config.grid;
  j << "{\n  \"input\": " << json_string(config.file) << ",\n  \"ranks\": " << ranks << ",\n"
    << "  \"dims\": [" << g.dims[0] << ", " << g.dims[1] << ", " << g.dims[2] << "],\n"
    << "  \"spacing_m\": [" << g.spacing[0] << ", " << g.spacing[1] << ", " << g.spacing[2] << "],\n"
    << "  \"materials\": [";
  for (std::size_t m = 0; m < config.materials.size(); ++m)
    j << (m ? ", " : "") << "{\"name\": " << json_string(config.materials[m].name)
      << ", \"phase\": " << json_string(phase_name(config.materials[m].phase))
      << ", \"volume_fraction\": " << r.material_fraction[m] << "}";
  j << "],\n";
  if (r.segmentation) write_json_segmentation(j, *r.segmentation);
  const ClusterReport& c = r.phase.clusters;
  j << "  \"phase\": {\"name\": " << json_string(config.analysis.phase)
    << ", \"volume_fraction\": " << c.phase_fraction << ", \"connected_fraction\": " << c.connected_fraction
    << ", \"isolated_fraction\": " << c.isolated_fraction << ", \"clusters\": " << c.clusters
    << ", \"connectivity\": " << config.analysis.connectivity << "},\n";
  write_json_interfaces(j, config, r);
  write_json_chords(j, config, r);
  const std::vector<DirectionReport>& dirs = r.phase.directions;
  j << "  \"directions\": [";
  for (std::size_t n = 0; n < dirs.size(); ++n) {
    const DirectionReport& d = dirs[n];
    j << (n ? ",\n    " : "\n    ") << "{\"axis\": \"" << axis_name(d.result.axis)
      << "\", \"percolates\": " << (d.percolates ? "true" : "false");
    if (d.percolates)
      j << ", \"sigma_eff_over_sigma\": " << d.result.ratio << ", \"tortuosity\": " << d.result.tortuosity
        << ", \"spanning_fraction\": " << d.result.active_fraction << ", \"iterations\": " << d.result.iterations
        << ", \"seconds\": " << d.result.seconds;
    j << "}";
  }
  j << (dirs.empty() ? "]" : "\n  ]");
  if (r.ensemble) write_json_ensemble(j, *r.ensemble, config.analysis.directions);
  j << "\n}\n";
  finish(j, path);
}

void write_directions_csv(const std::filesystem::path& path, const AnalysisReport& r) {
  std::ofstream c = open_report(path);
  c << "axis,percolates,volume_fraction,spanning_fraction,sigma_eff_over_sigma,tortuosity,iterations,seconds\n";
  for (const DirectionReport& d : r.phase.directions) {
    c << axis_name(d.result.axis) << "," << (d.percolates ? 1 : 0) << "," << r.phase.clusters.phase_fraction << ",";
    if (d.percolates)
      c << d.result.active_fraction << "," << d.result.ratio << "," << d.result.tortuosity << ","
        << d.result.iterations << "," << d.result.seconds << "\n";
    else
      c << "0,0,,0,0\n";
  }
  finish(c, path);
}

void write_interfaces_csv(const std::filesystem::path& path, const io::Config& config, const AnalysisReport& r) {
  std::ofstream c = open_report(path);
  const auto& mats = config.materials;
  c << "material_a,material_b,phase_a,phase_b,faces_x,faces_y,faces_z,area_m2\n";
  for (int a = 0; a < int(mats.size()); ++a)
    for (int b = a + 1; b < int(mats.size()); ++b) {
      const double area = r.faces.area(a, b, config.grid.spacing);
      if (area == 0) continue;
      c << mats[a].name << "," << mats[b].name << "," << phase_name(mats[a].phase) << "," << phase_name(mats[b].phase)
        << "," << r.faces.count(0, a, b) << "," << r.faces.count(1, a, b) << "," << r.faces.count(2, a, b) << ","
        << area << "\n";
    }
  finish(c, path);
}

void write_chords_csv(const std::filesystem::path& path, const io::Config& config, const AnalysisReport& r) {
  std::ofstream c = open_report(path);
  c << "axis,length_voxels,length_m,count\n";
  for (int axis = 0; axis < 3; ++axis)
    for (std::size_t l = 1; l < r.chords.counts[axis].size(); ++l)
      if (r.chords.counts[axis][l] > 0)
        c << axis_name(axis) << "," << l << "," << double(l) * config.grid.spacing[axis] << ","
          << r.chords.counts[axis][l] << "\n";
  finish(c, path);
}

/// One row per threshold and direction (one per threshold, direction and tau empty,
/// without directions); tau empty where the phase does not percolate.
void write_ensemble_csv(const std::filesystem::path& path, const ThresholdEnsembleReport& e) {
  std::ofstream c = open_report(path);
  c << "threshold,direction,volume_fraction,connected_fraction,tau\n";
  for (const EnsembleMember& m : e.members) {
    const std::string head = json_number(m.threshold) + ",";
    const ClusterReport& k = m.phase.clusters;
    if (m.phase.directions.empty()) c << head << "," << k.phase_fraction << "," << k.connected_fraction << ",\n";
    for (const DirectionReport& d : m.phase.directions) {
      c << head << axis_name(d.result.axis) << "," << k.phase_fraction << "," << k.connected_fraction << ",";
      if (d.percolates) c << d.result.tortuosity;
      c << "\n";
    }
  }
  finish(c, path);
}

} // namespace

ContactReport se_cc_contact(const InterfaceFaces& faces, const io::Config& config) {
  const auto& mats = config.materials;
  const auto& h = config.grid.spacing;
  double normal = 0, total = 0;
  for (int a = 0; a < int(mats.size()); ++a)
    for (int b = 0; b < int(mats.size()); ++b)
      if (mats[a].phase == Phase::SE && mats[b].phase == Phase::CC) {
        normal += double(faces.count(2, a, b)) * h[0] * h[1];
        total += faces.area(a, b, h);
      }
  const double projected = config.grid.xy_area();
  return ContactReport{normal / projected, total / projected};
}

void write_analysis_reports(const io::Config& config, const AnalysisReport& report, int ranks) {
  const std::filesystem::path json = config.analysis.output;
  if (json.has_parent_path()) std::filesystem::create_directories(json.parent_path());
  write_json(json, config, report, ranks);
  write_directions_csv(beside(json.string(), ".csv"), report);
  write_interfaces_csv(beside(json.string(), "_interfaces.csv"), config, report);
  write_chords_csv(beside(json.string(), "_chords.csv"), config, report);
  if (report.ensemble) write_ensemble_csv(beside(json.string(), "_ensemble.csv"), *report.ensemble);
}

} // namespace navox
