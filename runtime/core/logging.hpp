#pragma once

/// Process-wide logging setup. Strato logs through spdlog; every line carries
/// a timestamp, level, thread and component so that logs of several nodes can
/// be merged. `json` format emits one JSON object per line for collectors.

#include <string>

#include "runtime/core/error.hpp"

namespace strato::logging {

enum class format { text, json };

/// Sets the default logger. `level` is one of trace, debug, info, warn,
/// error, critical, off.
[[nodiscard]] status init(const std::string& level, format fmt);

} // namespace strato::logging
