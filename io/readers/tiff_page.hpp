#pragma once
/// One TIFF page (image file directory) decoded into doubles: the single
/// decoder behind the multi-page TIFF reader and the TIFF slice-sequence reader.
#include "io/readers/sample_format.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

typedef struct tiff TIFF;

namespace navox::io::detail {

/// An open TIFF file (RAII). libtiff's messages are captured rather than
/// printed, so that failures become one navox::Error carrying them.
class TiffFile {
public:
  explicit TiffFile(const std::string& path); ///< throws navox::Error
  TIFF* get() const { return tif_.get(); }
  const std::string& path() const { return path_; }
  /// Throws navox::Error "TIFF file <path>: <what> (libtiff: <last message>)".
  [[noreturn]] void fail(const std::string& what) const;

private:
  struct Close {
    void operator()(TIFF* t) const;
  };
  std::string path_;
  // On the heap so the address handed to libtiff's handler survives moves;
  // declared before tif_ so that it outlives TIFFClose.
  std::unique_ptr<std::string> last_error_;
  std::unique_ptr<TIFF, Close> tif_;
};

/// Layout and sample format of the current page of a TiffFile.
struct TiffPage {
  std::int64_t width = 0, height = 0;
  bool one_bit = false;      ///< 1 bit per sample, MSB-first packed rows
  bool min_is_white = false; ///< 1-bit only: a set bit means 0
  SampleType sample;         ///< when !one_bit
  std::uint16_t compression = 1;
  bool tiled = false;
  std::int64_t rows_per_strip = 0;         ///< strips: clamped to height
  std::int64_t tile_width = 0, tile_height = 0; ///< tiles

  std::string format() const;      ///< "uint8", "1-bit", ...
  std::string compression_name() const;
  std::string size_and_format() const; ///< "100x100 uint8"
  /// Same width, height and sample format; compression and strip/tile layout may differ.
  bool same_shape(const TiffPage& o) const;
};

/// Reads and checks the current page: one sample per pixel, a supported sample
/// format and a codec libtiff has. `page` only names the page in errors.
TiffPage read_tiff_page(const TiffFile& file, std::int64_t page);

/// Decodes columns [x0, x0+nx) of rows [y0, y0+ny) of the current page into
/// `out` (row-major, nx per row), reading only the strips or tiles those rows
/// touch. `scratch` is a reusable strip/tile buffer.
void decode_tiff_rows(const TiffFile& file, const TiffPage& page, std::int64_t page_index, std::int64_t x0,
                      std::int64_t nx, std::int64_t y0, std::int64_t ny, double* out,
                      std::vector<unsigned char>& scratch);

} // namespace navox::io::detail
