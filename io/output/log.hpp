#pragma once
/// Rank-0 logging: one line per event, printed once for the whole job.
#include <petscsys.h>

#include <cstdarg>
#include <string>

namespace navox::io {

class Log {
public:
  explicit Log(MPI_Comm comm, bool quiet = false) : comm_(comm), quiet_(quiet) {}
  /// printf-style; a newline is added.
  void info(const char* fmt, ...) const
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;

private:
  MPI_Comm comm_;
  bool quiet_;
};

} // namespace navox::io
