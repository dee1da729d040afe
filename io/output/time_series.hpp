#pragma once
/// The run's time series (MODEL.md §5): one CSV row per reported time, written as
/// the run goes and flushed at once, so that a killed job keeps every row it wrote.
///
/// The file is "t [s],I [A/m^2],...": a header of "name [unit]" (just "name" for an
/// empty unit), then rows of %.10g values (or fewer digits where a column says so) in column order. The first column is the
/// time; a restart uses it to drop the rows past the checkpoint it resumes from.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace navox::io {

class TimeSeries {
public:
  struct Column {
    std::string name;
    std::string unit;
    int digits = 10; ///< significant digits written (%.{digits}g)
  };

  /// Opens `path` when `write` is true (rank 0); other ranks hold a writer whose row()
  /// only checks its argument. With restart == false the file is truncated and the
  /// header written. With restart == true the existing file is kept up to the rows with
  /// time <= restart_time (within the %.10g rounding), a torn last line is dropped, and
  /// rows are appended; a missing or empty file starts afresh. Throws navox::Error
  /// naming the path (with strerror) when it cannot be read or written, and when a
  /// restart finds a header other than this writer's columns.
  TimeSeries(std::string path, std::vector<Column> columns, bool write, bool restart = false,
             double restart_time = 0);

  /// Appends one row (values in column order, %.10g) and flushes it to disk.
  /// Throws navox::Error when values.size() != columns().size() (on every rank) or
  /// when the write fails.
  void row(const std::vector<double>& values);

  const std::string& path() const { return path_; }
  const std::vector<Column>& columns() const { return columns_; }
  /// The header line, without its newline.
  std::string header() const;

  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

private:
  std::string path_;
  std::vector<Column> columns_;
  std::unique_ptr<std::FILE, Close> file_;
};

} // namespace navox::io
