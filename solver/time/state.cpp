#include "solver/time/state.hpp"

#include "mesh/error.hpp"

namespace navox {

State::State(const Grid& grid) : grid_(grid) {}

State::~State() {
  for (auto& [name, f] : fields_) (void)VecDestroy(&f.vec);
}

Vec State::add_field(const std::string& name, DM dm) {
  Vec v = nullptr;
  NAVOX_CALL(DMCreateGlobalVector(dm, &v));
  NAVOX_CALL(PetscObjectSetName(reinterpret_cast<PetscObject>(v), name.c_str()));
  NAVOX_CALL(VecSet(v, 0.0));
  adopt_field(name, v);
  NAVOX_CALL(VecDestroy(&v)); // the State's reference remains
  return field(name);
}

void State::adopt_field(const std::string& name, Vec vec) {
  if (fields_.count(name) || blocks_.count(name)) throw Error("state: " + name + " registered twice");
  Field f;
  NAVOX_CALL(PetscObjectReference(reinterpret_cast<PetscObject>(vec)));
  f.vec = vec;
  fields_[name] = f;
  field_order_.push_back(name);
}

Vec State::field(const std::string& name) const {
  const auto it = fields_.find(name);
  if (it == fields_.end()) throw Error("state: no cell field " + name);
  return it->second.vec;
}

bool State::has_field(const std::string& name) const { return fields_.count(name) != 0; }

void State::add_block(const std::string& name, BlockAccess access) {
  if (fields_.count(name) || blocks_.count(name)) throw Error("state: " + name + " registered twice");
  if (access.components != 1 && access.components != 6)
    throw Error("state: block array " + name + " must have 1 or 6 values per voxel");
  blocks_[name] = std::move(access);
  block_order_.push_back(name);
}

int State::block_components(const std::string& name) const {
  const auto it = blocks_.find(name);
  if (it == blocks_.end()) throw Error("state: no block array " + name);
  return it->second.components;
}

namespace {

std::size_t entries(const State::BlockAccess& a, std::size_t owned) {
  return a.slots ? a.slots->size() : owned * static_cast<std::size_t>(a.components);
}

} // namespace

std::vector<double> State::whole(const BlockAccess& a, const std::vector<double>& entries) const {
  if (!a.slots) return entries;
  std::vector<double> out(static_cast<std::size_t>(grid_.owned().size()) * a.components, 0.0);
  for (std::size_t n = 0; n < entries.size(); ++n) out[(*a.slots)[n]] = entries[n];
  return out;
}

std::vector<double> State::block(const std::string& name) const {
  const auto it = blocks_.find(name);
  if (it == blocks_.end()) throw Error("state: no block array " + name);
  const auto& a = it->second;
  std::vector<double> part(entries(a, static_cast<std::size_t>(grid_.owned().size())));
  a.read(part);
  return whole(a, part);
}

void State::set_block(const std::string& name, const std::vector<double>& values) {
  const auto it = blocks_.find(name);
  if (it == blocks_.end()) throw Error("state: no block array " + name);
  const auto& a = it->second;
  if (values.size() != static_cast<std::size_t>(grid_.owned().size()) * a.components)
    throw Error("state: block array " + name + " does not match this rank's block");
  if (!a.slots) {
    a.write(values);
    return;
  }
  std::vector<double> part(a.slots->size());
  for (std::size_t n = 0; n < part.size(); ++n) part[n] = values[(*a.slots)[n]];
  a.write(part);
}

template <class T>
T& State::value(std::map<std::string, Value<T>>& map, std::vector<std::string>& order, const std::string& name,
                T* bound, T initial) {
  auto [it, fresh] = map.try_emplace(name);
  if (!fresh) {
    if (bound) throw Error("state: " + name + " registered twice");
    return *it->second.value;
  }
  if (bound) {
    it->second.value = bound;
  } else {
    it->second.owned = std::make_unique<T>(initial);
    it->second.value = it->second.owned.get();
  }
  order.push_back(name);
  return *it->second.value;
}

double& State::real(const std::string& name, double initial) {
  return value<double>(reals_, real_order_, name, nullptr, initial);
}
std::int64_t& State::integer(const std::string& name, std::int64_t initial) {
  return value<std::int64_t>(integers_, integer_order_, name, nullptr, initial);
}
double State::real(const std::string& name) const {
  const auto it = reals_.find(name);
  if (it == reals_.end()) throw Error("state: no real " + name);
  return *it->second.value;
}

std::int64_t State::integer(const std::string& name) const {
  const auto it = integers_.find(name);
  if (it == integers_.end()) throw Error("state: no integer " + name);
  return *it->second.value;
}

void State::bind_real(const std::string& name, double& v) { value<double>(reals_, real_order_, name, &v, 0); }
void State::bind_integer(const std::string& name, std::int64_t& v) {
  value<std::int64_t>(integers_, integer_order_, name, &v, 0);
}

void State::save(const std::string& slot) {
  Snapshot& snap = snapshots_[slot];
  // Cell fields packed (runs of one value stored once): most of a field is one value.
  for (auto& [name, f] : fields_) {
    snap.fields[name].pack(f.vec);
    snap.revisions[name] = f.revision;
  }
  // Block arrays keep their entries only, in the snapshot's own storage (no per-step allocation).
  const auto owned = static_cast<std::size_t>(grid_.owned().size());
  for (const auto& [name, b] : blocks_) {
    std::vector<double>& copy = snap.blocks[name];
    copy.resize(entries(b, owned));
    b.read(copy);
  }
  for (const auto& [name, v] : reals_) snap.reals[name] = *v.value;
  for (const auto& [name, v] : integers_) snap.integers[name] = *v.value;
}

void State::restore(const std::string& slot) {
  const auto it = snapshots_.find(slot);
  if (it == snapshots_.end()) throw Error("state: nothing saved in " + slot);
  const Snapshot& snap = it->second;
  for (auto& [name, f] : fields_) {
    snap.fields.at(name).unpack(f.vec);
    // A field changed since the snapshot changes again by being put back.
    if (f.revision != snap.revisions.at(name)) ++f.revision;
  }
  const auto owned = static_cast<std::size_t>(grid_.owned().size());
  for (const auto& [name, b] : blocks_) {
    const std::vector<double>& copy = snap.blocks.at(name);
    if (copy.size() != entries(b, owned)) throw Error("state: block array " + name + " changed size since " + slot);
    b.write(copy);
  }
  for (auto& [name, v] : reals_) *v.value = snap.reals.at(name);
  for (auto& [name, v] : integers_) *v.value = snap.integers.at(name);
}

const State::Snapshot& State::snapshot(const std::string& slot) const {
  const auto it = snapshots_.find(slot);
  if (it == snapshots_.end()) throw Error("state: nothing saved in " + slot);
  return it->second;
}

std::vector<double> State::saved_block(const std::string& slot, const std::string& name) const {
  const Snapshot& snap = snapshot(slot);
  // (A cell field's owned values are in the block's order: x fastest.)
  if (const auto f = snap.fields.find(name); f != snap.fields.end()) return f->second.unpacked();
  const auto b = blocks_.find(name);
  if (b == blocks_.end()) throw Error("state: no entry " + name);
  return whole(b->second, snap.blocks.at(name));
}

double State::saved_real(const std::string& slot, const std::string& name) const {
  return snapshot(slot).reals.at(name);
}

std::int64_t State::saved_integer(const std::string& slot, const std::string& name) const {
  return snapshot(slot).integers.at(name);
}

void State::changed(const std::string& name) {
  const auto it = fields_.find(name);
  if (it == fields_.end()) throw Error("state: no cell field " + name);
  ++it->second.revision;
}

long State::revision(const std::string& name) const {
  const auto it = fields_.find(name);
  if (it == fields_.end()) throw Error("state: no cell field " + name);
  return it->second.revision;
}

void State::changed_all() {
  for (auto& [name, f] : fields_) ++f.revision;
}

} // namespace navox
