#pragma once
/// The redistribution sweeps of the Na settling rules (MODEL.md §3.2,
/// docs/model.md "Settling"), on the total Na of each voxel, ξ + overflow, in
/// voxel volumes.
///
/// One sweep is Jacobi style: every voxel decides from the previous sweep's
/// values (one ghost exchange of the totals, then of the roles and of what each
/// voxel offers and gives), and the moves are summed with one reverse exchange.
/// Rules per voxel:
///   - sender (total > 1 in Na, any overflow in CC): passes the surplus to the
///     Na-holding face neighbours with room, in proportion to their room;
///   - deficit (total < 0): takes it from Na-holding neighbours;
///   - compaction (0 < total < 1 resting on SE or on full Na): takes Na from above;
///   - a CC voxel at an SE contact (a CC voxel with an SE face neighbour), walled
///     in, passes its surplus along the contact, from CC contact voxel to CC contact
///     voxel, towards the nearest one beside Na-holding space (the contact's edge),
///     and that one into its Na-holding neighbour even when full (which passes it
///     on): Na formed inside a contact is squeezed out sideways by the stack
///     pressure instead of lifting the collector (the routes are recomputed only
///     when the labels change);
///   - any other sender walled in (no Na-holding neighbour with room) pushes its
///     surplus up its column (+z) through Na and CC. That climb is done within the sweep: the
///     surplus goes straight to the first voxel up the column that is not itself
///     walled in and full (or CC), where the old one-voxel-per-sweep climb would
///     have brought it. A per-column scan over the owned block, bottom to top,
///     passes on to the rank above what leaves the block's top (ranks in z in
///     order), so the sums are made in the same order on any partition.
/// Work vectors are allocated once; `load` reads ξ, overflow and the voxel
/// kinds, `store` writes ξ and overflow back.
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"

#include <petscvec.h>

#include <cstdint>
#include <vector>

namespace navox {

class SettleSweeps {
public:
  explicit SettleSweeps(const Grid& grid);
  ~SettleSweeps();
  SettleSweeps(const SettleSweeps&) = delete;
  SettleSweeps& operator=(const SettleSweeps&) = delete;

  /// Totals ξ + overflow and each voxel's kind from `labels`. Collective.
  void load(Vec labels, const MaterialTable& materials, Vec xi, Vec excess);
  /// One sweep; returns whether anything moved, anywhere. `unplaced` gets the
  /// deficit no neighbour could fill [voxel volumes]. Collective.
  bool sweep(double& unplaced);
  /// ξ = the total clamped to [0, 1] in Na-holding voxels, overflow = the rest
  /// (all of it in CC voxels).
  void store(Vec xi, Vec excess) const;

private:
  enum Kind : std::uint8_t { other = 0, se = 1, na = 2, cc = 3 };
  std::int64_t ghost_index(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return ((k - g_lo_[2]) * g_n_[1] + (j - g_lo_[1])) * g_n_[0] + (i - g_lo_[0]);
  }
  struct Push {
    std::int64_t column, k; ///< owned column (x fastest) and layer of a walled-in sender
    double amount;          ///< the surplus it pushes up [voxel volumes]
  };
  void exchange(Vec global, Vec local) const;
  /// Whether voxel (i, j, k) would pass climbing Na on up its column.
  bool passes(const PetscScalar* tot, std::int64_t i, std::int64_t j, std::int64_t k) const;
  /// Whether face f of (i, j, k) has a neighbour (not across the bottom, top or a lateral wall).
  bool has_face(std::int64_t i, std::int64_t j, std::int64_t k, int f) const;
  void climb(const PetscScalar* tot, PetscScalar* delta);
  /// route_: per CC contact voxel, contact steps to the nearest one beside Na-holding
  /// space (0 there; kNoRoute if none); -1 elsewhere. Collective.
  void find_routes();

  const Grid& grid_;
  std::int64_t g_lo_[3] = {0, 0, 0}, g_n_[3] = {0, 0, 0}; ///< the ghosted box
  int below_ = -1, above_ = -1;                          ///< ranks sharing this block's columns, in z
  std::vector<std::uint8_t> kind_;                       ///< per ghosted voxel
  std::vector<std::uint8_t> kind_routed_;                ///< kind_ when the routes were found
  std::int64_t face_step_[6] = {0, 0, 0, 0, 0, 0};      ///< ghosted index offset across each face
  std::vector<Push> pushes_;                             ///< this sweep's climbs, in loop order
  std::vector<double> carry_;                            ///< per owned column: Na climbing past the block
  Vec tot_ = nullptr, role_ = nullptr, offer_ = nullptr, give_ = nullptr, delta_ = nullptr, route_ = nullptr; ///< global
  Vec tot_l_ = nullptr, role_l_ = nullptr, offer_l_ = nullptr, give_l_ = nullptr, delta_l_ = nullptr,
      route_l_ = nullptr; ///< ghosted
};

} // namespace navox
