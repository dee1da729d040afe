/// A sequence of single-page TIFF files, one per slice z, named by a
/// printf-style pattern ("im%03d.tif") and consecutive numbers.
#include "io/readers/checked_size.hpp"
#include "io/readers/tiff_page.hpp"
#include "io/readers/volume_readers.hpp"

#include <tiffio.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace navox::io::detail {

namespace {

/// The pattern split around its one integer conversion. Only that conversion
/// is passed to snprintf, so a user's pattern can never make snprintf read
/// arguments that are not there.
struct SlicePattern {
  std::string prefix, conversion, suffix;

  explicit SlicePattern(const std::string& pattern) {
    int conversions = 0;
    std::string* part = &prefix;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] != '%') {
        *part += pattern[i];
        continue;
      }
      if (i + 1 < pattern.size() && pattern[i + 1] == '%') {
        *part += '%';
        ++i;
        continue;
      }
      const std::size_t end = pattern.find_first_not_of("-+ #.0123456789", i + 1);
      if (end == std::string::npos || !std::strchr("diu", pattern[end]) || conversions++ > 0) {
        conversions = -1;
        break;
      }
      conversion = pattern.substr(i, end - i + 1);
      part = &suffix;
      i = end;
    }
    if (conversions != 1)
      throw Error("tiff_sequence pattern " + pattern +
                  " must hold exactly one integer conversion such as %03d (write %% for a literal %)");
  }

  std::string path(std::int64_t index) const {
    char number[64];
    std::snprintf(number, sizeof number, conversion.c_str(), static_cast<int>(index));
    return prefix + number + suffix;
  }
};

class TiffSequenceSource final : public VolumeSource {
public:
  explicit TiffSequenceSource(const VolumeSpec& spec) : pattern_(spec.path) {
    const SlicePattern pattern(spec.path);
    if (spec.count == 0 || spec.count < -1)
      throw Error("tiff_sequence " + pattern_ + ": count must be positive, or -1 to read until a file is missing");
    if (spec.count < 0) {
      for (std::int64_t i = spec.first_index; std::filesystem::exists(pattern.path(i)); ++i)
        paths_.push_back(pattern.path(i));
      if (paths_.empty())
        throw Error("tiff_sequence " + pattern_ + ": no slice found (first file would be " +
                    pattern.path(spec.first_index) + ")");
    } else {
      // A missing slice is the likelier mistake, so report it before any
      // format mismatch further down the sequence.
      for (std::int64_t i = 0; i < spec.count; ++i) {
        paths_.push_back(pattern.path(spec.first_index + i));
        require_file(paths_.back());
      }
    }
    first_index_ = spec.first_index;
    // Check every slice now, so that all ranks fail alike and at once rather
    // than only the rank whose block reaches a bad slice.
    for (std::size_t z = 0; z < paths_.size(); ++z) {
      TiffFile file(paths_[z]);
      const TiffPage page = slice_page(file, z);
      if (z == 0) first_ = page;
    }
    // Width and height are 32-bit each in the header: see tiff_reader.cpp.
    checked_volume_bytes(dims(), first_.one_bit ? 1 : first_.sample.bytes,
                         "tiff_sequence " + pattern_ + ": " + first_.format());
  }

  std::array<std::int64_t, 3> dims() const override {
    return {first_.width, first_.height, static_cast<std::int64_t>(paths_.size())};
  }

  std::string describe() const override {
    return "TIFF sequence " + dims_text(dims()) + " " + first_.format() + " (" + first_.compression_name() + ") " +
           pattern_ + " [" + std::to_string(first_index_) + ".." +
           std::to_string(first_index_ + static_cast<std::int64_t>(paths_.size()) - 1) + "]";
  }

  std::vector<double> read_block(const Box& block) const override {
    check_block(block, dims(), pattern_);
    std::vector<double> out(static_cast<std::size_t>(block.size()));
    if (out.empty()) return out;
    const std::int64_t plane = block.n[0] * block.n[1];
    std::vector<unsigned char> scratch;
    for (std::int64_t z = block.lo[2]; z < block.hi(2); ++z) {
      TiffFile file(paths_[z]);
      const TiffPage page = slice_page(file, static_cast<std::size_t>(z));
      decode_tiff_rows(file, page, 0, block.lo[0], block.n[0], block.lo[1], block.n[1],
                       out.data() + (z - block.lo[2]) * plane, scratch);
    }
    return out;
  }

private:
  /// The page of slice z, checked against slice 0.
  TiffPage slice_page(const TiffFile& file, std::size_t z) const {
    const TiffPage page = read_tiff_page(file, 0);
    if (!TIFFLastDirectory(file.get()))
      file.fail("more than one page, but each file of a tiff_sequence must be one slice (use format tiff for a "
                "multi-page stack)");
    if (z > 0 && !page.same_shape(first_))
      file.fail("slice is " + page.size_and_format() + " but " + paths_[0] + " is " + first_.size_and_format() +
                "; all slices of a sequence must have the same size and format");
    return page;
  }

  std::string pattern_;
  std::int64_t first_index_ = 1;
  std::vector<std::string> paths_;
  TiffPage first_;
};

} // namespace

std::unique_ptr<VolumeSource> open_tiff_sequence(const VolumeSpec& spec) {
  return std::make_unique<TiffSequenceSource>(spec);
}

} // namespace navox::io::detail
