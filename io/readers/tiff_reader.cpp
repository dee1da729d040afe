/// Multi-page TIFF and BigTIFF: page k is slice z = k.
#include "io/readers/checked_size.hpp"
#include "io/readers/tiff_page.hpp"
#include "io/readers/volume_readers.hpp"

#include <tiffio.h>

#include <vector>

namespace navox::io::detail {

namespace {

class TiffSource final : public VolumeSource {
public:
  explicit TiffSource(const std::string& path) : file_(path) {
    // Walk the page chain once: every page must match page 0, and each page's
    // offset is kept so that a block read jumps straight to its own pages.
    TIFF* t = file_.get();
    for (;;) {
      const auto z = static_cast<std::int64_t>(pages_.size());
      TiffPage page = read_tiff_page(file_, z);
      if (z > 0 && !page.same_shape(pages_[0]))
        file_.fail("page " + std::to_string(z) + " is " + page.size_and_format() + " but page 0 is " +
                   pages_[0].size_and_format() + "; all pages of a stack must have the same size and format");
      pages_.push_back(page);
      offsets_.push_back(TIFFCurrentDirOffset(t));
      if (TIFFLastDirectory(t)) break;
      if (!TIFFReadDirectory(t)) file_.fail("cannot read page " + std::to_string(z + 1));
    }
    // Width and height are 32-bit each in the header: their product with the pages
    // and the sample size may not fit 64 bits (a damaged or hostile header).
    checked_volume_bytes(dims(), pages_[0].one_bit ? 1 : pages_[0].sample.bytes,
                         "file " + file_.path() + ": " + pages_[0].format());
  }

  std::array<std::int64_t, 3> dims() const override {
    return {pages_[0].width, pages_[0].height, static_cast<std::int64_t>(pages_.size())};
  }

  std::string describe() const override {
    return std::string(TIFFIsBigTIFF(file_.get()) ? "BigTIFF " : "TIFF ") + dims_text(dims()) + " " +
           pages_[0].format() + " (" + pages_[0].compression_name() + ") " + file_.path();
  }

  std::vector<double> read_block(const Box& block) const override {
    check_block(block, dims(), file_.path());
    std::vector<double> out(static_cast<std::size_t>(block.size()));
    if (out.empty()) return out;
    TIFF* t = file_.get();
    const std::int64_t plane = block.n[0] * block.n[1];
    std::vector<unsigned char> scratch;
    for (std::int64_t z = block.lo[2]; z < block.hi(2); ++z) {
      if (TIFFCurrentDirOffset(t) != offsets_[z] && !TIFFSetSubDirectory(t, offsets_[z]))
        file_.fail("cannot go to page " + std::to_string(z));
      decode_tiff_rows(file_, pages_[z], z, block.lo[0], block.n[0], block.lo[1], block.n[1],
                       out.data() + (z - block.lo[2]) * plane, scratch);
    }
    return out;
  }

private:
  TiffFile file_;
  std::vector<TiffPage> pages_;
  std::vector<std::uint64_t> offsets_;
};

} // namespace

std::unique_ptr<VolumeSource> open_tiff(const VolumeSpec& spec) { return std::make_unique<TiffSource>(spec.path); }

} // namespace navox::io::detail
