#pragma once
/// Everything that evolves in a run, by name: one object that a rejected step
/// rolls back and a checkpoint writes and reads as a whole.
///
/// Four kinds of entries, each registered once by the module that evolves it:
///   - cell fields: one value per voxel, a global Vec on a grid DM (`label`, `phi`,
///     `xi`, ...), created here (add_field) or a module's own Vec (adopt_field);
///   - block arrays: 1 or 6 values per owned voxel (6: the faces −x, +x, −y, +y,
///     −z, +z), kept where the module's solve reads them, reached through accessors;
///   - reals and integers: values equal on every rank (t, V, the lift, counters),
///     stored here (real, integer) or in the module (bind_real, bind_integer).
/// Whoever stores an entry keeps it alive as long as the State.
/// Step numbers key every random draw (nucleation, noise), so no generator state
/// exists beyond the integer `step`.
///
/// save(slot) / restore(slot) snapshot every entry: slot "step" retries a rejected
/// step, slot "restart" holds the last restart point (see Simulation). `revision(name)`
/// counts changes of a cell field made outside a solve (a lift moving the labels),
/// so modules that cache something derived from it know when to rebuild; restore()
/// and a checkpoint read count as changes.
#include "mesh/grid.hpp"
#include "mesh/packed_values.hpp"

#include <petscvec.h>

#include <cstdint>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace navox {

class State {
public:
  explicit State(const Grid& grid);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  const Grid& grid() const { return grid_; }

  /// A new cell field on `dm` (a DM of the grid), zeroed and named. Collective.
  Vec add_field(const std::string& name, DM dm);
  /// The cell field `name`; throws navox::Error if none was registered.
  Vec field(const std::string& name) const;
  bool has_field(const std::string& name) const;

  /// A Vec of a grid DM that a module owns, registered under `name` (a reference is taken).
  void adopt_field(const std::string& name, Vec vec);

  /// Whole-array access (a snapshot is taken every step: one call, not one per value).
  struct BlockAccess {
    int components = 1; ///< values per owned voxel: 1 or 6
    /// The entries read and write exchange: their places n = components × owned offset + c
    /// in the block, ascending; the others are 0 and never written. Null: every entry,
    /// in that order. A snapshot keeps these entries only.
    const std::vector<std::size_t>* slots = nullptr;
    /// Fills `out` (sized to the entries) / takes `in`, in the order of the entries.
    std::function<void(std::vector<double>& out)> read;
    std::function<void(const std::vector<double>& in)> write;
  };
  /// The block array of member `m` of the elements of `v`, element n at place slots[n]
  /// (`v` and `slots` outlive the State and stay the same size). For a member that only
  /// a few elements carry (the faces' double-layer state and nuclei coverage live on the
  /// SE's electrode faces, a few of six per voxel): a step's snapshot copies the few, not
  /// every face of every voxel.
  template <class T>
  static BlockAccess member_block(int components, std::vector<T>& v, double T::*m,
                                  const std::vector<std::size_t>& slots) {
    return {components, &slots,
            [&v, m](std::vector<double>& out) {
              for (std::size_t n = 0; n < v.size(); ++n) out[n] = v[n].*m;
            },
            [&v, m](const std::vector<double>& in) {
              for (std::size_t n = 0; n < v.size(); ++n) v[n].*m = in[n];
            }};
  }
  void add_block(const std::string& name, BlockAccess access);
  int block_components(const std::string& name) const;
  /// The whole block array (components × owned voxels values) / its entries from one.
  std::vector<double> block(const std::string& name) const;
  void set_block(const std::string& name, const std::vector<double>& values);

  /// The real / integer `name`, stored here, registered with `initial` the first time.
  double& real(const std::string& name, double initial = 0);
  std::int64_t& integer(const std::string& name, std::int64_t initial = 0);
  /// The value of a registered real / integer; throws navox::Error if none.
  double real(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  /// A real / integer a module stores itself, registered under `name`.
  void bind_real(const std::string& name, double& value);
  void bind_integer(const std::string& name, std::int64_t& value);

  /// Names in registration order (the order a checkpoint writes them).
  const std::vector<std::string>& field_names() const { return field_order_; }
  const std::vector<std::string>& block_names() const { return block_order_; }
  const std::vector<std::string>& real_names() const { return real_order_; }
  const std::vector<std::string>& integer_names() const { return integer_order_; }

  /// Snapshot of every entry into `slot` / back to it (throws if never saved). Collective.
  void save(const std::string& slot);
  void restore(const std::string& slot);

  /// What save(slot) kept of entry `name`, the current state left as it is (a
  /// checkpoint of an earlier restart point). A cell field or a whole block array
  /// (as block()); throws navox::Error if nothing was saved in `slot`.
  std::vector<double> saved_block(const std::string& slot, const std::string& name) const;
  double saved_real(const std::string& slot, const std::string& name) const;
  std::int64_t saved_integer(const std::string& slot, const std::string& name) const;

  /// Marks cell field `name` changed (outside a solve); revision() counts such changes.
  void changed(const std::string& name);
  long revision(const std::string& name) const;
  /// Marks every cell field changed (after a checkpoint was read into the state).
  void changed_all();

private:
  struct Field {
    Vec vec = nullptr;
    long revision = 0;
  };
  template <class T>
  struct Value {
    std::unique_ptr<T> owned;
    T* value = nullptr;
  };
  struct Snapshot {
    std::map<std::string, PackedValues> fields; ///< the owned values, runs packed
    std::map<std::string, long> revisions;
    std::map<std::string, std::vector<double>> blocks;
    std::map<std::string, double> reals;
    std::map<std::string, std::int64_t> integers;
  };
  const Snapshot& snapshot(const std::string& slot) const;
  /// The whole block array of `a` from its entries.
  std::vector<double> whole(const BlockAccess& a, const std::vector<double>& entries) const;
  template <class T>
  static T& value(std::map<std::string, Value<T>>& map, std::vector<std::string>& order, const std::string& name,
                  T* bound, T initial);

  const Grid& grid_;
  std::map<std::string, Field> fields_;
  std::map<std::string, BlockAccess> blocks_;
  std::map<std::string, Snapshot> snapshots_;
  std::map<std::string, Value<double>> reals_;
  std::map<std::string, Value<std::int64_t>> integers_;
  std::vector<std::string> field_order_, block_order_, real_order_, integer_order_;
};

} // namespace navox
