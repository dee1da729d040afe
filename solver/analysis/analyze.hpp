#pragma once
/// `navox analyze` on a read deck: opens the cell (finding an Otsu threshold first),
/// measures everything analysis_report.hpp lists and, with an `output:` section,
/// writes the analysed cell as output step 0. Writing the reports is the caller's.
#include "io/input/config.hpp"
#include "io/output/log.hpp"
#include "solver/analysis/analysis_report.hpp"

#include <mpi.h>

namespace navox {

/// The analysis of `config`'s cell on `comm` (config.grid.dims is filled). Collective;
/// throws CollectiveError on every rank for what a user can cause.
AnalysisReport analyze_cell(MPI_Comm comm, io::Config& config, const io::Log& log);

} // namespace navox
