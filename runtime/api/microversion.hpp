#pragma once

/// API microversions as Nova, Cinder and Placement negotiate them. A request
/// names its version in `OpenStack-API-Version: <service> <X.Y>` (several
/// services may share one header, comma-separated; repeated headers fold
/// into one list and the last entry for the service wins), or in a
/// service's legacy header (`X-OpenStack-Nova-API-Version: 2.60`), which is
/// read only when the standard header names no version for the service.
/// "latest" means the maximum; no header means the service's default.
///
/// Failures are not `strato::status` because they need a status code that
/// `errc` does not have: a malformed version is a 400 and a well-formed one
/// outside the supported range is a 406 (Nova's InvalidAPIVersionString and
/// InvalidGlobalAPIVersion). `version_error` carries the HTTP status and
/// Nova's message; `error_response` renders it in a service's error format.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/http/errors.hpp"
#include "runtime/http/message.hpp"

namespace strato::api {

/// "X.Y"; 0.0 is the null version (no version negotiated).
struct api_version {
  uint32_t major = 0;
  uint32_t minor = 0;

  /// Parses with Nova's rule `^([1-9]\d*)\.([1-9]\d*|0)$`: "2.1" and "2.10"
  /// are valid, "2.01", "02.1", "2", "2.1.0" and " 2.1" are not. Fails with
  /// `errc::invalid_argument` and Nova's message ("API Version String 2.x
  /// is of invalid format. Must be of format MajorNum.MinorNum."), also for
  /// numbers too large to represent.
  [[nodiscard]] static result<api_version> parse(std::string_view text);

  [[nodiscard]] bool is_null() const noexcept {
    return major == 0 && minor == 0;
  }
  /// "2.60".
  [[nodiscard]] std::string to_string() const;
  /// Whether min <= *this <= max.
  [[nodiscard]] bool within(api_version min, api_version max) const noexcept {
    return min <= *this && *this <= max;
  }

  friend auto operator<=>(const api_version&, const api_version&) = default;
};

/// What one service supports and how its clients name versions.
struct microversion_policy {
  /// The service type in `OpenStack-API-Version` ("compute", "volume",
  /// "placement"); matched case-insensitively.
  std::string service_type;
  api_version min;
  api_version max;
  /// Used when the request names no version (Nova: 2.1, the minimum).
  api_version default_version;
  /// Older headers, checked in order when the standard header names no
  /// version for the service ({"X-OpenStack-Nova-API-Version"} for compute).
  std::vector<std::string> legacy_headers;
};

/// Why a request's version was refused.
struct version_error {
  /// 400 for a malformed version, 406 for one outside [min, max].
  int http_status = 400;
  std::string message;
};

/// The outcome of negotiation: a version, or the error to answer with.
class negotiated_version {
public:
  negotiated_version(api_version version) // NOLINT: implicit by design
    : version_(version) {
  }
  negotiated_version(version_error error) // NOLINT: implicit by design
    : error_(std::move(error)) {
  }

  [[nodiscard]] bool ok() const noexcept {
    return !error_.has_value();
  }
  explicit operator bool() const noexcept {
    return ok();
  }
  /// The negotiated version; null when !ok().
  [[nodiscard]] api_version version() const noexcept {
    return version_;
  }
  [[nodiscard]] const version_error& error() const {
    return *error_;
  }

private:
  api_version version_;
  std::optional<version_error> error_;
};

/// The version string the request asks `policy`'s service for (a version,
/// "latest" or anything else the client sent), or nullopt when it names
/// none. This is microversion_parse.get_version.
[[nodiscard]] std::optional<std::string>
requested_version(const http::header_list& headers,
                  const microversion_policy& policy);

/// Negotiates the version of one request.
[[nodiscard]] negotiated_version
negotiate_version(const http::header_list& headers,
                  const microversion_policy& policy);

/// Adds the headers a response echoes: `OpenStack-API-Version: <service>
/// <X.Y>`, each legacy header with "X.Y", and `Vary` naming all of them.
/// Adds nothing for the null version.
void add_version_headers(http::header_list& headers,
                         const microversion_policy& policy,
                         api_version version);

/// `error` as a response in `flavor`'s error format (a 406 is Nova's
/// "computeFault").
[[nodiscard]] http::response error_response(const version_error& error,
                                            http::service_flavor flavor,
                                            const http::request& req);

} // namespace strato::api
