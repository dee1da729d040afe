#pragma once
/// The whole input deck, resolved to SI, as plain values.
///
/// `read_config` is the schema: every key navox accepts is asked for here (or in
/// the readers it calls), so unknown keys are rejected by Document::finish().
#include "io/sources/ceramic_generator.hpp"
#include "io/sources/generators.hpp"
#include "io/sources/interface_generator.hpp"
#include "io/input/input.hpp"
#include "io/sources/grey_histogram.hpp"
#include "io/sources/microstructure.hpp"
#include "io/output/log.hpp"
#include "io/output/output_writer.hpp"
#include "io/input/protocol.hpp"
#include "io/readers/volume_source.hpp"
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"
#include "physics/sodium/sodium_metal.hpp"

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace navox::io {

/// A layer stacked below or above the volume: a uniform slab (e.g. the SE
/// separator), or a generated SE|CC interface whose x-y size is the volume's.
struct LayerSpec {
  int material = 0;
  double thickness = 0; ///< [m], rounded to whole voxels; 0 for an interface: its default thickness
  std::optional<InterfaceSpec> interface; ///< set for an interface layer (dims and spacing filled when opened)
};

struct VolumeInput {
  std::string where; ///< "deck.yaml:8:5: microstructure.volume", prefixed to errors in opening it
  VolumeSpec volume;
  Segmentation segmentation;
  std::array<std::int64_t, 3> crop_offset{0, 0, 0};
  std::array<std::int64_t, 3> crop_size{-1, -1, -1};
  std::int64_t coarsen = 1;
};

/// A generated microstructure; the voxel spacing is filled in from the grid when opened.
struct GenerateInput {
  enum class Type { pellet, separator, interface, ceramic } type = Type::pellet;
  PelletSpec pellet;       ///< for Type::pellet
  SeparatorSpec separator; ///< for Type::separator
  InterfaceSpec interface; ///< for Type::interface
  CeramicSpec ceramic;     ///< for Type::ceramic
};

struct MicrostructureSpec {
  std::optional<VolumeInput> volume;        ///< a voxel volume from a file...
  std::optional<LayerSpec> fill;            ///< ...or one material filling `dims`...
  std::optional<GenerateInput> generate;    ///< ...or a generated pellet or separator
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< voxels, for `fill`
  std::vector<LayerSpec> below, above;      ///< slabs stacked along z, bottom to top
};

struct Conditions {
  double temperature = 298.15;      ///< [K]
  double electrode_potential = 0;   ///< CC (and connected Na) against the counter electrode [V]
  /// Compressive load on the top of the current collector (the pressure plate), per
  /// x-y area of the cell [Pa]; protocol steps may change it (ProtocolStep::stack_pressure).
  double stack_pressure = 0;
  /// The deck gives a stack pressure (here or in a protocol step): gaps in the Na then
  /// close at the rate creep allows under it. Without one the pressure is not modelled:
  /// Na closes any gap at once (the limit of fast creep) and no face feels a pressure.
  bool stack_pressure_given = false;
};

struct TimeSpec {
  double end = 0;      ///< [s]; with a protocol, a cap (infinite unless given)
  double dt = 1;       ///< [s], initial step
  double dt_min = 1e-6; ///< [s]: a step that fails below this ends the run
  double dt_max = 3600; ///< [s]
  double max_fill_change = 0.25;   ///< largest Na fraction added to or removed from one voxel per step [-]
  double max_voltage_change = 0.02; ///< largest change of V per step [V]
};

struct Config;

/// A physics module's input section. The module (solver/.../*_module.cpp) owns the
/// keys, units, defaults, checks and docs of its section and the type it reads them
/// into; read_config calls `read` at `path` ("nucleation", "sodium.phase_field")
/// after the sections the module may depend on (materials, grid, sodium) and keeps
/// the result in Config::inputs. An `optional` section switches its module on by
/// being present: absent, its defaults are printed as a comment by `navox check`.
struct ModuleInput {
  std::string path;
  bool optional = false;
  std::function<std::any(const input::Section& section, bool present, const Config& config)> read;
};

/// The optional `analysis:` section, read by `navox analyze`: the analysed phase
/// (a phase name or a list of materials; default: every PORE material), the
/// directions of the conduction solves, the voxel connectivity of the cluster
/// labelling and where the JSON report goes.
struct AnalysisSpec {
  std::vector<int> materials;        ///< indices of the materials forming the analysed phase
  std::string phase = "PORE";        ///< how the phase was given, for the report
  std::vector<int> directions{0, 1, 2}; ///< 0, 1, 2 = x, y, z
  /// Neighbours of a voxel in the clusters (connected/isolated fractions, cluster
  /// count, the `components` field): 6 faces, 18 faces + edges, 26 + corners.
  /// The conduction solves are face-connected whatever this is.
  int connectivity = 6;
  std::string output = "analysis.json"; ///< the JSON report; the CSV goes beside it
  /// `threshold_ensemble: {levels: K, step: S}`: the analysis repeated with the volume's
  /// threshold at t + m S, m = -K..K (a threshold segmentation only: otsu, or two
  /// ranges sharing one boundary). S in grey values.
  struct ThresholdEnsemble {
    int levels = 0;
    double step = 0;
  };
  std::optional<ThresholdEnsemble> threshold_ensemble;
};

/// The optional `checkpoint:` section: when a run writes its restart files
/// (`<output.directory>/checkpoint_<step>.h5`). One is always written at the end,
/// on SIGTERM/SIGUSR1 and when a step fails at dt_min.
struct CheckpointSpec {
  long every = 0;          ///< every N steps (0: not by steps)
  double wall_time = 1800; ///< and every T of wall-clock time [s] (0: not by time)
  int keep = 2;            ///< the newest N checkpoints are kept
  /// Steps between restart points: there the solvers start afresh (a full multigrid
  /// set-up, ~0.5 s per restart point at 48³ on one core), and checkpoints hold the
  /// newest one, so a stop signal loses at most this many steps minus one.
  long restart_interval = 40;
};

struct Config {
  std::string file;
  MaterialTable materials;
  MicrostructureSpec microstructure;
  GridSpec grid;   ///< dims are filled when the microstructure is opened
  Conditions conditions;
  TimeSpec time;
  std::optional<Protocol> protocol; ///< none: potentiostatic at conditions.electrode_potential
  physics::SodiumMetal sodium;
  std::string metal = "Na"; ///< the material-library entry `sodium.metal` named (its creep and diffusion defaults)
  /// The modules' own sections (ModuleInput), by path.
  std::map<std::string, std::any> inputs;
  /// The value read for a module's section at `path`, or nullptr if there is none of type T.
  template <class T>
  const T* input(const std::string& path) const {
    const auto it = inputs.find(path);
    return it == inputs.end() ? nullptr : std::any_cast<T>(&it->second);
  }
  OutputSpec output;
  CheckpointSpec checkpoint;
  bool has_time = false;   ///< the deck has a `time` section (required for `run`)
  bool has_output = false; ///< the deck has an `output` section (required for `run`)
  AnalysisSpec analysis;
};

/// Which sections a command needs: `run` needs `time` and `output`; `analyze`
/// and `check` take them when present. A run refuses analysis-only phases (SOLID),
/// and so does `check` of a deck that has both `time` and `output` (a run's deck).
enum class Purpose { run, analyze, check };

/// Reads and validates everything, the modules' sections through `modules`; throws
/// input::InputError with file:line:col. (navox::read_deck passes the registered modules.)
Config read_config(input::Section root, Purpose purpose = Purpose::run, const std::vector<ModuleInput>& modules = {});

/// Opens the microstructure as labels on the cell's voxel grid; fills config.grid.dims.
/// An Otsu segmentation must have its threshold first (find_segmentation_threshold).
std::unique_ptr<LabelSource> open_microstructure(Config& config);

/// Otsu's threshold for the volume and the histogram it came from.
struct OtsuChoice {
  double threshold = 0;
  GreyHistogram histogram;
  std::string describe() const; ///< one line for the log
};

/// For a volume segmented with `otsu`: the global histogram of the cropped volume
/// (before coarsening; io/sources/grey_histogram.hpp), Otsu's threshold of it, set in
/// the segmentation. Nothing (and no reading) for any other microstructure. Collective;
/// the threshold is the same on any number of ranks.
std::optional<OtsuChoice> find_segmentation_threshold(MPI_Comm comm, Config& config);

/// What `run` and `analyze` open: find_segmentation_threshold (its threshold logged in
/// one line, and kept in `otsu` if given), then open_microstructure. Collective.
std::unique_ptr<LabelSource> open_cell(MPI_Comm comm, Config& config, const Log& log,
                                       std::optional<OtsuChoice>* otsu = nullptr);

/// "0=NBH;1=Cu;2=pore", for output metadata.
std::string material_legend(const MaterialTable& materials);

} // namespace navox::io
