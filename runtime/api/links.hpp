#pragma once

/// The "next page" links of each service's list responses, built the way
/// the services build them so that clients which follow them (openstacksdk,
/// the CLIs) walk our pages the same way:
///
/// - Nova: `"servers_links": [{"rel": "next", "href": ".../servers?
///   limit=2&marker=<id>"}]`, other query parameters kept and sorted by name.
/// - Glance: `"first": "/v2/images?..."` and `"next": "/v2/images?...&
///   marker=<id>"`, each parameter once (its last value).
/// - Neutron: `"<resources>_links"` with "next" and "previous" links that
///   carry `marker` (and `page_reverse=True` for previous) at the end.
///
/// Queries are encoded as Python's urllib.parse.urlencode does (spaces as
/// '+', everything but letters, digits and "_.-~" percent-encoded).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/http/message.hpp"

namespace strato::api {

/// Python's urllib.parse.quote_plus.
[[nodiscard]] std::string quote_plus(std::string_view text);

/// Python's urllib.parse.urlencode over pairs, in order.
[[nodiscard]] std::string
urlencode(const std::vector<std::pair<std::string, std::string>>& params);

/// "scheme://host" as the client addressed the request: X-Forwarded-Proto
/// (else "http") and the Host header (else "localhost"). Services prefix
/// this to build absolute hrefs, as the WSGI `application_url` does.
[[nodiscard]] std::string request_base_url(const http::request& req);

/// Nova's collection links: an empty array without `next_marker`, else one
/// "next" link to `collection_url` with the request's query parameters,
/// sorted by name, and `marker` set to `next_marker`.
[[nodiscard]] nlohmann::json
nova_links(std::string_view collection_url, const http::param_list& query,
           const std::optional<std::string>& next_marker);

/// Glance's "first": `path` with the query minus `marker`.
[[nodiscard]] std::string glance_first(std::string_view path,
                                       const http::param_list& query);

/// Glance's "next": `path` with the query minus `marker`, then
/// `marker=<next_marker>`.
[[nodiscard]] std::string glance_next(std::string_view path,
                                      const http::param_list& query,
                                      std::string_view next_marker);

/// What Neutron's link builder knows about the page it answers.
struct neutron_page {
  /// The requested limit; 0 (absent) means no links at all.
  size_t limit = 0;
  /// Items in this page.
  size_t count = 0;
  std::string first_id{};
  std::string last_id{};
  bool page_reverse = false;
};

/// Neutron's `<resources>_links`: "next" unless this is a short forward
/// page, "previous" unless it is a short reversed page.
[[nodiscard]] nlohmann::json neutron_links(std::string_view collection_url,
                                           const http::param_list& query,
                                           const neutron_page& page);

} // namespace strato::api
