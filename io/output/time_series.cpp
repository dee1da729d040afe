#include "io/output/time_series.hpp"

#include "mesh/error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace navox::io {
namespace {

[[noreturn]] void fail_io(const std::string& what, const std::string& path, int err) {
  throw Error("time series: cannot " + what + " \"" + path + "\": " + std::strerror(err));
}

/// The rows of an existing file to keep on restart (header included), or "" when
/// there is no file or it is empty.
std::string kept_rows(const std::string& path, const std::string& header, double restart_time) {
  std::string text;
  {
    errno = 0;
    std::unique_ptr<std::FILE, TimeSeries::Close> in(std::fopen(path.c_str(), "rb"));
    if (!in) {
      if (errno == ENOENT) return "";
      fail_io("read", path, errno);
    }
    char buf[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, in.get())) > 0) text.append(buf, n);
    if (std::ferror(in.get())) fail_io("read", path, errno);
  }
  if (text.empty()) return "";

  // Rows are written with %.10g: a row at the checkpoint time may print a little above it.
  const double limit = restart_time + 1e-9 * std::abs(restart_time);
  std::size_t pos = 0;
  std::size_t keep = 0; // bytes to keep
  for (int line = 1; pos < text.size(); ++line) {
    const std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) break; // a torn last line from a killed job
    const std::string row = text.substr(pos, eol - pos);
    if (line == 1) {
      if (row != header)
        throw Error("time series: \"" + path + "\" has the columns \"" + row + "\", this run writes \"" + header +
                    "\"; cannot append to it on restart");
    } else {
      char* end = nullptr;
      const double t = std::strtod(row.c_str(), &end);
      if (end == row.c_str() || (*end != ',' && *end != '\0'))
        throw Error("time series: \"" + path + "\" line " + std::to_string(line) + ": expected a time, got \"" + row +
                    "\"");
      if (!(t <= limit)) break; // times increase: the rest is past the checkpoint too
    }
    keep = eol + 1;
    pos = eol + 1;
  }
  return text.substr(0, keep);
}

void write_all(std::FILE* f, const std::string& text, const std::string& path) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), f) != text.size()) fail_io("write", path, errno);
  if (std::fflush(f) != 0) fail_io("write", path, errno);
}

} // namespace

TimeSeries::TimeSeries(std::string path, std::vector<Column> columns, bool write, bool restart, double restart_time)
    : path_(std::move(path)), columns_(std::move(columns)) {
  if (columns_.empty()) throw Error("time series \"" + path_ + "\": no columns");
  for (const auto& c : columns_)
    if ((c.name + c.unit).find_first_of(",\n\r\"") != std::string::npos || c.name.empty())
      throw Error("time series \"" + path_ + "\": bad column name \"" + c.name + "\" [" + c.unit + "]");
  if (!write) return;

  const std::string head = header() + "\n";
  std::string kept = restart ? kept_rows(path_, header(), restart_time) : "";
  if (kept.empty()) kept = head;
  // Write the kept rows beside the file and move them over it, so that a job killed
  // now still has the old file.
  const std::string tmp = path_ + ".tmp";
  {
    std::unique_ptr<std::FILE, Close> out(std::fopen(tmp.c_str(), "wb"));
    if (!out) fail_io("open", tmp, errno);
    write_all(out.get(), kept, tmp);
    if (std::fclose(out.release()) != 0) fail_io("write", tmp, errno);
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    fail_io("replace", path_, err);
  }
  file_.reset(std::fopen(path_.c_str(), "ab"));
  if (!file_) fail_io("open", path_, errno);
}

std::string TimeSeries::header() const {
  std::string h;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) h += ',';
    h += columns_[i].name;
    if (!columns_[i].unit.empty()) h += " [" + columns_[i].unit + "]";
  }
  return h;
}

void TimeSeries::row(const std::vector<double>& values) {
  if (values.size() != columns_.size())
    throw Error("time series \"" + path_ + "\": a row of " + std::to_string(values.size()) + " values for " +
                std::to_string(columns_.size()) + " columns");
  if (!file_) return;
  std::string line;
  char buf[32];
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.*g", columns_[i].digits, values[i]);
    if (i) line += ',';
    line += buf;
  }
  line += '\n';
  write_all(file_.get(), line, path_);
}

} // namespace navox::io
