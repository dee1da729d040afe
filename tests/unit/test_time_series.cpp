#include "io/output/time_series.hpp"
#include "mesh/error.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using navox::io::TimeSeries;

namespace {

const std::vector<TimeSeries::Column> columns{{"t", "s"}, {"I", "A/m^2"}, {"V", "V"}, {"nuclei", ""}};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void put(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// The rows of a CSV as numbers (header skipped).
std::vector<std::vector<double>> rows_of(const std::string& path) {
  std::istringstream in(slurp(path));
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) row.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(row);
  }
  return rows;
}

const std::string header = "t [s],I [A/m^2],V [V],nuclei\n";

} // namespace

TEST(TimeSeries, HeaderAndRowsRoundTrip) {
  const std::string path = navox::test::scratch_dir("time_series_roundtrip") + "/series.csv";
  {
    TimeSeries ts(path, columns, true);
    EXPECT_EQ(ts.header() + "\n", header);
    EXPECT_EQ(slurp(path), header); // the header is on disk before any row
    ts.row({0, -10, 0, 0});
    ts.row({1.5, -10.000000001, -0.0123456789012, 3});
    // Flushed at once: readable while the writer is still open.
    EXPECT_EQ(slurp(path), header + "0,-10,0,0\n1.5,-10,-0.0123456789,3\n");
  }
  const auto rows = rows_of(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<double>{1.5, -10.0, -0.0123456789, 3}));
}

TEST(TimeSeries, NewRunTruncates) {
  const std::string path = navox::test::scratch_dir("time_series_truncate") + "/series.csv";
  put(path, "old,stuff\n1,2\n");
  TimeSeries ts(path, columns, true);
  EXPECT_EQ(slurp(path), header);
}

TEST(TimeSeries, RestartDropsRowsPastTheCheckpoint) {
  const std::string path = navox::test::scratch_dir("time_series_restart") + "/series.csv";
  {
    TimeSeries ts(path, columns, true);
    for (double t : {0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5}) ts.row({t, -10, -0.01, 1});
  }
  // A job killed mid-row leaves a torn last line.
  std::ofstream(path, std::ios::app) << "0.6,-10,-0.0";
  {
    TimeSeries ts(path, columns, true, true, 0.30000000000000004);
    ts.row({0.35, -10, -0.02, 2});
  }
  const auto rows = rows_of(path);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[3][0], 0.3); // the row at the checkpoint stays (printed as 0.3)
  EXPECT_EQ(rows[4], (std::vector<double>{0.35, -10, -0.02, 2}));
  EXPECT_EQ(slurp(path).substr(0, header.size()), header);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(TimeSeries, RestartWithoutAFileStartsAfresh) {
  const std::string dir = navox::test::scratch_dir("time_series_restart_fresh");
  TimeSeries ts(dir + "/series.csv", columns, true, true, 10.0);
  ts.row({11, 0, 0, 0});
  EXPECT_EQ(slurp(dir + "/series.csv"), header + "11,0,0,0\n");
}

TEST(TimeSeries, RestartRejectsOtherColumns) {
  const std::string path = navox::test::scratch_dir("time_series_restart_columns") + "/series.csv";
  put(path, "t [s],I [A/m^2]\n0,1\n");
  try {
    TimeSeries ts(path, columns, true, true, 1.0);
    ADD_FAILURE() << "appended to a file with other columns";
  } catch (const navox::Error& e) {
    EXPECT_NE(std::string(e.what()).find("has the columns \"t [s],I [A/m^2]\""), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(path), "t [s],I [A/m^2]\n0,1\n"); // left as it was
}

TEST(TimeSeries, RowSizeIsChecked) {
  const std::string path = navox::test::scratch_dir("time_series_row_size") + "/series.csv";
  TimeSeries ts(path, columns, true);
  EXPECT_THROW(ts.row({1, 2, 3}), navox::Error);
  TimeSeries silent(path + ".other", columns, false); // ranks other than 0 check too
  EXPECT_THROW(silent.row({1, 2, 3, 4, 5}), navox::Error);
  EXPECT_NO_THROW(silent.row({1, 2, 3, 4}));
  EXPECT_FALSE(std::filesystem::exists(path + ".other"));
}

TEST(TimeSeries, BadPathNamesPathAndReason) {
  const std::string path = navox::test::scratch_dir("time_series_bad_path") + "/no/such/dir/series.csv";
  try {
    TimeSeries ts(path, columns, true);
    ADD_FAILURE() << "opened " << path;
  } catch (const navox::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
  }
}
