#include "mesh/packed_values.hpp"

#include "mesh/error.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace navox {

namespace {

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

constexpr std::size_t kMaxLength = std::numeric_limits<std::uint32_t>::max();

/// Calls segment(literal_from, literal_end, run) for each stretch of literals
/// [literal_from, literal_end) followed by `run` copies of a[literal_end] (run 0:
/// none), covering a[0, n) in order; an empty array is one empty segment.
template <class F>
void scan(const double* a, std::size_t n, F&& segment) {
  std::size_t literal_from = 0, i = 0;
  while (i < n) {
    std::size_t j = i + 1;
    while (j < n && bits(a[j]) == bits(a[i])) ++j;
    if (j - i >= PackedValues::kMinRun) {
      segment(literal_from, i, j - i);
      literal_from = j;
    }
    i = j;
  }
  if (literal_from < n || n == 0) segment(literal_from, n, 0);
}

/// Segment lengths as stored: each at most kMaxLength (a longer stretch is split).
template <class F>
void split(std::size_t literals, std::size_t run, F&& piece) {
  for (; literals > kMaxLength; literals -= kMaxLength) piece(kMaxLength, 0);
  do {
    const std::size_t part = std::min(run, kMaxLength);
    piece(literals, part);
    literals = 0;
    run -= part;
  } while (run > 0);
}

} // namespace

void PackedValues::pack(const double* a, std::size_t n) {
  // Count first, so the storage is allocated once at its size (a snapshot per step).
  std::size_t n_lengths = 0, n_values = 0;
  scan(a, n, [&](std::size_t from, std::size_t end, std::size_t run) {
    split(end - from, run, [&](std::size_t l, std::size_t r) {
      n_lengths += 2;
      n_values += l + (r > 0 ? 1 : 0);
    });
  });
  lengths_.clear();
  values_.clear();
  // Room for some growth (the Na region grows step by step) without a new allocation each step.
  if (lengths_.capacity() < n_lengths) lengths_.reserve(n_lengths + n_lengths / 8);
  if (values_.capacity() < n_values) values_.reserve(std::min(n, n_values + n_values / 8));
  size_ = n;
  scan(a, n, [&](std::size_t from, std::size_t end, std::size_t run) {
    const double* v = a + from;
    split(end - from, run, [&](std::size_t l, std::size_t r) {
      lengths_.push_back(static_cast<std::uint32_t>(l));
      lengths_.push_back(static_cast<std::uint32_t>(r));
      values_.insert(values_.end(), v, v + l);
      v += l;
      if (r > 0) values_.push_back(a[end]);
    });
  });
}

void PackedValues::unpack(double* out) const {
  const double* v = values_.data();
  for (std::size_t s = 0; s < lengths_.size(); s += 2) {
    out = std::copy(v, v + lengths_[s], out);
    v += lengths_[s];
    if (lengths_[s + 1] > 0) {
      out = std::fill_n(out, lengths_[s + 1], *v);
      ++v;
    }
  }
}

std::vector<double> PackedValues::unpacked() const {
  std::vector<double> out(size_);
  unpack(out.data());
  return out;
}

void PackedValues::pack(Vec v) {
  PetscInt n = 0;
  const PetscScalar* a = nullptr;
  NAVOX_CALL(VecGetLocalSize(v, &n));
  NAVOX_CALL(VecGetArrayRead(v, &a));
  pack(a, static_cast<std::size_t>(n));
  NAVOX_CALL(VecRestoreArrayRead(v, &a));
}

void PackedValues::unpack(Vec v) const {
  PetscInt n = 0;
  NAVOX_CALL(VecGetLocalSize(v, &n));
  if (static_cast<std::size_t>(n) != size_) throw Error("packed values: a vector of another size");
  PetscScalar* a = nullptr;
  NAVOX_CALL(VecGetArray(v, &a));
  unpack(a);
  NAVOX_CALL(VecRestoreArray(v, &a));
}

bool PackedValues::same_as(const PackedValues& o) const {
  return size_ == o.size_ && lengths_ == o.lengths_ && values_.size() == o.values_.size() &&
         std::memcmp(values_.data(), o.values_.data(), values_.size() * sizeof(double)) == 0;
}

bool PackedValues::repack(Vec v, MPI_Comm comm) {
  PackedValues now;
  now.pack(v);
  int same = same_as(now) ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, comm);
  *this = std::move(now);
  return same != 0;
}

std::size_t PackedValues::bytes() const {
  return lengths_.capacity() * sizeof(std::uint32_t) + values_.capacity() * sizeof(double);
}

} // namespace navox
