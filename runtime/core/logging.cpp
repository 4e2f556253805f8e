#include "runtime/core/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace strato::logging {

status init(const std::string& level, format fmt) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return {errc::invalid_argument, "unknown log level '" + level + "'"};
  }
  auto logger = spdlog::stderr_color_mt("strato");
  logger->set_level(parsed);
  if (fmt == format::json) {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ [%t] %v",
                        spdlog::pattern_time_type::utc);
  }
  spdlog::set_default_logger(std::move(logger));
  return {};
}

} // namespace strato::logging
