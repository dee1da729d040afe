#pragma once
/// Gives the pages of freed heap memory back to the system (glibc's malloc_trim; a no-op
/// elsewhere). After a solver's structures are freed and before they are built again
/// (Elasticity::relabel), the freed ones would otherwise stay in the process's resident
/// memory beside the new ones: glibc returns a large block it mapped by itself when it is
/// freed, but not the heap pages of blocks below its mapping threshold (which grows to
/// 32 MB as large blocks are freed), and the peak that a batch system counts is resident
/// memory (docs/performance.md, "The elastic solve's memory, by stage").
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace navox {

inline void release_free_heap() {
#if defined(__GLIBC__)
  (void)malloc_trim(0);
#endif
}

} // namespace navox
