#pragma once
// One line of a validation table: "validate: CASE | TARGET | RESULT", printed once (by
// rank 0). scripts/validate/* run the tests and gather these lines into their table.
#include <mpi.h>

#include <cstdarg>
#include <cstdio>

namespace navox::test {

/// `result_format` is a printf format for the result column.
inline void validate_line(const char* what, const char* target, const char* result_format, ...) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) return;
  char result[256];
  va_list args;
  va_start(args, result_format);
  std::vsnprintf(result, sizeof result, result_format, args);
  va_end(args);
  std::printf("validate: %s | %s | %s\n", what, target, result);
  std::fflush(stdout);
}

} // namespace navox::test
