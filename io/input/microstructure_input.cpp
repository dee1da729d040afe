// The `microstructure` section of the deck (a voxel volume, a fill or a generated
// structure, with layers stacked below and above) and opening it as one label
// source; read_config (config.cpp) reads the other sections.
#include "io/input/config_readers.hpp"

#include "mesh/collective.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace navox::io {

using input::Section;
using units::Dim;

namespace {

constexpr std::int64_t kMaxVoxels = std::int64_t(1) << 40;

int material_index(const Section& s, const std::string& key, const MaterialTable& table) {
  std::vector<std::string> names;
  for (const auto& m : table) names.push_back(m.name);
  const std::string name = s.name(key, names, "materials");
  return static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
}

Segmentation read_segmentation(const Section& s, const MaterialTable& table) {
  Segmentation seg;
  s.explain({{"", "grey value -> material: label_map and/or ranges, or otsu"},
             {"label_map", "exact grey values to materials"},
             {"label_map.<grey value>", "the material of voxels of this grey value"},
             {"ranges", "grey-value ranges [from, to) to materials"},
             {"ranges[].from", "the lowest grey value of the range"},
             {"ranges[].to", "the grey value above the range (exclusive)"},
             {"ranges[].material", "the material of the range"},
             {"otsu", "two materials split at Otsu's threshold of the volume's histogram (docs/user-guide.md)"},
             {"otsu.below", "the material of grey values below the threshold"},
             {"otsu.above", "the material of grey values at or above the threshold"}});
  if (auto otsu = s.optional_section("otsu")) {
    if (s.has("label_map") || s.has("ranges"))
      s.fail("otsu", "finds the one threshold between two materials: give it alone, without label_map or ranges");
    seg.otsu = Segmentation::Otsu{material_index(*otsu, "below", table), material_index(*otsu, "above", table)};
    if (seg.otsu->below == seg.otsu->above) otsu->fail("above", "must be another material than \"below\"");
    return seg;
  }
  if (auto map = s.optional_section("label_map")) {
    for (const auto& key : map->user_keys("<grey value>")) {
      char* end = nullptr;
      const long value = std::strtol(key.c_str(), &end, 10);
      if (end == key.c_str() || *end != '\0') map->fail(key, "label values must be integers");
      seg.label_map[value] = material_index(*map, key, table);
    }
  }
  if (s.has("ranges")) {
    for (const Section& r : s.sections("ranges")) {
      Segmentation::Range range{r.number("from"), r.number("to"), material_index(r, "material", table)};
      if (!(range.hi > range.lo)) r.fail("to", "must be greater than \"from\"");
      seg.ranges.push_back(range);
    }
  }
  if (seg.label_map.empty() && seg.ranges.empty())
    s.fail("", "needs a label_map (value: material), ranges ([from, to) -> material) or otsu ({below, above})");
  return seg;
}

VolumeInput read_volume(const Section& s, const MaterialTable& table) {
  VolumeInput in;
  in.where = s.location().str() + ": " + s.path();
  VolumeSpec& v = in.volume;
  s.explain({{"", "a voxel file"},
             {"format", "tiff (multi-page: pages are z), tiff_sequence (one file per z slice), raw, hdf5 or vti"},
             {"path", "the file; tiff_sequence: a printf pattern, e.g. slices/im%03d.tif"},
             {"first_index", "tiff_sequence: the first slice's number"},
             {"count", "tiff_sequence: how many slices (-1: until a file is missing)"},
             {"dims", "raw: [nx, ny, nz] of the file, whatever its axis order"},
             {"dtype", "raw: the sample type"},
             {"endian", "raw: the byte order"},
             {"axis_order", "raw: xyz (x fastest) or zyx (z fastest)"},
             {"header_bytes", "raw: bytes before the first sample"},
             {"dataset", "hdf5: the dataset, stored [z][y][x]"},
             {"array", "vti: the point or cell array (default: the first)"},
             {"crop", "a box of the volume, in source voxels (before coarsen)"},
             {"crop.offset", "the box's first voxel [x, y, z]"},
             {"crop.size", "the box's size [x, y, z]; -1: to the end"},
             {"coarsen", "an integer factor: blocks of coarsen^3 voxels become one, by majority vote"},
             {"segmentation", "how grey values become materials"}});
  v.format = s.choice("format", {"tiff", "tiff_sequence", "raw", "hdf5", "vti"});
  v.path = s.file_path("path");
  if (v.format == "tiff_sequence") {
    v.first_index = s.integer("first_index", 1, 0, kMaxVoxels);
    v.count = s.integer("count", -1, -1, kMaxVoxels);
  } else if (v.format == "raw") {
    v.dims = s.integer3("dims", 1, kMaxVoxels);
    v.dtype = s.choice("dtype", {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"});
    v.endian = s.choice("endian", {"little", "big"}, "little") == "big" ? Endian::big : Endian::little;
    v.order = s.choice("axis_order", {"xyz", "zyx"}, "xyz") == "zyx" ? AxisOrder::zyx : AxisOrder::xyz;
    v.header_bytes = s.integer("header_bytes", 0, 0, kMaxVoxels);
  } else if (v.format == "hdf5") {
    v.dataset = s.string("dataset", "/image");
  } else if (v.format == "vti") {
    v.array = s.string("array", "");
  }
  if (auto crop = s.optional_section("crop")) {
    in.crop_offset = crop->integer3("offset", {0, 0, 0}, 0, kMaxVoxels);
    in.crop_size = crop->integer3("size", {-1, -1, -1}, -1, kMaxVoxels);
  }
  in.coarsen = s.integer("coarsen", 1, 1, 64);
  in.segmentation = read_segmentation(s.section("segmentation"), table);
  return in;
}

std::uint64_t read_seed(const Section& s) {
  return static_cast<std::uint64_t>(s.integer("seed", 0, 0, std::numeric_limits<std::int64_t>::max()));
}

/// An SE|CC interface (io/sources/interface_generator.hpp); a preset gives defaults for
/// gap, contact_fraction, roughness, correlation_length and asperity_size.
InterfaceSpec read_interface(const Section& s, const MaterialTable& table) {
  InterfaceSpec p;
  s.explain({{"preset", "Al_foil or pressed_pellet: defaults of gap, contact_fraction, roughness, "
                        "correlation_length and asperity_size"},
             {"se_material", "the electrolyte below the interface"},
             {"cc_material", "the collector above it"},
             {"pore_material", "the gaps between them"},
             {"gap", "the mean gap between the surfaces where they do not touch"},
             {"contact_fraction", "the fraction of the x-y area where SE and CC touch"},
             {"roughness", "RMS height of the surface roughness"},
             {"correlation_length", "lateral correlation length of the roughness"},
             {"asperity_size", "the size of the contact spots"},
             {"seed", "keys the random surface: the same on any rank count"}});
  InterfacePreset d{"", 0.0, 1.0, 0.0, 2e-6, 1e-6};
  if (s.has("preset")) {
    std::vector<std::string> names;
    for (const auto& pr : interface_presets()) names.push_back(pr.name);
    d = *interface_preset(s.choice("preset", names));
  }
  p.se_material = material_index(s, "se_material", table);
  p.cc_material = material_index(s, "cc_material", table);
  p.pore_material = material_index(s, "pore_material", table);
  p.gap = s.quantity("gap", Dim::length, d.gap);
  if (!(p.gap >= 0)) s.fail("gap", "must not be negative");
  p.contact_fraction = s.number("contact_fraction", d.contact_fraction);
  if (!(p.contact_fraction >= 0 && p.contact_fraction <= 1)) s.fail("contact_fraction", "must be in [0, 1]");
  p.roughness = s.quantity("roughness", Dim::length, d.roughness);
  if (!(p.roughness >= 0)) s.fail("roughness", "must not be negative (RMS height)");
  p.correlation_length = s.quantity("correlation_length", Dim::length, d.correlation_length);
  if (!(p.correlation_length > 0)) s.fail("correlation_length", "must be positive");
  p.asperity_size = s.quantity("asperity_size", Dim::length, d.asperity_size);
  if (!(p.asperity_size > 0)) s.fail("asperity_size", "must be positive");
  p.seed = read_seed(s);
  return p;
}

/// A list of layers: `{material, thickness}` slabs or `{interface: {...}}` entries.
std::vector<LayerSpec> read_layers(const Section& s, const std::string& key, const MaterialTable& table) {
  std::vector<LayerSpec> layers;
  s.explain({{key, "slabs stacked on the volume's z faces, in order away from it: {material, thickness} or "
                   "{interface: {...}}"},
             {key + "[].material", "the slab's material"},
             {key + "[].thickness", "the slab's thickness (rounded to whole voxels)"},
             {key + "[].interface", "a generated SE|CC interface layer (keys as generate: type interface)"},
             {key + "[].interface.thickness", "the layer's thickness (0: from the roughness)"}});
  if (!s.has(key)) return layers;
  for (const Section& l : s.sections(key)) {
    if (auto i = l.optional_section("interface")) {
      LayerSpec layer;
      layer.interface = read_interface(*i, table);
      layer.thickness = i->quantity("thickness", Dim::length, 0.0);
      if (!(layer.thickness >= 0)) i->fail("thickness", "must be positive (or 0 for the default)");
      layers.push_back(layer);
      continue;
    }
    LayerSpec layer{material_index(l, "material", table), l.quantity("thickness", Dim::length), std::nullopt};
    if (!(layer.thickness > 0)) l.fail("thickness", "must be positive");
    layers.push_back(layer);
  }
  return layers;
}

/// NZSP-like sintered ceramic (io/sources/ceramic_generator.hpp); grain boundaries when
/// `grain_boundary_material` (an SE material) is given.
CeramicSpec read_ceramic(const Section& s, const MaterialTable& table) {
  CeramicSpec p;
  s.explain({{"grain_size", "ceramic: the mean grain size"},
             {"grain_boundary_material", "ceramic: an SE material for the grain boundaries (absent: none)"},
             {"grain_boundary_thickness", "ceramic: the grain boundaries' thickness (with "
                                          "grain_boundary_material)"}});
  p.dims = s.integer3("dims", 1, kMaxVoxels);
  p.material = material_index(s, "material", table);
  p.grain_size = s.quantity("grain_size", Dim::length, 3e-6);
  if (!(p.grain_size > 0)) s.fail("grain_size", "must be positive");
  if (s.has("grain_boundary_material")) {
    p.gb_material = material_index(s, "grain_boundary_material", table);
    if (table[p.gb_material].phase != Phase::SE)
      s.fail("grain_boundary_material", "must be an SE material (grain boundaries conduct ions)");
    p.gb_thickness = s.quantity("grain_boundary_thickness", Dim::length);
    if (!(p.gb_thickness > 0 && p.gb_thickness <= p.grain_size / 4))
      s.fail("grain_boundary_thickness", "must be in (0, grain_size / 4]");
  }
  p.seed = read_seed(s);
  return p;
}

GenerateInput read_generate(const Section& s, const MaterialTable& table) {
  GenerateInput g;
  s.explain({{"", "a generated volume, the same on any rank count"},
             {"type", "pellet (pressed powder, spherical pores), separator (dense SE with surface pores), interface "
                      "(an SE|CC interface layer) or ceramic (sintered NZSP)"},
             {"dims", "the volume's voxels [nx, ny, nz]"},
             {"material", "pellet, separator, ceramic: the solid's material"},
             {"pore_material", "pellet, separator: the pores' material"},
             {"preset", "pellet: Al (2 %), Cu (21 %, 0.75 um pores) or Ti (34.5 %, 2.5 um pores); interface: "
                        "Al_foil or pressed_pellet"},
             {"porosity", "pellet: the pore volume fraction (default: the preset's)"},
             {"pore_radius", "pellet: the mean pore radius (default: the preset's)"},
             {"radius_sigma", "pellet: the lognormal spread of the pore radii (0: one radius)"},
             {"pore_density", "separator: surface pores per um^2"},
             {"pore_depth", "separator: the depth of the hemispherical surface pores"},
             {"seed", "keys the random volume: the same on any rank count"}});
  const std::string type = s.choice("type", {"pellet", "separator", "interface", "ceramic"});
  if (type == "interface") {
    g.type = GenerateInput::Type::interface;
    g.interface = read_interface(s, table);
    g.interface.dims = s.integer3("dims", 1, kMaxVoxels);
    return g;
  }
  if (type == "ceramic") {
    g.type = GenerateInput::Type::ceramic;
    g.ceramic = read_ceramic(s, table);
    return g;
  }
  if (type == "separator") {
    g.type = GenerateInput::Type::separator;
    SeparatorSpec& p = g.separator;
    p.dims = s.integer3("dims", 1, kMaxVoxels);
    p.material = material_index(s, "material", table);
    p.pore_material = material_index(s, "pore_material", table);
    p.pore_depth = s.quantity("pore_depth", Dim::length, 1e-6);
    if (!(p.pore_depth > 0)) s.fail("pore_depth", "must be positive");
    // Pores per um^2, a dimensionless number, so that no areal-density unit is needed.
    const double per_um2 = s.number("pore_density");
    if (!(per_um2 >= 0)) s.fail("pore_density", "must not be negative (surface pores per um^2)");
    p.pore_density = per_um2 * 1e12;
    p.seed = read_seed(s);
    return g;
  }
  PelletSpec& p = g.pellet;
  std::optional<PelletPreset> preset;
  if (s.has("preset")) {
    std::vector<std::string> names;
    for (const auto& pr : pellet_presets()) names.push_back(pr.name);
    preset = pellet_preset(s.choice("preset", names));
  } else if (!s.has("porosity") || !s.has("pore_radius")) {
    s.fail("", "a pellet needs a preset (Al, Cu, Ti) or both \"porosity\" and \"pore_radius\"");
  }
  p.dims = s.integer3("dims", 1, kMaxVoxels);
  p.material = material_index(s, "material", table);
  p.pore_material = material_index(s, "pore_material", table);
  p.porosity = preset ? s.number("porosity", preset->porosity) : s.number("porosity");
  if (!(p.porosity > 0 && p.porosity <= 0.95)) s.fail("porosity", "must be in (0, 0.95]");
  p.pore_radius = preset ? s.quantity("pore_radius", Dim::length, preset->pore_radius)
                         : s.quantity("pore_radius", Dim::length);
  if (!(p.pore_radius > 0)) s.fail("pore_radius", "must be positive");
  p.radius_sigma = s.number("radius_sigma", 0.3);
  if (!(p.radius_sigma >= 0 && p.radius_sigma <= 1)) s.fail("radius_sigma", "must be in [0, 1] (0: one radius)");
  p.seed = read_seed(s);
  return g;
}

} // namespace

MicrostructureSpec read_microstructure(const Section& s, const MaterialTable& table) {
  MicrostructureSpec m;
  s.explain({{"", "the cell's voxels: exactly one of volume, fill or generate, with layers below and above"},
             {"volume", "a voxel file"},
             {"generate", "a generated volume, the same on any rank count"},
             {"fill", "one material, no file"},
             {"fill.material", "the material"},
             {"fill.dims", "the volume's voxels [nx, ny, nz]"}});
  if (auto v = s.optional_section("volume")) m.volume = read_volume(*v, table);
  if (auto f = s.optional_section("fill")) {
    m.fill = LayerSpec{material_index(*f, "material", table), 0, std::nullopt};
    m.dims = f->integer3("dims", 1, kMaxVoxels);
  }
  if (auto g = s.optional_section("generate")) m.generate = read_generate(*g, table);
  if (int(m.volume.has_value()) + int(m.fill.has_value()) + int(m.generate.has_value()) != 1)
    s.fail("", "needs exactly one of \"volume\" (a voxel file), \"fill\" (one material) or \"generate\" (a "
               "generated pellet, separator, interface or ceramic)");
  m.below = read_layers(s, "below", table);
  m.above = read_layers(s, "above", table);
  return m;
}

std::unique_ptr<LabelSource> open_microstructure(Config& config) {
  const MicrostructureSpec& m = config.microstructure;
  std::unique_ptr<LabelSource> core;
  if (m.volume) {
    const VolumeInput& v = *m.volume;
    try {
      core = segmented_volume(open_volume(v.volume), v.segmentation, v.crop_offset, v.crop_size, v.coarsen);
    } catch (const Error& e) {
      throw Error(v.where + ": " + e.what());
    }
  } else if (m.generate) {
    GenerateInput g = *m.generate;
    g.pellet.spacing = g.separator.spacing = g.interface.spacing = g.ceramic.spacing = config.grid.spacing;
    switch (g.type) {
    case GenerateInput::Type::pellet: core = pellet(g.pellet); break;
    case GenerateInput::Type::separator: core = separator(g.separator); break;
    case GenerateInput::Type::interface: core = interface_layer(g.interface); break;
    case GenerateInput::Type::ceramic: core = ceramic(g.ceramic); break;
    }
  } else {
    core = uniform(m.dims, m.fill->material, config.materials[m.fill->material].name);
  }
  const auto d = core->dims();
  auto slab = [&](const LayerSpec& l) -> std::unique_ptr<LabelSource> {
    // llround of a value past 2^63 is undefined: a layer in km at um voxels must fail, not wrap.
    const double voxels = l.thickness / config.grid.spacing[2];
    if (!(voxels <= double(kMaxVoxels))) {
      char text[160];
      std::snprintf(text, sizeof text, "a layer %.4g m thick is more than 2^40 voxels of %.4g m: refused", l.thickness,
                    config.grid.spacing[2]);
      throw Error(text);
    }
    if (l.interface) {
      InterfaceSpec i = *l.interface;
      i.spacing = config.grid.spacing;
      i.dims = {d[0], d[1], 0};
      i.dims[2] = l.thickness > 0 ? std::max<std::int64_t>(2, std::llround(voxels)) : default_interface_thickness(i);
      return interface_layer(i);
    }
    const auto n = std::max<std::int64_t>(1, std::llround(voxels));
    return uniform({d[0], d[1], n}, l.material, config.materials[l.material].name);
  };
  std::vector<std::unique_ptr<LabelSource>> layers;
  for (const auto& l : m.below) layers.push_back(slab(l));
  layers.push_back(std::move(core));
  for (const auto& l : m.above) layers.push_back(slab(l));
  auto cell = layers.size() == 1 ? std::move(layers.front()) : stack(std::move(layers));
  config.grid.dims = cell->dims();
  return cell;
}

std::string OtsuChoice::describe() const {
  char text[256];
  const GreyHistogram& h = histogram;
  std::snprintf(text, sizeof text,
                "Otsu threshold %.8g (grey < threshold: the lower material) from %lld voxels, grey %.8g to %.8g, "
                "%zu bins%s",
                threshold, (long long)h.voxels(), h.min, h.max, h.counts.size(),
                h.integers ? " (one per integer value)" : "");
  return text;
}

std::optional<OtsuChoice> find_segmentation_threshold(MPI_Comm comm, Config& config) {
  auto& v = config.microstructure.volume;
  if (!v || !v->segmentation.otsu) return std::nullopt;
  std::unique_ptr<VolumeSource> volume;
  Box region;
  collectively(comm, [&] {
    try {
      volume = open_volume(v->volume);
      region = cropped_region(volume->dims(), v->crop_offset, v->crop_size, v->coarsen);
    } catch (const Error& e) {
      throw Error(v->where + ": " + e.what());
    }
  });
  OtsuChoice c;
  c.histogram = grey_histogram(comm, *volume, region);
  // The same counts on every rank give the same answer, or the same error, on each.
  collectively(comm, [&] {
    try {
      c.threshold = otsu_threshold(c.histogram);
    } catch (const Error& e) {
      throw Error(v->where + ": " + e.what());
    }
  });
  v->segmentation.set_otsu_threshold(c.threshold);
  return c;
}

std::unique_ptr<LabelSource> open_cell(MPI_Comm comm, Config& config, const Log& log, std::optional<OtsuChoice>* otsu) {
  std::optional<OtsuChoice> found = find_segmentation_threshold(comm, config);
  if (found) log.info("segmentation: %s", found->describe().c_str());
  std::unique_ptr<LabelSource> cell;
  collectively(comm, [&] { cell = open_microstructure(config); });
  if (otsu) *otsu = std::move(found);
  return cell;
}

} // namespace navox::io
