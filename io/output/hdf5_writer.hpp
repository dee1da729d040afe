#pragma once
/// One HDF5 file per output step, written collectively: each rank writes its
/// block of every field as a hyperslab of a [z][y][x] dataset `/fields/<name>`
/// ([z][y][x][c] for a field of `components` > 1, e.g. a vector's x, y, z).
///
/// File attributes: `time` [s], `step`, `origin` and `spacing` [m] (x, y, z),
/// `dims` (x, y, z), `materials` ("0=NBH;1=Cu;..."), and `navox_version`; each
/// dataset has a `units` attribute ("V", "1"; "" for a label). Float fields hold NaN
/// where they are undefined (phi outside the SE).
#include "io/output/output_field.hpp"
#include "mesh/grid.hpp"

#include <string>
#include <vector>

namespace navox::io {

struct StepInfo {
  long step = 0;
  double time = 0; ///< [s]
};

void write_hdf5_step(const Grid& grid, const std::string& path, const StepInfo& info,
                     const std::vector<OutputField>& fields, const std::string& materials);

/// Whether a write failed on some ranks and its file was abandoned open (see
/// io/output/hdf5_writer.cpp): then the process must not call MPI_Finalize, where parallel
/// HDF5 closes every open file collectively and would hang.
bool hdf5_output_abandoned();

/// Reads one field's block back (tests, restarts); `block` in global voxel indices.
/// A field of several components comes back interleaved, as OutputField holds it.
std::vector<double> read_hdf5_field(const std::string& path, const std::string& name, const Box& block);

} // namespace navox::io
