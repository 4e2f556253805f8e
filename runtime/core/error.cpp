#include "runtime/core/error.hpp"

namespace strato {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::not_found:
      return "not_found";
    case errc::conflict:
      return "conflict";
    case errc::invalid_transition:
      return "invalid_transition";
    case errc::unavailable:
      return "unavailable";
    case errc::entity_failed:
      return "entity_failed";
    case errc::timeout:
      return "timeout";
    case errc::io_error:
      return "io_error";
    case errc::corruption:
      return "corruption";
    case errc::unsupported_format:
      return "unsupported_format";
    case errc::not_implemented:
      return "not_implemented";
    case errc::forbidden:
      return "forbidden";
    case errc::unauthorized:
      return "unauthorized";
    case errc::quota_exceeded:
      return "quota_exceeded";
    case errc::shutting_down:
      return "shutting_down";
  }
  return "unknown";
}

std::string status::describe() const {
  if (ok()) {
    return "ok";
  }
  std::string out{to_string(code_)};
  out += ": ";
  out += message_;
  return out;
}

} // namespace strato
