#include "solver/app/app.hpp"

#include "io/input/config.hpp"
#include "io/output/log.hpp"
#include "io/output/output_writer.hpp"
#include "mesh/block_access.hpp"
#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "navox/version.hpp"
#include "solver/analysis/analysis_report.hpp"
#include "solver/analysis/effective_conductivity.hpp"
#include "solver/app/memory_guard.hpp"
#include "solver/app/stop_signals.hpp"
#include "solver/time/simulation.hpp"

#include <hdf5.h>
#include <petscsys.h>
#include <petsctime.h>
#include <vtkVersion.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace navox {

std::string version_text() {
  char petsc[256];
  PetscGetVersion(petsc, sizeof petsc);
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(mpi, &len);
  std::string mpi_line(mpi, len);
  mpi_line = mpi_line.substr(0, mpi_line.find_first_of("\n,"));
  std::ostringstream os;
  os << "navox " << NAVOX_VERSION << "\n"
     << "  " << petsc << "\n"
     << "  HDF5 " << maj << "." << min << "." << rel << " (parallel)\n"
     << "  VTK " << vtkVersion::GetVTKVersion() << "\n"
     << "  " << mpi_line << "\n";
  return os.str();
}

namespace {

/// Rank 0 reads the file once (no metadata storm on a parallel file system) and broadcasts it.
std::string read_input_text(MPI_Comm comm, const std::string& path) {
  std::string text;
  on_root(comm, [&] {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open the input file");
    std::ostringstream os;
    os << in.rdbuf();
    text = os.str();
  });
  broadcast(comm, 0, text);
  return text;
}

struct Parsed {
  std::unique_ptr<input::Document> doc;
  io::Config config;
};

/// Parsing is deterministic, so every rank fails alike; `collectively` still guards it.
Parsed parse_input(MPI_Comm comm, const CommandLine& cl, io::Purpose purpose) {
  const std::string text = read_input_text(comm, cl.input);
  Parsed p;
  collectively(comm, [&] {
    p.doc = input::Document::parse(text, cl.input);
    for (const auto& o : cl.overrides) p.doc->set(o);
    p.config = read_deck(p.doc->root(), purpose);
    p.config.file = cl.input;
    p.doc->finish();
  });
  return p;
}

} // namespace

int command_check(MPI_Comm comm, const CommandLine& cl) {
  // Decks for `analyze` need no time or output: check accepts both kinds and says which.
  Parsed p = parse_input(comm, cl, io::Purpose::analyze);
  // Everything short of reading voxels: the volume file's header against its dims and
  // dtype, the crop inside the volume, generated and stacked layers that fit together.
  std::unique_ptr<io::LabelSource> cell;
  collectively(comm, [&] { cell = io::open_microstructure(p.config); });
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    const auto& d = p.config.grid.dims;
    std::printf("# %s: valid. Resolved input (SI units):\n%s\n", cl.input.c_str(), p.doc->resolved_yaml().c_str());
    std::printf("# cell: %lld x %lld x %lld voxels: %s\n", (long long)d[0], (long long)d[1], (long long)d[2],
                cell->describe().c_str());
    if (!p.config.protocol)
      std::printf("# no \"protocol\" section: potentiostatic at conditions.electrode_potential\n");
    if (!p.config.has_time || !p.config.has_output)
      std::printf("# no \"time\"/\"output\" section: valid for `navox analyze`, not for `navox run`\n");
    std::fflush(stdout);
  }
  return 0;
}

int command_run(MPI_Comm comm, const CommandLine& cl) {
  Parsed p = parse_input(comm, cl, io::Purpose::run);
  io::Log log(comm);
  int size = 1;
  MPI_Comm_size(comm, &size);
  log.info("navox %s: %s on %d rank%s", NAVOX_VERSION, cl.input.c_str(), size, size == 1 ? "" : "s");
  StopSignals signals;
  Simulation sim(comm, std::move(p.config), log);
  sim.run({cl.restart, StopSignals::flag()});
  if (sim.interrupted()) {
    log.info("stopped by a signal: checkpoint written; continue with: navox run %s --restart latest", cl.input.c_str());
    return kExitCheckpointed;
  }
  return 0;
}

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

} // namespace

int command_analyze(MPI_Comm comm, const CommandLine& cl) {
  Parsed p = parse_input(comm, cl, io::Purpose::analyze);
  io::Config& config = p.config;
  io::Log log(comm);
  int size = 1;
  MPI_Comm_size(comm, &size);
  log.info("navox %s analyze: %s on %d rank%s", NAVOX_VERSION, cl.input.c_str(), size, size == 1 ? "" : "s");
  // The analysis treats the side faces as walls (clusters, boundary contact, interfaces,
  // chords and the conduction solves): a periodic deck is refused, not reinterpreted.
  if (config.grid.periodic_lateral)
    collectively(comm, [&] {
      p.doc->root().section("grid").fail(
          "lateral_boundary", "periodic is not supported by `navox analyze`, which treats the side faces as walls; "
                              "analyse with zero_flux (--set grid.lateral_boundary=zero_flux)");
    });
  std::unique_ptr<io::LabelSource> cell;
  collectively(comm, [&] { cell = io::open_microstructure(config); });
  log.info("microstructure: %s", cell->describe().c_str());
  const GridSpec spec = config.grid;
  check_grid_fits(comm, spec, kAnalysisBytesPerVoxel);
  Grid grid(comm, spec, {});
  const auto& d = spec.dims;
  log.info("grid: %lld x %lld x %lld voxels", (long long)d[0], (long long)d[1], (long long)d[2]);

  Vec labels = nullptr, mask = nullptr, comps = nullptr;
  AnalysisReport report;
  try {
    NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &labels));
    NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &mask));
    std::vector<int> block;
    collectively(comm, [&] {
      block = cell->labels(grid.owned());
      set_scalar_block(grid, labels, std::vector<double>(block.begin(), block.end()));
    });
    const std::vector<int>& in_phase = config.analysis.materials;
    std::vector<double> count(config.materials.size(), 0.0), mask_block(block.size(), 0.0);
    for (std::size_t v = 0; v < block.size(); ++v) {
      count[static_cast<std::size_t>(block[v])] += 1;
      mask_block[v] = std::find(in_phase.begin(), in_phase.end(), block[v]) != in_phase.end() ? 1 : 0;
    }
    set_scalar_block(grid, mask, mask_block);
    report.material_fraction.resize(count.size());
    MPI_Allreduce(count.data(), report.material_fraction.data(), static_cast<int>(count.size()), MPI_DOUBLE,
                  MPI_SUM, comm);
    const double voxels = double(grid.voxel_count());
    for (std::size_t m = 0; m < count.size(); ++m) {
      report.material_fraction[m] /= voxels;
      log.info("  material %zu %-10s %-4s %8.4f %%", m, config.materials[m].name.c_str(),
               phase_name(config.materials[m].phase), 100 * report.material_fraction[m]);
    }

    // Connected (touching any face of the domain) versus isolated parts of the phase,
    // with the deck's connectivity.
    const int connectivity = config.analysis.connectivity;
    PetscLogDouble t0 = 0, t1 = 0;
    NAVOX_CALL(PetscTime(&t0));
    ComponentLabels cc = connected_components(grid, mask, connectivity);
    comps = cc.labels;
    std::vector<std::int64_t> boundary;
    for (int axis = 0; axis < 3; ++axis)
      for (int side = 0; side < 2; ++side) {
        const auto face = labels_on_face(grid, comps, axis, side);
        boundary.insert(boundary.end(), face.begin(), face.end());
      }
    std::sort(boundary.begin(), boundary.end());
    boundary.erase(std::unique(boundary.begin(), boundary.end()), boundary.end());
    std::vector<double> lab = scalar_block(grid, comps);
    const Box b = grid.owned();
    double sums[4] = {0, 0, 0, 0}, total[4]; // phase, connected, isolated, clusters
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) {
          const double l = lab[b.offset(i, j, k)];
          if (l < 0) continue;
          sums[0] += 1;
          sums[std::binary_search(boundary.begin(), boundary.end(), std::int64_t(l)) ? 1 : 2] += 1;
          if (l == double(i + d[0] * (j + d[1] * k))) sums[3] += 1; // the component's first voxel
        }
    MPI_Allreduce(sums, total, 4, MPI_DOUBLE, MPI_SUM, comm);
    NAVOX_CALL(PetscTime(&t1));
    report.phase_fraction = total[0] / voxels;
    report.connected_fraction = total[1] / voxels;
    report.isolated_fraction = total[2] / voxels;
    report.clusters = static_cast<long long>(total[3]);
    log.info("phase %s: %.4f %% of the volume in %lld clusters (%d-connected); connected to the boundary %.4f %%, "
             "isolated %.4f %% (%d sweeps, %.3f s)",
             config.analysis.phase.c_str(), 100 * report.phase_fraction, report.clusters, connectivity,
             100 * report.connected_fraction, 100 * report.isolated_fraction, cc.sweeps, double(t1 - t0));

    report.faces = count_interface_faces(grid, labels, static_cast<int>(config.materials.size()));
    report.contact = se_cc_contact(report.faces, config);
    log.info("SE|CC contact: %.4f %% of the projected area (faces normal to z), area ratio %.4f",
             100 * report.contact.contact_fraction, report.contact.area_ratio);
    report.chords = chord_lengths(grid, std::vector<char>(mask_block.begin(), mask_block.end()));
    for (int axis = 0; axis < 3; ++axis)
      log.info("  chords along %s: %lld, mean %.4g m", axis_name(axis), (long long)report.chords.chords(axis),
               report.chords.mean_length(axis, spec.spacing[axis]));
    if (config.has_output) write_analysis_fields(grid, config, block, lab);
    // The conduction solves need the component labels only: free the rest first.
    NAVOX_CALL(VecDestroy(&labels));
    // Current flows through faces only: the solves take face-connected (6) components.
    if (connectivity != 6) {
      NAVOX_CALL(VecDestroy(&comps));
      comps = connected_components(grid, mask, 6).labels;
    }
    NAVOX_CALL(VecDestroy(&mask));
    std::vector<int>().swap(block);
    std::vector<double>().swap(mask_block);
    std::vector<double>().swap(lab);

    ConductivitySolver solver(grid, comps);
    for (int axis : config.analysis.directions) {
      DirectionReport dir;
      dir.result.axis = axis;
      try {
        dir.result = solver.solve(axis);
        log.info("  %s: sigma_eff/sigma = %.6g  tau = %.6g  spanning %.4f %%  %d iterations  %.3f s", axis_name(axis),
                 dir.result.ratio, dir.result.tortuosity, 100 * dir.result.active_fraction,
                 int(dir.result.iterations), dir.result.seconds);
      } catch (const NotPercolating& e) {
        dir.percolates = false;
        log.info("  %s: %s", axis_name(axis), e.what());
      }
      report.directions.push_back(dir);
    }
  } catch (...) {
    (void)VecDestroy(&comps);
    (void)VecDestroy(&mask);
    (void)VecDestroy(&labels);
    throw;
  }
  (void)VecDestroy(&comps);
  (void)VecDestroy(&mask);
  (void)VecDestroy(&labels);
  on_root(comm, [&] { write_analysis_reports(config, report, size); });
  std::filesystem::path csv = config.analysis.output;
  csv.replace_extension(".csv");
  log.info("report: %s, %s (and _interfaces.csv, _chords.csv)", config.analysis.output.c_str(),
           csv.string().c_str());
  if (config.has_output) log.info("fields: %s/%s_000000.*", config.output.directory.c_str(), config.output.prefix.c_str());
  return 0;
}

} // namespace navox
