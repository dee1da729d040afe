#pragma once
/// A copy of an array of doubles that stores a run of equal values once: the
/// snapshots of cell fields (the State's, a lift's), which are mostly constant
/// over large parts of the grid (the Na fraction and overflow are 0 outside the
/// Na, the labels constant per phase; the potential varies in the SE only).
///
/// The array is a sequence of segments, each a stretch of literal values followed
/// by a run of one repeated value; a run shorter than kMinRun is kept literal.
/// Equal means equal bits, so unpack() gives back exactly what pack() read
/// (−0 and 0, NaN payloads included). A dense array costs 8 B per value plus
/// 16 B; a constant one 16 B in all.
#include <mpi.h>
#include <petscvec.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace navox {

class PackedValues {
public:
  /// Replaces the content with the n values at `a`, reusing this object's storage.
  void pack(const double* a, std::size_t n);
  /// Writes the n = size() values to `out`.
  void unpack(double* out) const;
  std::vector<double> unpacked() const;
  /// The same for the owned values of a Vec; unpack throws navox::Error when the
  /// sizes differ.
  void pack(Vec v);
  void unpack(Vec v) const;
  std::size_t size() const { return size_; }
  /// Whether both hold the same values, bit for bit (the packing is unique).
  bool same_as(const PackedValues& o) const;
  /// Packs v's owned values in place of the content and returns, agreed on every rank
  /// of `comm`, whether they are bit for bit the values held before: the check of a
  /// cache keyed on a field (a default-constructed object matches nothing). Collective.
  bool repack(Vec v, MPI_Comm comm);
  /// Bytes held (the capacity of the storage), for tests and profiling.
  std::size_t bytes() const;

  /// Shorter runs stay literal: a run costs a length (4 B) and a value (8 B).
  static constexpr std::size_t kMinRun = 4;

private:
  /// Per segment: literal count, then run count (each < 2^32: longer stretches are
  /// split into several segments).
  std::vector<std::uint32_t> lengths_;
  /// Per segment: its literal values, then its run's value when the run is not empty.
  std::vector<double> values_;
  std::size_t size_ = 0;
};

} // namespace navox
