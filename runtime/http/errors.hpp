#pragma once

/// Error responses in each OpenStack service's own body format, so that the
/// real clients (openstacksdk, novaclient, ...) show our messages the way they
/// show the real services'. Formats were taken from the services' source:
///
/// - compute, volume: nova/cinder `wsgi.Fault`
///   `{"itemNotFound": {"code": 404, "message": "..."}}`; the key depends on
///   the status and is "computeFault" for statuses without a name (406, 500).
/// - identity: keystone `{"error": {"code", "title", "message"}}`.
/// - image: glance raises webob exceptions, which render for JSON clients as
///   `{"message": "...<br /><br />\n\n\n", "code": "404 Not Found",
///   "title": "Not Found"}`.
/// - network: neutron `{"NeutronError": {"type", "message", "detail": ""}}`.
/// - placement: `{"errors": [{"status", "title", "detail", "request_id"}]}`.
///
/// A 401 is always in keystonemiddleware's format (identity's), whatever the
/// service: in a real deployment the auth_token middleware rejects the request
/// before the service sees it.

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"
#include "runtime/http/message.hpp"

namespace strato::http {

enum class service_flavor : uint8_t {
  compute,
  identity,
  image,
  volume,
  network,
  placement,
};

[[nodiscard]] std::string_view to_string(service_flavor flavor) noexcept;

/// An error response with `status` and `message` in `flavor`'s body format.
[[nodiscard]] response make_error(service_flavor flavor, int status,
                                  std::string message, const request& req);

/// Neutron names the exception class in "type" ("NetworkNotFound"); this
/// overload sets it, where make_error picks a generic one per status.
[[nodiscard]] response make_neutron_error(int status, std::string_view type,
                                          std::string message);

/// The HTTP status that reports `code` to a client.
[[nodiscard]] int http_status(errc code) noexcept;

/// make_error with the status that `error` maps to and its message.
[[nodiscard]] response make_error(service_flavor flavor, const status& error,
                                  const request& req);

/// The reason phrase of an HTTP status ("Not Found"), as Python's
/// http.client spells it; "Unknown" for codes it does not know.
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

} // namespace strato::http
