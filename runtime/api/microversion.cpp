#include "runtime/api/microversion.hpp"

#include <charconv>

#include "runtime/api/utf8.hpp"

namespace strato::api {

namespace {

constexpr std::string_view standard_header = "OpenStack-API-Version";
constexpr std::string_view whitespace = " \t\r\n\v\f";

enum class shape : uint8_t { valid, malformed, too_large };

/// One side of "X.Y": no leading zero unless it is exactly "0" (allowed for
/// the minor part only).
shape parse_number(std::string_view digits, bool allow_zero, uint32_t& out) {
  if (digits.empty()
      || (digits.front() == '0' && !(allow_zero && digits.size() == 1))) {
    return shape::malformed;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return shape::malformed;
    }
  }
  auto [end, ec] =
    std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc{} ? shape::valid : shape::too_large;
}

shape parse_shape(std::string_view text, api_version& out) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) {
    return shape::malformed;
  }
  auto major = parse_number(text.substr(0, dot), false, out.major);
  auto minor = parse_number(text.substr(dot + 1), true, out.minor);
  if (major == shape::malformed || minor == shape::malformed) {
    return shape::malformed;
  }
  return major == shape::too_large || minor == shape::too_large
           ? shape::too_large
           : shape::valid;
}

std::string invalid_format(std::string_view text) {
  return "API Version String " + valid_utf8(text)
         + " is of invalid format. Must be of format MajorNum.MinorNum.";
}

std::string_view strip(std::string_view text) {
  auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(whitespace) - first + 1);
}

/// Every value of `name`, joined with ',' as a WSGI server folds them.
std::optional<std::string> folded(const http::header_list& headers,
                                  std::string_view name) {
  std::optional<std::string> out;
  for (size_t i = 0; i < headers.size(); ++i) {
    auto [field, value] = headers[i];
    if (!http::iequals(field, name)) {
      continue;
    }
    if (out) {
      out->push_back(',');
      out->append(value);
    } else {
      out.emplace(value);
    }
  }
  return out;
}

/// microversion_parse.check_standard_header: entries are "<service>
/// <version>", read from the last; entries without a space are skipped.
std::optional<std::string> from_standard(std::string_view header,
                                         std::string_view service) {
  while (true) {
    auto comma = header.rfind(',');
    auto entry = strip(comma == std::string_view::npos
                         ? header
                         : header.substr(comma + 1));
    auto space = entry.find_first_of(whitespace);
    if (space != std::string_view::npos
        && http::iequals(entry.substr(0, space), service)) {
      return std::string{strip(entry.substr(space))};
    }
    if (comma == std::string_view::npos) {
      return std::nullopt;
    }
    header = header.substr(0, comma);
  }
}

} // namespace

result<api_version> api_version::parse(std::string_view text) {
  api_version out;
  if (parse_shape(text, out) != shape::valid) {
    return status{errc::invalid_argument, invalid_format(text)};
  }
  return out;
}

std::string api_version::to_string() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<std::string>
requested_version(const http::header_list& headers,
                  const microversion_policy& policy) {
  if (auto header = folded(headers, standard_header)) {
    if (auto version = from_standard(*header, policy.service_type)) {
      return version;
    }
  }
  for (const auto& legacy : policy.legacy_headers) {
    if (auto header = folded(headers, legacy)) {
      std::string_view view{*header};
      auto comma = view.rfind(',');
      return std::string{
        strip(comma == std::string_view::npos ? view : view.substr(comma + 1))};
    }
  }
  return std::nullopt;
}

negotiated_version negotiate_version(const http::header_list& headers,
                                     const microversion_policy& policy) {
  auto requested = requested_version(headers, policy);
  if (!requested) {
    return policy.default_version;
  }
  if (*requested == "latest") {
    return policy.max;
  }
  api_version version;
  auto parsed = parse_shape(*requested, version);
  if (parsed == shape::malformed) {
    return version_error{400, invalid_format(*requested)};
  }
  if (parsed == shape::too_large || !version.within(policy.min, policy.max)) {
    // The text is canonical here (no leading zeros), so it reads the same
    // as Nova's get_string() of the parsed version.
    return version_error{406, "Version " + *requested
                                + " is not supported by the API. Minimum is "
                                + policy.min.to_string() + " and maximum is "
                                + policy.max.to_string() + "."};
  }
  return version;
}

void add_version_headers(http::header_list& headers,
                         const microversion_policy& policy,
                         api_version version) {
  if (version.is_null()) {
    return;
  }
  auto text = version.to_string();
  headers.set(standard_header, policy.service_type + " " + text);
  std::string vary{standard_header};
  for (const auto& legacy : policy.legacy_headers) {
    headers.set(legacy, text);
    vary += ", " + legacy;
  }
  headers.add("Vary", vary);
}

http::response error_response(const version_error& error,
                              http::service_flavor flavor,
                              const http::request& req) {
  return http::make_error(flavor, error.http_status, error.message, req);
}

} // namespace strato::api
