#include "io/readers/tiff_page.hpp"

#include "io/readers/volume_readers.hpp"
#include "mesh/error.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace navox::io::detail {

namespace {

int keep_error(TIFF*, void* user_data, const char* module, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  auto* last = static_cast<std::string*>(user_data);
  *last = module ? std::string(module) + ": " + text : std::string(text);
  return 1; // handled: libtiff must not print it
}

// Readers must not print; warnings (unknown private tags of ImageJ, Fiji or
// microscope software) are common and harmless for reading samples.
int drop_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

std::string photometric_name(std::uint16_t photometric) {
  switch (photometric) {
  case PHOTOMETRIC_MINISWHITE: return "min-is-white";
  case PHOTOMETRIC_MINISBLACK: return "min-is-black";
  case PHOTOMETRIC_RGB: return "RGB";
  case PHOTOMETRIC_PALETTE: return "palette";
  case PHOTOMETRIC_SEPARATED: return "separated/CMYK";
  case PHOTOMETRIC_YCBCR: return "YCbCr";
  default: return "photometric " + std::to_string(photometric);
  }
}

std::string codec_name(std::uint16_t compression) {
  const TIFFCodec* codec = TIFFFindCODEC(compression);
  return codec && codec->name ? codec->name : "code " + std::to_string(compression);
}

void decode_row(const unsigned char* row, const TiffPage& page, std::int64_t first, std::int64_t count, double* out) {
  if (!page.one_bit) {
    // libtiff has already put the samples into host byte order.
    decode_samples(row + first * page.sample.bytes, count, page.sample, false, out);
    return;
  }
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t x = first + i;
    const int bit = (row[x >> 3] >> (7 - (x & 7))) & 1;
    out[i] = page.min_is_white ? 1 - bit : bit;
  }
}

std::string page_name(std::int64_t page) { return "page " + std::to_string(page); }

} // namespace

void TiffFile::Close::operator()(TIFF* t) const { TIFFClose(t); }

TiffFile::TiffFile(const std::string& path) : path_(path), last_error_(std::make_unique<std::string>()) {
  require_file(path);
  std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> opts(TIFFOpenOptionsAlloc(), TIFFOpenOptionsFree);
  TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), keep_error, last_error_.get());
  TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), drop_warning, nullptr);
  tif_.reset(TIFFOpenExt(path.c_str(), "r", opts.get()));
  if (!tif_) fail("cannot be opened as TIFF");
}

void TiffFile::fail(const std::string& what) const {
  std::string message = "file " + path_ + ": " + what;
  std::string reason = *last_error_;
  // libtiff names the file as the message's module; it is already named.
  if (reason.compare(0, path_.size() + 2, path_ + ": ") == 0) reason.erase(0, path_.size() + 2);
  if (!reason.empty()) message += " (libtiff: " + reason + ")";
  last_error_->clear();
  throw Error(message);
}

std::string TiffPage::format() const {
  return one_bit ? (min_is_white ? "1-bit min-is-white" : "1-bit") : sample.name();
}

std::string TiffPage::compression_name() const { return codec_name(compression); }

std::string TiffPage::size_and_format() const {
  return std::to_string(width) + "x" + std::to_string(height) + " " + format();
}

bool TiffPage::same_shape(const TiffPage& o) const {
  return width == o.width && height == o.height && one_bit == o.one_bit && min_is_white == o.min_is_white &&
         (one_bit || sample == o.sample);
}

TiffPage read_tiff_page(const TiffFile& file, std::int64_t page_index) {
  TIFF* t = file.get();
  const std::string where = page_name(page_index);
  TiffPage page;
  std::uint32_t width = 0, height = 0;
  if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &width) || !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &height) || width == 0 ||
      height == 0)
    file.fail(where + " has no image size");
  page.width = width;
  page.height = height;

  std::uint16_t spp = 1, bits = 1, format = SAMPLEFORMAT_UINT, photometric = PHOTOMETRIC_MINISBLACK;
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &page.compression);
  TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
  if (spp != 1)
    file.fail(where + " has " + std::to_string(spp) + " samples per pixel (" + photometric_name(photometric) +
              "); navox reads single-channel greyscale or label images only: save the volume as greyscale");
  if (!TIFFIsCODECConfigured(page.compression))
    file.fail(where + " uses compression " + codec_name(page.compression) +
              ", which this libtiff cannot decode");

  const bool integer = format == SAMPLEFORMAT_UINT || format == SAMPLEFORMAT_INT || format == SAMPLEFORMAT_VOID;
  if (bits == 1 && integer) {
    page.one_bit = true;
    page.min_is_white = photometric == PHOTOMETRIC_MINISWHITE;
  } else {
    const SampleKind kind = format == SAMPLEFORMAT_INT      ? SampleKind::signed_int
                            : format == SAMPLEFORMAT_IEEEFP ? SampleKind::floating
                                                            : SampleKind::unsigned_int;
    if ((!integer && format != SAMPLEFORMAT_IEEEFP) || !make_sample_type(kind, bits, page.sample))
      file.fail(where + " has " + std::to_string(bits) + "-bit samples of sample format " + std::to_string(format) +
                "; navox reads 1, 8, 16, 32 or 64-bit integers and 32 or 64-bit floats");
  }

  page.tiled = TIFFIsTiled(t);
  if (page.tiled) {
    std::uint32_t tw = 0, th = 0;
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
    if (tw == 0 || th == 0) file.fail(where + " is tiled but has no tile size");
    page.tile_width = tw;
    page.tile_height = th;
  } else {
    std::uint32_t rps = 0;
    TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rps);
    if (rps == 0) file.fail(where + " has 0 rows per strip");
    page.rows_per_strip = std::min<std::int64_t>(rps, page.height);
  }
  return page;
}

void decode_tiff_rows(const TiffFile& file, const TiffPage& page, std::int64_t page_index, std::int64_t x0,
                      std::int64_t nx, std::int64_t y0, std::int64_t ny, double* out,
                      std::vector<unsigned char>& scratch) {
  TIFF* t = file.get();
  const std::int64_t y1 = y0 + ny, x1 = x0 + nx;
  if (nx <= 0 || ny <= 0) return;

  if (!page.tiled) {
    const std::int64_t row_bytes = static_cast<std::int64_t>(TIFFScanlineSize64(t));
    scratch.resize(static_cast<std::size_t>(TIFFStripSize64(t)));
    const std::int64_t rps = page.rows_per_strip;
    for (std::int64_t top = y0 / rps * rps; top < y1; top += rps) {
      const auto strip = TIFFComputeStrip(t, static_cast<std::uint32_t>(top), 0);
      const tmsize_t got = TIFFReadEncodedStrip(t, strip, scratch.data(), static_cast<tmsize_t>(scratch.size()));
      if (got < 0) file.fail("cannot decode strip " + std::to_string(strip) + " of " + page_name(page_index));
      const std::int64_t from = std::max(y0, top), to = std::min({y1, top + rps, page.height});
      if (got < (to - top) * row_bytes)
        file.fail("strip " + std::to_string(strip) + " of " + page_name(page_index) + " has " + std::to_string(got) +
                  " bytes, expected " + std::to_string((to - top) * row_bytes));
      for (std::int64_t y = from; y < to; ++y)
        decode_row(scratch.data() + (y - top) * row_bytes, page, x0, nx, out + (y - y0) * nx);
    }
    return;
  }

  const std::int64_t row_bytes = static_cast<std::int64_t>(TIFFTileRowSize64(t));
  scratch.resize(static_cast<std::size_t>(TIFFTileSize64(t)));
  const std::int64_t tw = page.tile_width, th = page.tile_height;
  for (std::int64_t top = y0 / th * th; top < y1; top += th) {
    const std::int64_t from = std::max(y0, top), to = std::min({y1, top + th, page.height});
    for (std::int64_t left = x0 / tw * tw; left < x1; left += tw) {
      const auto tile = TIFFComputeTile(t, static_cast<std::uint32_t>(left), static_cast<std::uint32_t>(top), 0, 0);
      const tmsize_t got = TIFFReadEncodedTile(t, tile, scratch.data(), static_cast<tmsize_t>(scratch.size()));
      if (got < (to - top) * row_bytes)
        file.fail("cannot decode tile " + std::to_string(tile) + " of " + page_name(page_index));
      const std::int64_t a = std::max(x0, left), b = std::min(x1, left + tw);
      for (std::int64_t y = from; y < to; ++y)
        decode_row(scratch.data() + (y - top) * row_bytes, page, a - left, b - a, out + (y - y0) * nx + (a - x0));
    }
  }
}

} // namespace navox::io::detail
