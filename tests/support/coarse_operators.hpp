#pragma once
// The coarse operators of a nested PCMG hierarchy as AggregationMG::configure sets it
// up (solver/multigrid/aggregation_mg.hpp): for comparing hierarchies in tests.
#include <petscksp.h>

#include <string>
#include <vector>

namespace navox::test {

/// The coarse operators of the PCMG hierarchy configured on `pc`, level 1 down.
inline std::vector<Mat> coarse_operators(PC pc) {
  std::vector<Mat> ops;
  for (;;) {
    PetscInt levels = 0;
    PCMGGetLevels(pc, &levels);
    if (levels < 2) break;
    KSP solve = nullptr;
    PCMGGetCoarseSolve(pc, &solve);
    Mat A = nullptr;
    KSPGetOperators(solve, &A, nullptr);
    ops.push_back(A);
    KSPGetPC(solve, &pc);
    PCType type = nullptr;
    PCGetType(pc, &type);
    if (std::string(type) != PCMG) break;
  }
  return ops;
}

} // namespace navox::test
