/// Fuzzes the query and header parsers services run on every list call:
/// microversion negotiation (standard and legacy headers, several
/// services), limit/marker/sort/boolean/integer parameters, pagination over
/// a fixed list, and the three link styles. The input is split at the first
/// newline: header value(s) before, query string after.

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/api/links.hpp"
#include "runtime/api/microversion.hpp"
#include "runtime/api/pagination.hpp"
#include "runtime/api/params.hpp"

namespace {

using namespace strato::api;

void must_render(const std::string& message) {
  // Throws (and so crashes the fuzzer) on invalid UTF-8.
  (void) nlohmann::json(message).dump();
}

void negotiate_all(const strato::http::header_list& headers) {
  static const std::vector<microversion_policy> policies{
    {"compute", {2, 1}, {2, 93}, {2, 1}, {"X-OpenStack-Nova-API-Version"}},
    {"volume", {3, 0}, {3, 70}, {3, 0}, {}},
    {"placement", {1, 0}, {1, 39}, {1, 0}, {}},
  };
  for (const auto& policy : policies) {
    auto v = negotiate_version(headers, policy);
    if (v.ok()) {
      if (!v.version().within(policy.min, policy.max)) {
        std::abort();
      }
      strato::http::header_list out;
      add_version_headers(out, policy, v.version());
    } else {
      if (v.error().http_status != 400 && v.error().http_status != 406) {
        std::abort();
      }
      must_render(v.error().message);
    }
  }
}

void paginate_all(const strato::http::param_list& query) {
  static const std::vector<std::string> ids{"a", "b", "c", "d", "e", "f"};
  auto limit = parse_limit(query, 4);
  if (!limit.ok()) {
    must_render(limit.error().message());
    return;
  }
  if (*limit > 4) {
    std::abort();
  }
  auto marker = parse_marker(query);
  auto page = paginate(ids, [](const std::string& s) { return s; }, *limit,
                       marker, 4);
  if (!page.ok()) {
    must_render(page.error().message());
    return;
  }
  if (page->items.size() > 4) {
    std::abort();
  }
  std::optional<std::string> next;
  if (page->has_more) {
    next = page->items.back();
  }
  (void) nova_links("http://h/compute/v2.1/servers", query, next).dump();
  (void) glance_next("/v2/images", query, next.value_or("")).size();
  (void) neutron_links("http://h/network/v2.0/networks", query,
                       {*limit, page->items.size(),
                        page->items.empty() ? "" : page->items.front(),
                        page->items.empty() ? "" : page->items.back(), false})
    .dump();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto newline = input.find('\n');
  auto header_part = input.substr(0, newline);
  auto query_text =
    newline == std::string_view::npos ? std::string_view{}
                                      : input.substr(newline + 1);

  strato::http::header_list headers;
  // '|' separates several header fields; the first byte picks the name.
  size_t field = 0;
  while (true) {
    auto bar = header_part.find('|');
    auto value = header_part.substr(0, bar);
    headers.add(field % 3 == 2 ? "X-OpenStack-Nova-API-Version"
                               : "OpenStack-API-Version",
                value);
    ++field;
    if (bar == std::string_view::npos || field > 16) {
      break;
    }
    header_part.remove_prefix(bar + 1);
  }
  negotiate_all(headers);

  strato::http::param_list query;
  strato::http::parse_query(query_text, query);
  paginate_all(query);
  auto sort = parse_sort(query, {.allowed_keys = {"name", "created_at", "id"}});
  if (!sort.ok()) {
    must_render(sort.error().message());
  } else if (sort->empty()) {
    std::abort();
  }
  for (const auto& [name, value] : query) {
    auto flag = parse_bool_param(name, value);
    if (!flag.ok()) {
      must_render(flag.error().message());
    }
  }
  auto offset = int_param(query, "offset", 0, 1000);
  if (offset.ok() && offset->has_value() && (**offset < 0 || **offset > 1000)) {
    std::abort();
  }
  return 0;
}
