/// Headerless raw voxels: dims, dtype, byte order and axis order come from
/// the input, so the file size is the only check that they are right.
#include "io/readers/checked_size.hpp"
#include "io/readers/sample_format.hpp"
#include "io/readers/volume_readers.hpp"

#include <filesystem>
#include <fstream>
#include <vector>

namespace navox::io::detail {

namespace {

class RawSource final : public VolumeSource {
public:
  explicit RawSource(const VolumeSpec& spec)
      : path_(spec.path), dims_(spec.dims), type_(parse_sample_type(spec.dtype, spec.path)), order_(spec.order),
        header_(spec.header_bytes), swap_((spec.endian == Endian::little) != host_is_little_endian()) {
    require_file(path_);
    if (dims_[0] <= 0 || dims_[1] <= 0 || dims_[2] <= 0)
      throw Error("file " + path_ + ": raw dims must be positive, got " + dims_text(dims_));
    if (header_ < 0) throw Error("file " + path_ + ": header_bytes must not be negative");
    const auto actual = static_cast<std::int64_t>(std::filesystem::file_size(path_));
    // Checked: dims up to 2^40 each are accepted, and a wrapped product could even
    // match the file size.
    std::int64_t expected = checked_volume_bytes(dims_, type_.bytes, "file " + path_ + ": raw " + type_.name());
    if (__builtin_add_overflow(expected, header_, &expected))
      throw Error("file " + path_ + ": raw data of " + dims_text(dims_) + " " + type_.name() + " after " +
                  std::to_string(header_) + " header bytes overflows 64-bit sizes");
    // A raw file says nothing about itself: a size mismatch either way means
    // wrong dims, dtype or header_bytes (or a truncated copy), never data to trust.
    if (actual != expected)
      throw Error("file " + path_ + " has " + std::to_string(actual) + " bytes, expected " + std::to_string(expected) +
                  " (= " + dims_text(dims_) + " " + type_.name() + " + " + std::to_string(header_) +
                  " header bytes)");
  }

  std::array<std::int64_t, 3> dims() const override { return dims_; }

  std::string describe() const override {
    const bool little = swap_ != host_is_little_endian();
    return "raw " + dims_text(dims_) + " " + type_.name() + (type_.bytes == 1 ? "" : little ? " LE" : " BE") +
           (order_ == AxisOrder::xyz ? " x-fastest " : " z-fastest ") + path_;
  }

  std::vector<double> read_block(const Box& block) const override {
    check_block(block, dims_, path_);
    std::vector<double> out(static_cast<std::size_t>(block.size()));
    if (out.empty()) return out;
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw Error("file " + path_ + " cannot be opened for reading");

    // File axes from fastest to slowest, and their strides in samples.
    const std::array<int, 3> axis = order_ == AxisOrder::xyz ? std::array<int, 3>{0, 1, 2} : std::array<int, 3>{2, 1, 0};
    std::array<std::int64_t, 3> stride{};
    stride[axis[0]] = 1;
    stride[axis[1]] = dims_[axis[0]];
    stride[axis[2]] = dims_[axis[0]] * dims_[axis[1]];
    const std::int64_t n0 = block.n[axis[0]], n1 = block.n[axis[1]], n2 = block.n[axis[2]];

    // One read per contiguous run: a run is a row of the fastest axis, grown
    // to whole planes, then to the whole block, while the block spans the file.
    std::int64_t step1 = 1, step2 = 1;
    if (n0 == dims_[axis[0]]) {
      step1 = n1;
      if (n1 == dims_[axis[1]]) step2 = n2;
    }
    const std::int64_t run = n0 * step1 * step2;
    std::vector<unsigned char> bytes(static_cast<std::size_t>(run * type_.bytes));
    std::vector<double> values(static_cast<std::size_t>(run));

    for (std::int64_t c2 = 0; c2 < n2; c2 += step2) {
      for (std::int64_t c1 = 0; c1 < n1; c1 += step1) {
        std::array<std::int64_t, 3> start = block.lo;
        start[axis[1]] += c1;
        start[axis[2]] += c2;
        const std::int64_t first = start[0] * stride[0] + start[1] * stride[1] + start[2] * stride[2];
        in.seekg(header_ + first * type_.bytes);
        in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!in) throw Error("file " + path_ + ": read failed at byte " + std::to_string(header_ + first * type_.bytes));
        decode_samples(bytes.data(), run, type_, swap_, values.data());
        for (std::int64_t s = 0; s < run; ++s) {
          std::array<std::int64_t, 3> local{};
          local[axis[0]] = s % n0;
          local[axis[1]] = c1 + (s / n0) % n1;
          local[axis[2]] = c2 + s / (n0 * n1);
          out[static_cast<std::size_t>((local[2] * block.n[1] + local[1]) * block.n[0] + local[0])] = values[s];
        }
      }
    }
    return out;
  }

private:
  std::string path_;
  std::array<std::int64_t, 3> dims_;
  SampleType type_;
  AxisOrder order_;
  std::int64_t header_;
  bool swap_;
};

} // namespace

std::unique_ptr<VolumeSource> open_raw(const VolumeSpec& spec) { return std::make_unique<RawSource>(spec); }

} // namespace navox::io::detail
