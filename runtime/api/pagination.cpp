#include "runtime/api/pagination.hpp"

#include <charconv>

#include "runtime/api/utf8.hpp"

namespace strato::api {

namespace {

constexpr std::string_view whitespace = " \t\r\n\v\f";

std::string_view strip(std::string_view text) {
  auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(whitespace) - first + 1);
}

std::optional<std::string_view> last_value(const http::param_list& query,
                                           std::string_view name) {
  auto all = query.get_all(name);
  if (all.empty()) {
    return std::nullopt;
  }
  return all.back();
}

status bad_request(std::string message) {
  return {errc::invalid_argument, std::move(message)};
}

result<sort_direction> parse_direction(std::string_view text) {
  if (text == "asc") {
    return sort_direction::asc;
  }
  if (text == "desc") {
    return sort_direction::desc;
  }
  return bad_request("Invalid sort direction: " + valid_utf8(text));
}

status check_key(std::string_view key, const sort_options& options) {
  if (options.allowed_keys.empty()
      || std::ranges::find(options.allowed_keys, key)
           != options.allowed_keys.end()) {
    return {};
  }
  std::string available;
  for (const auto& allowed : options.allowed_keys) {
    available += available.empty() ? "" : ", ";
    available += allowed;
  }
  return bad_request("Invalid sort key: " + valid_utf8(key)
                     + ". It must be one of the following: " + available
                     + ".");
}

/// Cinder/Glance's `sort=key[:dir],key[:dir]`.
result<std::vector<sort_spec>> parse_sort_param(std::string_view text,
                                                const sort_options& options) {
  std::vector<sort_spec> specs;
  text = strip(text);
  while (true) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    auto colon = item.find(':');
    auto key = strip(item.substr(0, colon));
    if (auto st = check_key(key, options); !st.ok()) {
      return st;
    }
    auto direction = options.default_direction;
    if (colon != std::string_view::npos) {
      auto dir_text = strip(item.substr(colon + 1));
      if (!dir_text.empty()) {
        auto parsed = parse_direction(dir_text);
        if (!parsed.ok()) {
          return parsed.error();
        }
        direction = *parsed;
      }
    }
    specs.push_back({std::string{key}, direction});
    if (comma == std::string_view::npos) {
      return specs;
    }
    text = text.substr(comma + 1);
  }
}

/// Repeated sort_key/sort_dir, paired in order (Nova's process_sort_params).
result<std::vector<sort_spec>> parse_pairs(const http::param_list& query,
                                           const sort_options& options) {
  std::vector<std::string_view> keys;
  for (auto key : query.get_all("sort_key")) {
    keys.push_back(strip(key));
    if (auto st = check_key(keys.back(), options); !st.ok()) {
      return st;
    }
  }
  std::vector<sort_direction> directions;
  for (auto dir : query.get_all("sort_dir")) {
    auto parsed = parse_direction(strip(dir));
    if (!parsed.ok()) {
      return parsed.error();
    }
    directions.push_back(*parsed);
  }
  if (keys.empty()) {
    keys.push_back(options.default_key);
  }
  if (directions.size() > keys.size()) {
    return bad_request("Sort direction size exceeds sort key size");
  }
  auto fill = directions.empty() ? options.default_direction : directions[0];
  std::vector<sort_spec> specs;
  for (size_t i = 0; i < keys.size(); ++i) {
    specs.push_back(
      {std::string{keys[i]}, i < directions.size() ? directions[i] : fill});
  }
  return specs;
}

} // namespace

result<size_t> parse_limit(const http::param_list& query, size_t max_limit) {
  auto raw = last_value(query, "limit");
  if (!raw) {
    return max_limit;
  }
  // Python's int(): surrounding whitespace and one sign are allowed.
  auto text = strip(*raw);
  bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (negative || text.front() == '+')) {
    text.remove_prefix(1);
  }
  if (text.empty()
      || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return bad_request("limit param must be an integer");
  }
  if (negative && text.find_first_not_of('0') != std::string_view::npos) {
    return bad_request("limit param must be positive");
  }
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value);
  if (ec == std::errc::result_out_of_range) {
    return max_limit;
  }
  return std::min(value, max_limit);
}

std::optional<std::string> parse_marker(const http::param_list& query) {
  if (auto value = last_value(query, "marker")) {
    return std::string{*value};
  }
  return std::nullopt;
}

std::string_view to_string(sort_direction d) noexcept {
  return d == sort_direction::asc ? "asc" : "desc";
}

result<std::vector<sort_spec>> parse_sort(const http::param_list& query,
                                          const sort_options& options) {
  auto sort = options.allow_sort_param ? last_value(query, "sort")
                                       : std::nullopt;
  if (sort && (query.contains("sort_key") || query.contains("sort_dir"))) {
    return bad_request("Old and new sorting syntax cannot be combined");
  }
  auto specs = sort ? parse_sort_param(*sort, options)
                    : parse_pairs(query, options);
  if (!specs.ok()) {
    return specs;
  }
  auto& list = *specs;
  if (!options.tie_breaker.empty()
      && std::ranges::none_of(list, [&](const sort_spec& s) {
           return s.key == options.tie_breaker;
         })) {
    list.push_back({options.tie_breaker, list.front().direction});
  }
  return specs;
}

status marker_not_found(std::string_view marker) {
  return bad_request("marker [" + valid_utf8(marker) + "] not found");
}

} // namespace strato::api
