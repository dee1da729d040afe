#include "io/output/log.hpp"

#include <vector>

namespace navox::io {

void Log::info(const char* fmt, ...) const {
  if (quiet_) return;
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  if (rank != 0) return;
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stdout, fmt, args);
  va_end(args);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

} // namespace navox::io
