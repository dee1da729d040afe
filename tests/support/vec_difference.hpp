#pragma once
// |a - b|_inf / |a|_inf of two vectors of one layout: the tests' measure of how far a
// product, a solve or a diagonal is from its reference.
#include <gtest/gtest.h>
#include <petscvec.h>

namespace navox::test {

inline double relative_difference(Vec a, Vec b) {
  Vec d = nullptr;
  PetscReal nd = 0, na = 0;
  EXPECT_EQ(VecDuplicate(a, &d), 0);
  EXPECT_EQ(VecWAXPY(d, -1.0, b, a), 0);
  EXPECT_EQ(VecNorm(d, NORM_INFINITY, &nd), 0);
  EXPECT_EQ(VecNorm(a, NORM_INFINITY, &na), 0);
  VecDestroy(&d);
  return nd / na;
}

} // namespace navox::test
