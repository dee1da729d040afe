#include "io/sources/microstructure.hpp"

#include "io/readers/checked_size.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace navox::io {

int Segmentation::material(double value) const {
  if (!label_map.empty()) {
    const double r = std::round(value);
    if (r == value) {
      auto it = label_map.find(static_cast<long>(r));
      if (it != label_map.end()) return it->second;
    }
  }
  for (const auto& range : ranges)
    if (value >= range.lo && value < range.hi) return range.material;
  if (otsu && ranges.empty()) throw Error("the Otsu threshold was not found before segmenting");
  std::ostringstream os;
  os << "voxel value " << value << " is not mapped to a material by the segmentation";
  if (!label_map.empty()) {
    os << " (label_map has:";
    for (const auto& [v, m] : label_map) os << ' ' << v;
    os << ")";
  }
  throw Error(os.str());
}

std::optional<double> Segmentation::threshold() const {
  if (!label_map.empty() || ranges.size() != 2) return std::nullopt;
  if (ranges[0].hi == ranges[1].lo) return ranges[0].hi;
  if (ranges[1].hi == ranges[0].lo) return ranges[1].hi;
  return std::nullopt;
}

Segmentation Segmentation::at_threshold(double t) const {
  const std::optional<double> now = threshold();
  if (!now) throw Error("the segmentation is not a threshold between two ranges");
  Segmentation moved = *this;
  for (Range& r : moved.ranges) {
    if (r.hi == *now) r.hi = t;
    else r.lo = t;
  }
  return moved;
}

void Segmentation::set_otsu_threshold(double t) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ranges = {{-inf, t, otsu->below}, {t, inf, otsu->above}};
}

Box cropped_region(const std::array<std::int64_t, 3>& src, std::array<std::int64_t, 3> offset,
                   std::array<std::int64_t, 3> size, std::int64_t factor) {
  if (factor < 1) throw Error("coarsening factor must be at least 1");
  Box region;
  for (int d = 0; d < 3; ++d) {
    const std::int64_t avail = src[d] - offset[d];
    if (offset[d] < 0 || avail <= 0)
      throw Error("crop offset " + std::to_string(offset[d]) + " lies outside the volume (" + std::to_string(src[d]) +
                  " voxels along " + "xyz"[d] + ")");
    const std::int64_t n = size[d] < 0 ? avail : size[d];
    if (n > avail)
      throw Error("crop of " + std::to_string(n) + " voxels from offset " + std::to_string(offset[d]) +
                  " exceeds the volume (" + std::to_string(src[d]) + " along " + "xyz"[d] + ")");
    if (n / factor < 1) throw Error("coarsening by " + std::to_string(factor) + " leaves no voxel");
    region.lo[d] = offset[d];
    region.n[d] = n / factor * factor;
  }
  return region;
}

namespace {

class SegmentedVolume : public LabelSource {
public:
  SegmentedVolume(std::unique_ptr<VolumeSource> volume, Segmentation seg, std::array<std::int64_t, 3> offset,
                  std::array<std::int64_t, 3> size, std::int64_t factor)
      : volume_(std::move(volume)), seg_(std::move(seg)), offset_(offset), factor_(factor) {
    const Box region = cropped_region(volume_->dims(), offset_, size, factor_);
    for (int d = 0; d < 3; ++d) dims_[d] = region.n[d] / factor_;
  }

  std::array<std::int64_t, 3> dims() const override { return dims_; }

  std::string describe() const override {
    std::ostringstream os;
    os << volume_->describe();
    if (offset_ != std::array<std::int64_t, 3>{0, 0, 0} || dims_ != volume_->dims())
      os << ", crop from (" << offset_[0] << "," << offset_[1] << "," << offset_[2] << ")";
    if (factor_ > 1) os << ", coarsened " << factor_ << "x";
    return os.str();
  }

  std::vector<int> labels(const Box& block) const override {
    Box src;
    for (int d = 0; d < 3; ++d) {
      src.lo[d] = offset_[d] + block.lo[d] * factor_;
      src.n[d] = block.n[d] * factor_;
    }
    const std::vector<double> grey = volume_->read_block(src);
    std::vector<int> out(block.size());
    if (factor_ == 1) {
      std::transform(grey.begin(), grey.end(), out.begin(), [&](double v) { return seg_.material(v); });
      return out;
    }
    // Majority vote over each factor^3 group of source voxels.
    std::map<int, int> votes;
    for (std::int64_t k = 0; k < block.n[2]; ++k)
      for (std::int64_t j = 0; j < block.n[1]; ++j)
        for (std::int64_t i = 0; i < block.n[0]; ++i) {
          votes.clear();
          for (std::int64_t c = 0; c < factor_; ++c)
            for (std::int64_t b = 0; b < factor_; ++b)
              for (std::int64_t a = 0; a < factor_; ++a) {
                const std::int64_t n = ((k * factor_ + c) * src.n[1] + (j * factor_ + b)) * src.n[0] + i * factor_ + a;
                ++votes[seg_.material(grey[n])];
              }
          // std::map iterates in ascending material order, so ties go to the lowest index.
          auto best = votes.begin();
          for (auto it = votes.begin(); it != votes.end(); ++it)
            if (it->second > best->second) best = it;
          out[(k * block.n[1] + j) * block.n[0] + i] = best->first;
        }
    return out;
  }

private:
  std::unique_ptr<VolumeSource> volume_;
  Segmentation seg_;
  std::array<std::int64_t, 3> offset_;
  std::int64_t factor_;
  std::array<std::int64_t, 3> dims_{};
};

class Uniform : public LabelSource {
public:
  Uniform(std::array<std::int64_t, 3> dims, int material, std::string name)
      : dims_(dims), material_(material), name_(std::move(name)) {
    checked_volume_bytes(dims_, sizeof(int), "uniform " + name_); // labels(): one int per voxel
  }
  std::array<std::int64_t, 3> dims() const override { return dims_; }
  std::string describe() const override {
    return "uniform " + name_ + " " + std::to_string(dims_[0]) + "x" + std::to_string(dims_[1]) + "x" +
           std::to_string(dims_[2]);
  }
  std::vector<int> labels(const Box& block) const override { return std::vector<int>(block.size(), material_); }

private:
  std::array<std::int64_t, 3> dims_;
  int material_;
  std::string name_;
};

class Stack : public LabelSource {
public:
  explicit Stack(std::vector<std::unique_ptr<LabelSource>> layers) : layers_(std::move(layers)) {
    if (layers_.empty()) throw Error("an empty stack of layers");
    dims_ = layers_.front()->dims();
    dims_[2] = 0;
    for (const auto& l : layers_) {
      const auto d = l->dims();
      if (d[0] != dims_[0] || d[1] != dims_[1])
        throw Error("stacked layer \"" + l->describe() + "\" is " + std::to_string(d[0]) + "x" + std::to_string(d[1]) +
                    " in x-y, the first layer is " + std::to_string(dims_[0]) + "x" + std::to_string(dims_[1]));
      z0_.push_back(dims_[2]);
      if (__builtin_add_overflow(dims_[2], d[2], &dims_[2]))
        throw Error("stacked layers are more than 2^63 voxels high together: overflows 64-bit sizes");
    }
    checked_volume_bytes(dims_, sizeof(int), "stacked layers"); // labels(): one int per voxel
  }
  std::array<std::int64_t, 3> dims() const override { return dims_; }
  std::string describe() const override {
    std::string s = "stack (bottom to top):";
    for (const auto& l : layers_) s += " [" + l->describe() + "]";
    return s;
  }
  std::vector<int> labels(const Box& block) const override {
    std::vector<int> out(block.size());
    for (std::size_t n = 0; n < layers_.size(); ++n) {
      const std::int64_t lo = std::max(block.lo[2], z0_[n]);
      const std::int64_t hi = std::min(block.hi(2), z0_[n] + layers_[n]->dims()[2]);
      if (lo >= hi) continue;
      Box part = block;
      part.lo[2] = lo - z0_[n];
      part.n[2] = hi - lo;
      const std::vector<int> sub = layers_[n]->labels(part);
      std::copy(sub.begin(), sub.end(), out.begin() + (lo - block.lo[2]) * block.n[0] * block.n[1]);
    }
    return out;
  }

private:
  std::vector<std::unique_ptr<LabelSource>> layers_;
  std::vector<std::int64_t> z0_;
  std::array<std::int64_t, 3> dims_{};
};

} // namespace

std::unique_ptr<LabelSource> segmented_volume(std::unique_ptr<VolumeSource> volume, Segmentation segmentation,
                                              std::array<std::int64_t, 3> crop_offset,
                                              std::array<std::int64_t, 3> crop_size, std::int64_t factor) {
  return std::make_unique<SegmentedVolume>(std::move(volume), std::move(segmentation), crop_offset, crop_size, factor);
}

std::unique_ptr<LabelSource> uniform(std::array<std::int64_t, 3> dims, int material, std::string name) {
  return std::make_unique<Uniform>(dims, material, std::move(name));
}

std::unique_ptr<LabelSource> stack(std::vector<std::unique_ptr<LabelSource>> layers) {
  return std::make_unique<Stack>(std::move(layers));
}

} // namespace navox::io
