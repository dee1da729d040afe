#pragma once
/// Section readers that read_config (config.cpp) calls but other files of
/// io/input define, so that no one file holds the whole schema; not for other code.
#include "io/input/config.hpp"

namespace navox::io {

/// The `microstructure` section against the materials already read
/// (microstructure_input.cpp); fails at the key unless exactly one of volume, fill
/// or generate is given.
MicrostructureSpec read_microstructure(const input::Section& s, const MaterialTable& table);

} // namespace navox::io
