// PackedValues (mesh/packed_values.hpp), the storage of the State's and a lift's
// field snapshots: every array comes back bit for bit, runs are stored once, and a
// run shorter than kMinRun stays literal.
#include "mesh/error.hpp"
#include "mesh/packed_values.hpp"

#include <gtest/gtest.h>
#include <petscvec.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using navox::PackedValues;

namespace {

std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out(v.size());
  std::memcpy(out.data(), v.data(), v.size() * sizeof(double));
  return out;
}

std::vector<double> round_trip(const std::vector<double>& in, PackedValues& p) {
  p.pack(in.data(), in.size());
  EXPECT_EQ(p.size(), in.size());
  return p.unpacked();
}

} // namespace

TEST(PackedValues, EmptyAndSingle) {
  PackedValues p;
  EXPECT_TRUE(round_trip({}, p).empty());
  EXPECT_EQ(round_trip({3.5}, p), std::vector<double>{3.5});
}

TEST(PackedValues, ConstantArrayIsOneRun) {
  const std::vector<double> zeros(100000, 0.0);
  PackedValues p;
  EXPECT_EQ(round_trip(zeros, p), zeros);
  EXPECT_LT(p.bytes(), 64u); // one segment: two lengths and one value
}

TEST(PackedValues, RunsAroundTheThreshold) {
  // Runs of every length from 1 to 2 kMinRun, each of a new value, then a literal tail.
  std::vector<double> in;
  for (std::size_t len = 1; len <= 2 * PackedValues::kMinRun; ++len) in.insert(in.end(), len, double(len));
  for (int i = 0; i < 7; ++i) in.push_back(0.1 * i);
  PackedValues p;
  EXPECT_EQ(bits(round_trip(in, p)), bits(in));
  // Starting and ending with a run.
  std::vector<double> ends(10, 1.0);
  ends.insert(ends.end(), {2.0, 3.0});
  ends.insert(ends.end(), 10, 4.0);
  EXPECT_EQ(round_trip(ends, p), ends);
}

TEST(PackedValues, BitsNotValues) {
  // -0 and 0 are different bits; NaNs with different payloads stay as they were.
  const double nan1 = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t b = 0;
  std::memcpy(&b, &nan1, sizeof b);
  ++b;
  double nan2 = 0;
  std::memcpy(&nan2, &b, sizeof b);
  std::vector<double> in{0.0, -0.0, 0.0, 0.0, -0.0, -0.0, -0.0, -0.0, nan1, nan1, nan1, nan1, nan2, 0.0};
  PackedValues p;
  EXPECT_EQ(bits(round_trip(in, p)), bits(in));
}

TEST(PackedValues, DenseRandomAndReuse) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> dense(50000);
  for (double& x : dense) x = u(gen);
  PackedValues p;
  EXPECT_EQ(round_trip(dense, p), dense);
  EXPECT_LE(p.bytes(), dense.size() * sizeof(double) + 64); // dense: no more than a copy
  // The same object packed again with a mostly constant array (a snapshot per step).
  std::vector<double> sparse(50000, 0.0);
  for (std::size_t i = 0; i < sparse.size(); i += 997) sparse[i] = u(gen);
  EXPECT_EQ(round_trip(sparse, p), sparse);
}

TEST(PackedValues, SameAs) {
  const std::vector<double> a{1, 1, 1, 1, 2, 3}, b{1, 1, 1, 1, 2, 4}, z{0.0}, nz{-0.0};
  PackedValues pa, pa2, pb, pz, pnz;
  pa.pack(a.data(), a.size());
  pa2.pack(a.data(), a.size());
  pb.pack(b.data(), b.size());
  pz.pack(z.data(), 1);
  pnz.pack(nz.data(), 1);
  EXPECT_TRUE(pa.same_as(pa2));
  EXPECT_FALSE(pa.same_as(pb));
  EXPECT_FALSE(pz.same_as(pnz));
  EXPECT_FALSE(pa.same_as(pz));
}

TEST(PackedValues, VecRoundTripAndSizeCheck) {
  Vec v = nullptr, w = nullptr;
  ASSERT_EQ(VecCreateSeq(PETSC_COMM_SELF, 40, &v), 0);
  ASSERT_EQ(VecCreateSeq(PETSC_COMM_SELF, 39, &w), 0);
  PetscScalar* a = nullptr;
  ASSERT_EQ(VecGetArray(v, &a), 0);
  for (int i = 0; i < 40; ++i) a[i] = i < 30 ? 0.0 : std::sqrt(double(i));
  ASSERT_EQ(VecRestoreArray(v, &a), 0);
  PackedValues p;
  p.pack(v);
  ASSERT_EQ(VecSet(v, 7.0), 0);
  p.unpack(v);
  const PetscScalar* r = nullptr;
  ASSERT_EQ(VecGetArrayRead(v, &r), 0);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(r[i], i < 30 ? 0.0 : std::sqrt(double(i))) << i;
  ASSERT_EQ(VecRestoreArrayRead(v, &r), 0);
  EXPECT_THROW(p.unpack(w), navox::Error);
  VecDestroy(&v);
  VecDestroy(&w);
}

TEST(PackedValues, RepackReportsAnUnchangedField) {
  Vec v = nullptr;
  ASSERT_EQ(VecCreateSeq(PETSC_COMM_SELF, 20, &v), 0);
  ASSERT_EQ(VecSet(v, 0.0), 0);
  PackedValues seen;
  EXPECT_FALSE(seen.repack(v, PETSC_COMM_SELF)); // a new cache matches nothing
  EXPECT_TRUE(seen.repack(v, PETSC_COMM_SELF));
  ASSERT_EQ(VecSetValue(v, 3, 2.0, INSERT_VALUES), 0);
  ASSERT_EQ(VecAssemblyBegin(v), 0);
  ASSERT_EQ(VecAssemblyEnd(v), 0);
  EXPECT_FALSE(seen.repack(v, PETSC_COMM_SELF));
  EXPECT_TRUE(seen.repack(v, PETSC_COMM_SELF));
  EXPECT_EQ(seen.unpacked()[3], 2.0);
  VecDestroy(&v);
}
