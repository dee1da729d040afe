#include "solver/analysis/analysis_report.hpp"

#include <filesystem>
#include <fstream>
#include <iomanip>

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
  j << "],\n  \"phase\": {\"name\": " << json_string(config.analysis.phase)
    << ", \"volume_fraction\": " << r.phase_fraction << ", \"connected_fraction\": " << r.connected_fraction
    << ", \"isolated_fraction\": " << r.isolated_fraction << ", \"clusters\": " << r.clusters
    << ", \"connectivity\": " << config.analysis.connectivity << "},\n";
  write_json_interfaces(j, config, r);
  write_json_chords(j, config, r);
  j << "  \"directions\": [";
  for (std::size_t n = 0; n < r.directions.size(); ++n) {
    const DirectionReport& d = r.directions[n];
    j << (n ? ",\n    " : "\n    ") << "{\"axis\": \"" << axis_name(d.result.axis)
      << "\", \"percolates\": " << (d.percolates ? "true" : "false");
    if (d.percolates)
      j << ", \"sigma_eff_over_sigma\": " << d.result.ratio << ", \"tortuosity\": " << d.result.tortuosity
        << ", \"spanning_fraction\": " << d.result.active_fraction << ", \"iterations\": " << d.result.iterations
        << ", \"seconds\": " << d.result.seconds;
    j << "}";
  }
  j << (r.directions.empty() ? "]\n}\n" : "\n  ]\n}\n");
  finish(j, path);
}

void write_directions_csv(const std::filesystem::path& path, const AnalysisReport& r) {
  std::ofstream c = open_report(path);
  c << "axis,percolates,volume_fraction,spanning_fraction,sigma_eff_over_sigma,tortuosity,iterations,seconds\n";
  for (const DirectionReport& d : r.directions) {
    c << axis_name(d.result.axis) << "," << (d.percolates ? 1 : 0) << "," << r.phase_fraction << ",";
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
}

} // namespace navox
