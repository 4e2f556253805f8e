#pragma once

/// Marker-based pagination as the OpenStack list APIs do it: `limit`
/// bounds the page (never above the deployment's max_limit), `marker` is the
/// id of the last item the client saw, and sorting comes from repeated
/// `sort_key`/`sort_dir` pairs or Cinder/Glance's `sort=key:dir,...`.
/// Failures are `errc::invalid_argument` (HTTP 400) with the services'
/// messages. When a parameter repeats, the last value wins for limit and
/// marker, as webob's MultiDict answers `request.GET['limit']`.

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/http/message.hpp"

namespace strato::api {

/// `limit` clamped to `max_limit`; `max_limit` when absent. Fails with
/// "limit param must be an integer" or "limit param must be positive".
/// Zero stays zero (the page size then defaults to max_limit in `paginate`).
[[nodiscard]] result<size_t> parse_limit(const http::param_list& query,
                                         size_t max_limit);

/// The `marker` parameter, if present.
[[nodiscard]] std::optional<std::string>
parse_marker(const http::param_list& query);

enum class sort_direction : uint8_t { asc, desc };

[[nodiscard]] std::string_view to_string(sort_direction d) noexcept;

struct sort_spec {
  std::string key;
  sort_direction direction = sort_direction::asc;

  friend bool operator==(const sort_spec&, const sort_spec&) = default;
};

struct sort_options {
  /// Keys a client may sort by; anything else fails with Glance's "Invalid
  /// sort key: x. It must be one of the following: a, b." An empty list
  /// allows every key.
  std::vector<std::string> allowed_keys;
  /// Used when the request names no key.
  std::string default_key = "created_at";
  sort_direction default_direction = sort_direction::desc;
  /// Appended (with the first direction) when not requested, so that
  /// equal sort values still have a stable order for markers.
  std::string tie_breaker = "id";
  /// Accept Cinder/Glance's `sort=key[:dir],...`.
  bool allow_sort_param = true;
};

/// Reads sort_key/sort_dir pairs (Nova's rules: directions apply to keys in
/// order, keys without one take the first direction given, more directions
/// than keys fail) or `sort`; mixing both syntaxes fails. Directions must be
/// "asc" or "desc" ("Invalid sort direction: x").
[[nodiscard]] result<std::vector<sort_spec>>
parse_sort(const http::param_list& query, const sort_options& options);

/// One page of a list.
template <class T>
struct page {
  std::vector<T> items;
  /// Items remain after this page; the last item's key is the next marker.
  bool has_more = false;
};

/// Where a page starts and ends within a sorted list.
struct page_bounds {
  size_t begin = 0;
  size_t end = 0;
  bool has_more = false;
};

/// "marker [x] not found" (Nova's wording), errc::invalid_argument.
[[nodiscard]] status marker_not_found(std::string_view marker);

/// The page size `paginate` uses: limit, or max_limit when limit is 0 or
/// larger.
[[nodiscard]] inline size_t page_size(size_t limit, size_t max_limit) noexcept {
  return limit == 0 || limit > max_limit ? max_limit : limit;
}

/// Locates the page of `items` (already sorted) after the item whose
/// `key_of` equals `marker`.
template <std::ranges::random_access_range Range, class KeyOf>
  requires std::convertible_to<
    std::invoke_result_t<KeyOf&, std::ranges::range_reference_t<const Range>>,
    std::string_view>
[[nodiscard]] result<page_bounds>
find_page(const Range& items, KeyOf key_of, size_t limit,
          const std::optional<std::string>& marker, size_t max_limit) {
  auto total = static_cast<size_t>(std::ranges::size(items));
  size_t begin = 0;
  if (marker) {
    auto it = std::ranges::find_if(items, [&](const auto& item) {
      return std::string_view{key_of(item)} == *marker;
    });
    if (it == std::ranges::end(items)) {
      return marker_not_found(*marker);
    }
    begin = static_cast<size_t>(it - std::ranges::begin(items)) + 1;
  }
  auto end = begin + std::min(page_size(limit, max_limit), total - begin);
  return page_bounds{begin, end, end < total};
}

/// Copies the page of `items` that `find_page` locates.
template <std::ranges::random_access_range Range, class KeyOf>
[[nodiscard]] auto paginate(const Range& items, KeyOf key_of, size_t limit,
                            const std::optional<std::string>& marker,
                            size_t max_limit)
  -> result<page<std::ranges::range_value_t<Range>>> {
  auto bounds = find_page(items, key_of, limit, marker, max_limit);
  if (!bounds.ok()) {
    return bounds.error();
  }
  page<std::ranges::range_value_t<Range>> out;
  auto first = std::ranges::begin(items);
  out.items.assign(first + static_cast<std::ptrdiff_t>(bounds->begin),
                   first + static_cast<std::ptrdiff_t>(bounds->end));
  out.has_more = bounds->has_more;
  return out;
}

} // namespace strato::api
