#pragma once
/// VTK XML output that ParaView opens natively: per step, one `.vti` piece per
/// rank (its block as cell data, written by that rank with VTK's
/// vtkXMLImageDataWriter) and a `.pvti` summary naming every piece's extent;
/// per run, a `.pvd` collection with the physical time of each step.
///
/// Pieces and summary carry field data: `TimeValue` (the step's time [s], which
/// VTK's readers report as the data set's time, so a single `.pvti` has its time),
/// `materials` (the label legend, "0=NBH;1=Cu;2=pore") and `units` (one string
/// "name=units" per cell array, in their order; "label=" for a label). A field of
/// several components (a vector's x, y, z) is one array of that many components,
/// declared with NumberOfComponents in the summary as in the pieces.
#include "io/output/output_field.hpp"
#include "mesh/grid.hpp"

#include <string>
#include <vector>

namespace navox::io {

/// What a step's VTK files say besides the cell arrays (their field data).
struct VtkStepInfo {
  double time = 0;       ///< [s]
  std::string materials; ///< label legend
};

/// Writes this rank's piece (`dir/piece`) of one step. Every rank calls it.
void write_vti_piece(const Grid& grid, const std::string& path, const std::vector<OutputField>& fields,
                     const VtkStepInfo& info);

/// Text of the `.pvti` summary; `piece_path(rank)` is each piece relative to it.
std::string pvti_summary(const Grid& grid, const std::vector<OutputField>& fields,
                         const std::vector<std::string>& piece_paths, const VtkStepInfo& info);

struct PvdEntry {
  double time = 0;   ///< [s]
  std::string file;  ///< .pvti, relative to the .pvd
};
std::string pvd_collection(const std::vector<PvdEntry>& entries);

} // namespace navox::io
