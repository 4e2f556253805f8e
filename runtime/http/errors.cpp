#include "runtime/http/errors.hpp"

#include <nlohmann/json.hpp>

namespace strato::http {

namespace {

/// nova and cinder `wsgi.Fault._fault_names`; cinder lacks 429.
std::string_view fault_name(service_flavor flavor, int status) noexcept {
  switch (status) {
    case 400:
      return "badRequest";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "itemNotFound";
    case 405:
      return "badMethod";
    case 409:
      return "conflictingRequest";
    case 413:
      return "overLimit";
    case 415:
      return "badMediaType";
    case 429:
      return flavor == service_flavor::compute ? "overLimit" : "computeFault";
    case 501:
      return "notImplemented";
    case 503:
      return "serviceUnavailable";
    default:
      return "computeFault";
  }
}

/// webob's default `explanation` per status, which glance and placement
/// bodies embed.
std::string_view webob_explanation(int status) noexcept {
  switch (status) {
    case 401:
      return "This server could not verify that you are authorized to access "
             "the document you requested. Either you supplied the wrong "
             "credentials (e.g., bad password), or your browser does not "
             "understand how to supply the credentials required.";
    case 403:
      return "Access was denied to this resource.";
    case 404:
      return "The resource could not be found.";
    case 409:
      return "There was a conflict when trying to complete your request.";
    case 413:
      return "The body of your request was too large for this server.";
    case 429:
      return "The client has sent too many requests in a given amount of time";
    case 500:
    case 501:
      return "The server has either erred or is incapable of performing the "
             "requested operation.";
    case 503:
      return "The server is currently unavailable. Please try again at a "
             "later time.";
    default:
      return "The server could not comply with the request since it is "
             "either malformed or otherwise incorrect.";
  }
}

/// The exception class neutron would name for a status it raised itself.
std::string_view neutron_type(int status) noexcept {
  switch (status) {
    case 400:
      return "BadRequest";
    case 403:
      return "NotAuthorized";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 503:
      return "ServiceUnavailable";
    case 405:
      return "HTTPMethodNotAllowed";
    case 406:
      return "HTTPNotAcceptable";
    case 413:
      return "HTTPRequestEntityTooLarge";
    case 501:
      return "HTTPNotImplemented";
    default:
      return "HTTPInternalServerError";
  }
}

response keystone_error(int status, std::string message) {
  nlohmann::json body{{"error",
                       {{"code", status},
                        {"title", reason_phrase(status)},
                        {"message", std::move(message)}}}};
  return response::json(status, body);
}

response fault_error(service_flavor flavor, int status, std::string message) {
  nlohmann::json inner{{"code", status}, {"message", std::move(message)}};
  nlohmann::json body;
  body[std::string{fault_name(flavor, status)}] = std::move(inner);
  return response::json(status, body);
}

response glance_error(int status, const std::string& message) {
  // webob renders "${explanation}<br /><br />\n${detail}\n${comment}\n" and
  // glance passes its text as the explanation.
  std::string code = std::to_string(status);
  code += ' ';
  code += reason_phrase(status);
  nlohmann::json body{{"message", message + "<br /><br />\n\n\n"},
                      {"code", std::move(code)},
                      {"title", reason_phrase(status)}};
  return response::json(status, body);
}

response placement_error(int status, const std::string& message,
                         const request& req) {
  // placement passes its text as webob's detail; the formatter strips the
  // tags from "${explanation}<br /><br />\n${detail}\n\n".
  std::string detail{webob_explanation(status)};
  detail += "\n\n ";
  detail += message;
  detail += "  ";
  nlohmann::json error{{"status", status},
                       {"title", reason_phrase(status)},
                       {"detail", std::move(detail)},
                       {"request_id", req.request_id}};
  nlohmann::json body{{"errors", nlohmann::json::array({std::move(error)})}};
  return response::json(status, body);
}

} // namespace

std::string_view to_string(service_flavor flavor) noexcept {
  switch (flavor) {
    case service_flavor::compute:
      return "compute";
    case service_flavor::identity:
      return "identity";
    case service_flavor::image:
      return "image";
    case service_flavor::volume:
      return "volume";
    case service_flavor::network:
      return "network";
    case service_flavor::placement:
      return "placement";
  }
  return "unknown";
}

response make_neutron_error(int status, std::string_view type,
                            std::string message) {
  nlohmann::json body{{"NeutronError",
                       {{"type", type},
                        {"message", std::move(message)},
                        {"detail", ""}}}};
  return response::json(status, body);
}

response make_error(service_flavor flavor, int status, std::string message,
                    const request& req) {
  if (status == 401) {
    return keystone_error(status, std::move(message));
  }
  switch (flavor) {
    case service_flavor::identity:
      return keystone_error(status, std::move(message));
    case service_flavor::image:
      return glance_error(status, message);
    case service_flavor::network:
      return make_neutron_error(status, neutron_type(status),
                                std::move(message));
    case service_flavor::placement:
      return placement_error(status, message, req);
    case service_flavor::compute:
    case service_flavor::volume:
      break;
  }
  return fault_error(flavor, status, std::move(message));
}

response make_error(service_flavor flavor, const status& error,
                    const request& req) {
  return make_error(flavor, http_status(error.code()), error.message(), req);
}

int http_status(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return 200;
    case errc::invalid_argument:
      return 400;
    case errc::unauthorized:
      return 401;
    case errc::forbidden:
    case errc::quota_exceeded: // nova and cinder report quota as 403
      return 403;
    case errc::not_found:
      return 404;
    case errc::conflict:
    case errc::invalid_transition:
      return 409;
    case errc::not_implemented:
      return 501;
    case errc::unavailable:
    case errc::shutting_down:
    case errc::entity_failed:
      return 503;
    case errc::timeout:
      return 504;
    case errc::io_error:
    case errc::corruption:
    case errc::unsupported_format:
      return 500;
  }
  return 500;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

} // namespace strato::http
