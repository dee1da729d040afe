#pragma once
// Reads a CSV table the solver wrote (a header line, then rows of numbers; "nan"
// reads as NaN) back into its header and rows.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace navox::test {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
  /// The column named `name` (the header's text before " ["), or -1.
  int column(const std::string& name) const {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c].substr(0, header[c].find(" [")) == name) return static_cast<int>(c);
    return -1;
  }
  double at(std::size_t row, const std::string& name) const {
    return rows.at(row).at(static_cast<std::size_t>(column(name)));
  }
};

inline CsvTable read_csv(const std::string& path) {
  CsvTable t;
  std::ifstream in(path);
  std::string line;
  for (bool first = true; std::getline(in, line); first = false) {
    std::stringstream cells(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(cells, cell, ',')) {
      if (first) t.header.push_back(cell);
      else row.push_back(std::strtod(cell.c_str(), nullptr));
    }
    if (!first) t.rows.push_back(row);
  }
  return t;
}

} // namespace navox::test
