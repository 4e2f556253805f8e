#include "runtime/api/params.hpp"

#include <array>
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

bool iequals_any(std::string_view text,
                 const std::array<std::string_view, 6>& words) {
  for (auto word : words) {
    if (http::iequals(text, word)) {
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> last_value(const http::param_list& query,
                                           std::string_view name) {
  auto all = query.get_all(name);
  if (all.empty()) {
    return std::nullopt;
  }
  return all.back();
}

} // namespace

result<bool> parse_bool_param(std::string_view name, std::string_view value) {
  static constexpr std::array<std::string_view, 6> truthy{"1", "t",  "true",
                                                          "on", "y", "yes"};
  static constexpr std::array<std::string_view, 6> falsy{"0",   "f", "false",
                                                         "off", "n", "no"};
  auto word = strip(value);
  if (iequals_any(word, truthy)) {
    return true;
  }
  if (iequals_any(word, falsy)) {
    return false;
  }
  return status{errc::invalid_argument, "Value '" + valid_utf8(value)
                                          + "' for '" + valid_utf8(name)
                                          + "' is not a boolean."};
}

result<bool> bool_param(const http::param_list& query, std::string_view name,
                        bool fallback) {
  auto value = last_value(query, name);
  if (!value) {
    return fallback;
  }
  return parse_bool_param(name, *value);
}

result<std::optional<int64_t>> int_param(const http::param_list& query,
                                         std::string_view name, int64_t min,
                                         int64_t max) {
  auto value = last_value(query, name);
  if (!value) {
    return std::optional<int64_t>{};
  }
  auto text = strip(*value);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  int64_t parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   parsed);
  auto all_digits =
    !text.empty() && end == text.data() + text.size()
    && text.find_first_of("0123456789") != std::string_view::npos;
  if (!all_digits) {
    return status{errc::invalid_argument,
                  std::string{name} + " must be an integer"};
  }
  auto too_large = ec == std::errc::result_out_of_range;
  // Python's int has no range: out-of-range text is an integer that fails
  // the bound on its side.
  if ((too_large && text.front() == '-') || (!too_large && parsed < min)) {
    return status{errc::invalid_argument,
                  std::string{name} + " must be >= " + std::to_string(min)};
  }
  if (too_large || parsed > max) {
    return status{errc::invalid_argument,
                  std::string{name} + " must be <= " + std::to_string(max)};
  }
  return std::optional<int64_t>{parsed};
}

} // namespace strato::api
