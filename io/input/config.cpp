#include "io/input/config.hpp"
#include "io/input/config_readers.hpp"

#include "physics/materials/material_library.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace navox::io {

using input::Section;
using units::Dim;

namespace {

namespace lib = physics::library;

std::string joined(const std::vector<std::string>& names, const char* separator = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : separator) + n;
  return out;
}

std::vector<std::string> collector_names() {
  std::vector<std::string> names;
  for (const auto& c : lib::collectors()) names.emplace_back(c.name);
  return names;
}

/// `library: NAME` gives the phase and every default of a material
/// (physics/materials/material_library.hpp); any key written beside it overrides that value.
/// Collectors: the bare surface is blocking (MODEL.md §3.1) and Na nucleates on it,
/// unless the deck says `bare_surface: active` (Na plates on the bare surface at
/// once). Their nucleation parameters are read later, by read_collector_nucleation,
/// once the plated metal (`sodium.metal`) is known.
Material read_material(const Section& m, const std::string& name) {
  Material mat;
  mat.name = name;
  m.explain(
      {{"", "a material: its name is what segmentation, layers and generators refer to"},
       {"library", "a material library entry (NBH, NZSP, Al, Au, Cu, Ti: docs/user-guide.md) whose phase and "
                   "values are the defaults of every key below"},
       {"phase", "SE (solid electrolyte), CC (current collector), PORE (empty space Na may fill), NA (Na metal "
                 "at the start) or SOLID (a neutral solid: navox analyze only); default: the library entry's"},
       {"conductivity", "SE: ionic conductivity at reference_temperature (required without a library)"},
       {"activation_energy", "SE: Arrhenius activation energy of the conductivity (default: the library's, else 0)"},
       {"reference_temperature", "SE: the temperature at which conductivity is given (default: the library's, "
                                 "else 25 degC)"},
       {"charge_transfer_resistance", "SE: area-specific charge-transfer resistance against Na, R_ct = RT / "
                                      "(F i0); 0 = ideal contact (default: the library's, else 0)"},
       {"transfer_coefficient", "SE: anodic transfer coefficient alpha_a of Butler-Volmer (alpha_c = 1 - "
                                "alpha_a)"},
       {"double_layer_capacitance", "SE: double-layer capacitance of its faces to metal (default: the "
                                    "library's, else 0)"},
       {"bare_surface", "CC: blocking (Na only plates on nuclei, default) or active (Na plates on the bare "
                        "surface at once)"},
       {"nucleation", "CC: classical nucleation on the bare surface (defaults from the library entry and "
                      "sodium.metal)"},
       {"youngs_modulus", "SE, CC: Young's modulus for the elastic solve (default: the library's, else 0 = "
                          "not given)"},
       {"poisson_ratio", "SE, CC: Poisson's ratio (default: the library's, else 0)"}});
  const lib::Electrolyte* se = nullptr;
  const lib::Collector* cc = nullptr;
  if (m.has("library")) {
    const auto names = lib::material_names();
    if (const std::string given = m.string("library"); lib::find_metal(given))
      m.fail("library", "\"" + given + "\" is a metal: choose it with sodium.metal (the library's materials: " +
                            joined(names) + ")");
    mat.library = m.choice("library", names);
    se = lib::find_electrolyte(mat.library);
    cc = lib::find_collector(mat.library);
    const Phase lib_phase = se ? Phase::SE : Phase::CC;
    phase_from_name(m.choice("phase", phase_names(), phase_name(lib_phase)), mat.phase);
    if (mat.phase != lib_phase)
      m.fail("phase", "the library's " + mat.library + " is a " + phase_name(lib_phase) + " material");
  } else {
    phase_from_name(m.choice("phase", phase_names()), mat.phase);
  }
  if (mat.phase == Phase::SE) {
    mat.conductivity = se ? m.quantity("conductivity", Dim::conductivity, se->conductivity)
                          : m.quantity("conductivity", Dim::conductivity);
    if (!(mat.conductivity > 0)) m.fail("conductivity", "must be positive");
    mat.activation_energy = m.quantity("activation_energy", Dim::energy_per_mole, se ? se->activation_energy : 0.0);
    mat.reference_temperature =
        m.quantity("reference_temperature", Dim::temperature, se ? se->reference_temperature : 298.15);
    if (!(mat.reference_temperature > 0)) m.fail("reference_temperature", "must be above absolute zero");
    mat.charge_transfer_resistance = m.quantity("charge_transfer_resistance", Dim::area_resistance,
                                                se ? se->charge_transfer_resistance : 0.0);
    if (mat.charge_transfer_resistance < 0) m.fail("charge_transfer_resistance", "must not be negative (0: ideal contact)");
    mat.transfer_coefficient = m.number("transfer_coefficient", se ? se->transfer_coefficient : 0.5);
    if (!(mat.transfer_coefficient > 0 && mat.transfer_coefficient < 1))
      m.fail("transfer_coefficient", "must be in (0, 1)");
    mat.double_layer_capacitance =
        m.quantity("double_layer_capacitance", Dim::areal_capacitance, se ? se->double_layer_capacitance : 0.0);
    if (mat.double_layer_capacitance < 0) m.fail("double_layer_capacitance", "must not be negative");
  }
  if (mat.phase == Phase::CC) {
    const bool nucleation = m.has("nucleation");
    mat.bare_surface_active = m.choice("bare_surface", {"active", "blocking"}, "blocking") == "active";
    if (mat.bare_surface_active && nucleation)
      m.fail("bare_surface", "a surface with nucleation is blocking until nuclei form (bare_surface: blocking)");
    if (!mat.bare_surface_active && !nucleation && !cc)
      m.fail("", "a current collector's bare surface is blocking until Na nucleates on it (MODEL.md §3.1): give "
                 "library: <" + joined(collector_names(), "|") + "> (nucleation from the library's wetting "
                 "angle), or nucleation: {surface: ...} or {wetting_angle: ...}, or bare_surface: active (Na "
                 "plates on the bare surface at once)");
    mat.nucleates = !mat.bare_surface_active;
  }
  if (mat.phase == Phase::SE || mat.phase == Phase::CC) {
    // Elastic constants for mechanics: the library entry's, else 0 (not given).
    const double e = se ? se->youngs_modulus : cc ? cc->youngs_modulus : 0.0;
    const double nu = se ? se->poisson_ratio : cc ? cc->poisson_ratio : 0.0;
    mat.youngs_modulus = m.quantity("youngs_modulus", Dim::pressure, e);
    mat.poisson_ratio = m.number("poisson_ratio", nu);
    if (!(mat.youngs_modulus >= 0)) m.fail("youngs_modulus", "must not be negative (0: not given)");
    if (!(mat.poisson_ratio >= 0 && mat.poisson_ratio < 0.5)) m.fail("poisson_ratio", "must be in [0, 0.5)");
  }
  return mat;
}

/// Classical nucleation on a blocking collector (physics/sodium/nucleation.hpp): the wetting
/// angle from `nucleation.surface`, else the library entry, else `wetting_angle`;
/// γ from the plated metal unless given.
void read_collector_nucleation(const Section& m, Material& mat, const lib::Metal& metal) {
  const Section nuc = m.section_or_defaults("nucleation");
  nuc.explain({{"surface", "a library collector (Al, Au, Cu, Ti) whose wetting angle this surface has, e.g. Au "
                           "for an Au-coated collector"},
               {"wetting_angle", "the contact angle of a Na nucleus on the surface (default: from surface or "
                                 "the library entry; required without either)"},
               {"rate_prefactor", "the nucleation rate prefactor of classical nucleation theory"},
               {"surface_energy", "gamma of the Na nucleus (default: the plated metal's)"},
               {"footprint_radius", "the area a nucleus activates for plating, as a disc of this radius"}});
  physics::ClassicalNucleation& n = mat.nucleation;
  double theta = -1;
  if (const lib::Collector* c = lib::find_collector(mat.library)) theta = c->wetting_angle;
  if (nuc.has("surface")) {
    theta = lib::find_collector(nuc.choice("surface", collector_names()))->wetting_angle;
  }
  n.wetting_angle = theta >= 0 ? nuc.quantity("wetting_angle", Dim::angle, theta) : nuc.quantity("wetting_angle", Dim::angle);
  if (!(n.wetting_angle > 0 && n.wetting_angle < physics::kPi)) nuc.fail("wetting_angle", "must be in (0, 180) deg");
  n.rate_prefactor = nuc.quantity("rate_prefactor", Dim::areal_rate, n.rate_prefactor);
  if (!(n.rate_prefactor > 0)) nuc.fail("rate_prefactor", "must be positive");
  n.surface_energy = nuc.quantity("surface_energy", Dim::surface_energy, metal.surface_energy);
  if (!(n.surface_energy > 0)) nuc.fail("surface_energy", "must be positive");
  n.footprint_radius = nuc.quantity("footprint_radius", Dim::length, n.footprint_radius);
  if (!(n.footprint_radius > 0)) nuc.fail("footprint_radius", "must be positive");
}

MaterialTable read_materials(const Section& s) {
  MaterialTable table;
  s.explain({{"", "the materials of the cell by name; each voxel holds one of them"}});
  for (const auto& name : s.user_keys("<name>")) table.push_back(read_material(s.section(name), name));
  if (table.empty()) s.fail("", "at least one material is needed");
  return table;
}

/// SOLID (physics/materials/material.hpp) is for `navox analyze` only: refused at the
/// first such material's `phase` key, before anything of the run reads the table.
void refuse_analysis_only_phases(const Section& materials, const MaterialTable& table) {
  for (const Material& m : table)
    if (!is_run_phase(m.phase))
      materials.section(m.name).fail(
          "phase", std::string(phase_name(m.phase)) + " is a phase for navox analyze only; a run models SE, CC, PORE and NA");
}

AnalysisSpec read_analysis(const Section& s, const MaterialTable& table, const MicrostructureSpec& micro) {
  AnalysisSpec a;
  s.explain({{"", "what navox analyze reports (docs/user-guide.md, Microstructure analysis)"},
             {"phase", "the analysed phase: all materials of this phase"},
             {"materials", "the analysed phase as a list of materials (instead of phase)"},
             {"directions", "the directions of the conduction solves for the effective conductivity and "
                            "tortuosity"},
             {"connectivity", "6, 18 or 26: the neighbours through which voxels of the phase are one cluster"},
             {"output", "the JSON report; the CSV files go beside it"},
             {"threshold_ensemble", "the analysis repeated at thresholds t + m step, m = -levels..levels, around "
                                    "a threshold segmentation's t: the segmentation uncertainty"},
             {"threshold_ensemble.levels", "how many thresholds on each side of t"},
             {"threshold_ensemble.step", "grey values between neighbouring thresholds"}});
  if (s.has("materials")) {
    if (s.has("phase")) s.fail("phase", "give either \"phase\" or \"materials\", not both");
    std::string names;
    for (const auto& name : s.strings("materials", {})) {
      std::size_t n = 0;
      while (n < table.size() && table[n].name != name) ++n;
      if (n == table.size()) s.fail("materials", "unknown material \"" + name + "\"");
      a.materials.push_back(static_cast<int>(n));
      names += (names.empty() ? "" : ",") + name;
    }
    if (a.materials.empty()) s.fail("materials", "needs at least one material");
    a.phase = names;
  } else {
    a.phase = s.choice("phase", phase_names(), "PORE");
    for (std::size_t n = 0; n < table.size(); ++n)
      if (phase_name(table[n].phase) == a.phase) a.materials.push_back(static_cast<int>(n));
  }
  a.directions.clear();
  for (const auto& d : s.strings("directions", {"x", "y", "z"})) {
    if (d != "x" && d != "y" && d != "z") s.fail("directions", "unknown direction \"" + d + "\" (x, y or z)");
    const int axis = d[0] - 'x';
    if (std::find(a.directions.begin(), a.directions.end(), axis) == a.directions.end()) a.directions.push_back(axis);
  }
  a.connectivity = static_cast<int>(s.integer("connectivity", 6, 0, 1000));
  if (a.connectivity != 6 && a.connectivity != 18 && a.connectivity != 26)
    s.fail("connectivity", "must be 6 (faces), 18 (faces and edges) or 26 (faces, edges and corners), not " +
                               std::to_string(a.connectivity));
  // Absent: beside the deck, like a relative path written in it (and output.directory).
  a.output = s.file_path("output", "analysis.json");
  if (auto e = s.optional_section("threshold_ensemble")) {
    const Segmentation* seg = micro.volume ? &micro.volume->segmentation : nullptr;
    if (!seg || !(seg->otsu || seg->threshold()))
      s.fail("threshold_ensemble", "needs a threshold segmentation of microstructure.volume: otsu, or two ranges "
                                   "sharing one boundary (and no label_map)");
    AnalysisSpec::ThresholdEnsemble t;
    t.levels = static_cast<int>(e->integer("levels", 1, 1000));
    t.step = e->number("step");
    if (!(t.step > 0)) e->fail("step", "must be positive (grey values between neighbouring thresholds)");
    a.threshold_ensemble = t;
  }
  return a;
}

GridSpec read_grid(const Section& s) {
  GridSpec g;
  s.explain({{"", "the voxel grid: size, place, side faces and how ranks split it"},
             {"spacing", "the voxel size (after coarsening): one value or [hx, hy, hz]"},
             {"origin", "where the grid's corner voxel's corner is"},
             {"lateral_boundary", "the x and y faces: zero_flux (walls) or periodic"},
             {"processors", "MPI ranks per axis; -1 on all three: -da_processors_x/y/z if given, else x and y "
                            "first (z too once blocks would be under 32 voxels wide), else PETSc decides"}});
  g.spacing = s.quantity3("spacing", Dim::length);
  for (int d = 0; d < 3; ++d)
    if (!(g.spacing[d] > 0)) s.fail("spacing", "must be positive");
  g.origin = s.quantity3("origin", Dim::length, {0, 0, 0});
  g.periodic_lateral = s.choice("lateral_boundary", {"periodic", "zero_flux"}, "zero_flux") == "periodic";
  const auto p = s.integer3("processors", {-1, -1, -1}, -1, 1 << 20);
  for (int d = 0; d < 3; ++d) g.processors[d] = static_cast<int>(p[d]);
  return g;
}

OutputSpec read_output(const Section& s) {
  OutputSpec o;
  s.explain({{"", "what a run writes and where"},
             {"directory", "the output folder (relative to the deck); created"},
             {"prefix", "the stem of every output file"},
             {"every", "write fields every this many steps; the first and the last are always written"},
             {"formats", "hdf5 (HDF5 + XDMF) and/or vtk (.pvti/.vti + .pvd)"},
             {"time_series", "the time series CSV, in the output folder (default <prefix>.csv)"},
             {"nuclei", "the nucleation events CSV, in the output folder (default <prefix>_nuclei.csv)"}});
  o.directory = s.file_path("directory");
  o.prefix = s.string("prefix", "navox");
  if (o.prefix.empty() || o.prefix.find('/') != std::string::npos) s.fail("prefix", "must be a plain file name");
  o.every = s.integer("every", 1, 1, 1L << 40);
  o.time_series = s.string("time_series", o.prefix + ".csv");
  if (o.time_series.empty() || o.time_series.find('/') != std::string::npos)
    s.fail("time_series", "must be a plain file name (written in the output directory)");
  o.nuclei = s.string("nuclei", o.prefix + "_nuclei.csv");
  if (o.nuclei.empty() || o.nuclei.find('/') != std::string::npos || o.nuclei == o.time_series)
    s.fail("nuclei", "must be a plain file name (written in the output directory), other than the time series");
  o.hdf5 = o.vtk = false;
  for (const auto& f : s.strings("formats", {"hdf5", "vtk"})) {
    if (f == "hdf5") o.hdf5 = true;
    else if (f == "vtk") o.vtk = true;
    else s.fail("formats", "unknown format \"" + f + "\" (one of: hdf5, vtk)");
  }
  return o;
}

/// `sodium.metal` (Na or Li) gives the defaults of Ω and of the nucleation γ from the library.
physics::SodiumMetal read_sodium(const Section& na, const lib::Metal*& metal) {
  physics::SodiumMetal m;
  na.explain({{"", "the plated metal and how a voxel's Na fraction xi is read"},
              {"metal", "Na or Li: the defaults of molar_volume, of the creep law and of every surface energy"},
              {"molar_volume", "Omega of the plated metal (default: the metal's)"},
              {"connect_threshold", "xi from which a voxel is bulk metal for connectivity and contact"},
              {"coverage_thickness", "Na thinner than this covers an SE face partly: w = xi h / t_c, for plating "
                                     "and stripping alike"}});
  metal = lib::find_metal(na.choice("metal", lib::metal_names(), "Na"));
  m.molar_volume = na.quantity("molar_volume", Dim::molar_volume, metal->molar_volume);
  if (!(m.molar_volume > 0)) na.fail("molar_volume", "must be positive");
  m.connect_threshold = na.number("connect_threshold", m.connect_threshold);
  if (!(m.connect_threshold > 0 && m.connect_threshold <= 1)) na.fail("connect_threshold", "must be in (0, 1]");
  m.coverage_thickness = na.quantity("coverage_thickness", Dim::length, m.coverage_thickness);
  if (!(m.coverage_thickness > 0)) na.fail("coverage_thickness", "must be positive");
  return m;
}

TimeSpec read_time(const Section& time, bool has_protocol) {
  TimeSpec t;
  time.explain({{"", "the time stepping"},
                {"end", "the end time (required without a protocol; with one, an optional cap)"},
                {"dt", "the first step; then adaptive"},
                {"dt_min", "a step failing below this ends the run with a message"},
                {"dt_max", "the largest step"},
                {"max_fill_change", "the largest Na fraction one voxel gains or loses in a step"},
                {"max_voltage_change", "growth limit on |dV| per step"}});
  // With a protocol the run ends with its last step; `end` is then an optional cap.
  // (An absent cap is not printed: the resolved input must read back, and "inf s" does not.)
  t.end = has_protocol && !time.has("end") ? std::numeric_limits<double>::infinity() : time.quantity("end", Dim::time);
  t.dt = time.quantity("dt", Dim::time);
  t.dt_min = time.quantity("dt_min", Dim::time, std::min(1e-6, t.dt));
  t.dt_max = time.quantity("dt_max", Dim::time, std::max(3600.0, t.dt));
  t.max_fill_change = time.number("max_fill_change", 0.25);
  t.max_voltage_change = time.quantity("max_voltage_change", Dim::voltage, 0.02);
  if (t.end < 0) time.fail("end", "must not be negative");
  if (!(t.dt > 0)) time.fail("dt", "must be positive");
  if (!(t.dt_min > 0 && t.dt_min <= t.dt)) time.fail("dt_min", "must be positive and at most dt");
  if (!(t.dt_max >= t.dt)) time.fail("dt_max", "must be at least dt");
  if (!(t.max_fill_change > 0 && t.max_fill_change <= 1))
    time.fail("max_fill_change", "must be in (0, 1] (largest Na fraction change of one voxel per step)");
  if (!(t.max_voltage_change > 0)) time.fail("max_voltage_change", "must be positive");
  return t;
}

CheckpointSpec read_checkpoint(const Section& s) {
  CheckpointSpec c;
  s.explain({{"", "restart files of the whole state (docs/user-guide.md, Checkpoints and restart)"},
             {"every", "a checkpoint every this many steps (0: not by steps)"},
             {"wall_time", "a checkpoint every this much wall-clock time (0: not by time)"},
             {"keep", "how many checkpoints are kept (the oldest are deleted)"},
             {"restart_interval", "steps between restart points, where the solvers drop their history so that a "
                                  "restart repeats the run bit for bit; a checkpoint holds the newest one (a "
                                  "signal's checkpoint redoes up to this many steps)"}});
  c.every = s.integer("every", c.every, 0, std::int64_t(1) << 40);
  c.wall_time = s.quantity("wall_time", Dim::time, c.wall_time);
  c.keep = static_cast<int>(s.integer("keep", c.keep, 1, 1000));
  c.restart_interval = s.integer("restart_interval", c.restart_interval, 1, 1000000);
  if (!(c.wall_time >= 0)) s.fail("wall_time", "must not be negative (0: no checkpoints by wall-clock time)");
  return c;
}

/// Reads the module sections whose path lies directly under `parent` ("" = the root).
void read_module_sections(const Section& section, const std::string& parent, const std::vector<ModuleInput>& modules,
                          Config& c) {
  for (const ModuleInput& m : modules) {
    const auto dot = m.path.rfind('.');
    if ((dot == std::string::npos ? std::string() : m.path.substr(0, dot)) != parent) continue;
    const std::string key = dot == std::string::npos ? m.path : m.path.substr(dot + 1);
    const bool present = section.has(key);
    const Section s = m.optional ? section.section_or_comment(key) : section.section_or_defaults(key);
    std::any value = m.read(s, present, c);
    if (present || !m.optional) c.inputs[m.path] = std::move(value);
  }
}

} // namespace

Config read_config(Section root, Purpose purpose, const std::vector<ModuleInput>& modules) {
  Config c;
  root.explain({{"conditions", "the cell's conditions"},
                {"conditions.temperature", "the cell temperature"},
                {"conditions.electrode_potential", "the collector's potential against the counter electrode, held "
                                                   "when there is no protocol"},
                {"conditions.stack_pressure", "the load on the pressure plate per cell area; absent: not modelled "
                                              "(docs/model.md, Mechanics)"},
                {"protocol", "the cycling protocol: steps of current, voltage or rest (absent: potentiostatic at "
                             "conditions.electrode_potential)"}});
  const Section materials = root.section("materials");
  c.materials = read_materials(materials);
  if (purpose == Purpose::run || (purpose == Purpose::check && root.has("time") && root.has("output")))
    refuse_analysis_only_phases(materials, c.materials);
  c.microstructure = read_microstructure(root.section("microstructure"), c.materials);
  c.grid = read_grid(root.section("grid"));
  // Sections that only hold values are printed with their defaults even when absent;
  // sections whose presence turns something on stay off (phase_field: a comment).
  const Section cond = root.section_or_defaults("conditions");
  c.conditions.temperature = cond.quantity("temperature", Dim::temperature, 298.15);
  if (!(c.conditions.temperature > 0)) cond.fail("temperature", "must be above absolute zero");
  c.conditions.electrode_potential = cond.quantity("electrode_potential", Dim::voltage, 0.0);
  c.conditions.stack_pressure = cond.quantity("stack_pressure", Dim::pressure, 0.0);
  if (!(c.conditions.stack_pressure >= 0)) cond.fail("stack_pressure", "must not be negative (a compressive load)");
  if (auto p = root.optional_section("protocol")) c.protocol = read_protocol(*p, c.conditions.stack_pressure);
  c.conditions.stack_pressure_given = cond.has("stack_pressure") || (c.protocol && c.protocol->sets_stack_pressure);
  const Section na = root.section_or_defaults("sodium");
  const lib::Metal* metal = nullptr;
  c.sodium = read_sodium(na, metal);
  c.metal = metal->name;
  // The plated metal is a solid (creep, vacancies) and the electrolytes are solids:
  // a cell above the metal's melting point is outside the model, and below ~170 K
  // the Arrhenius conductivities underflow the solver's scaling.
  if (!(c.conditions.temperature >= 173.15 && c.conditions.temperature < metal->melting_point)) {
    char range[96];
    std::snprintf(range, sizeof range, "must be from 173.15 K (-100 degC) to below %.2f K, where %s melts",
                  metal->melting_point, metal->name);
    cond.fail("temperature", range);
  }
  read_module_sections(na, "sodium", modules, c);
  for (auto& m : c.materials) {
    if (m.nucleates) read_collector_nucleation(materials.section(m.name), m, *metal);
    m.nucleation.molar_volume = c.sodium.molar_volume;
  }
  read_module_sections(root, "", modules, c);
  const bool run = purpose == Purpose::run;
  if (auto time = run ? std::optional<Section>(root.section("time")) : root.optional_section("time")) {
    c.has_time = true;
    c.time = read_time(*time, c.protocol.has_value());
  }
  if (auto out = run ? std::optional<Section>(root.section("output")) : root.optional_section("output")) {
    c.has_output = true;
    c.output = read_output(*out);
  }
  c.checkpoint = read_checkpoint(root.section_or_defaults("checkpoint"));
  c.analysis = read_analysis(root.section_or_defaults("analysis"), c.materials, c.microstructure);
  return c;
}

std::string material_legend(const MaterialTable& materials) {
  std::string s;
  for (std::size_t n = 0; n < materials.size(); ++n)
    s += (n ? ";" : "") + std::to_string(n) + "=" + materials[n].name;
  return s;
}

} // namespace navox::io
