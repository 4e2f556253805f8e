#include "runtime/api/json_body.hpp"

#include <exception>
#include <utility>
#include <vector>

namespace strato::api {

namespace {

/// The bracket depth of `text` outside string literals; stops early past
/// `limit`. A cheap pass before the real parse, so nothing deeper than
/// `limit` is ever built (nlohmann's parser itself is not recursive, but
/// everything that later walks the value is).
size_t bracket_depth(std::string_view text, size_t limit) noexcept {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > limit) {
            return deepest;
          }
        }
        break;
      case '}':
      case ']':
        if (depth > 0) {
          --depth;
        }
        break;
      default:
        break;
    }
  }
  return deepest;
}

status malformed() {
  return {errc::invalid_argument, "Malformed request body"};
}

} // namespace

result<nlohmann::json> parse_json_body(std::string_view body,
                                       json_body_options options) {
  if (bracket_depth(body, options.max_depth) > options.max_depth) {
    return status{errc::invalid_argument,
                  "Malformed request body: JSON nested deeper than "
                    + std::to_string(options.max_depth) + " levels"};
  }
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  } catch (const std::exception&) {
    // allow_exceptions=false covers syntax errors; this catches the rest
    // (allocation failures) so that nothing escapes into handlers.
    return malformed();
  }
  if (value.is_discarded()) {
    return malformed();
  }
  if (options.require_object && !value.is_object()) {
    return status{errc::invalid_argument,
                  "The request body must be a JSON object."};
  }
  return value;
}

size_t json_depth(const nlohmann::json& value, size_t limit) {
  std::vector<std::pair<const nlohmann::json*, size_t>> pending;
  pending.emplace_back(&value, 0);
  size_t deepest = 0;
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured() || node->empty()) {
      auto own = node->is_structured() ? depth + 1 : depth;
      deepest = std::max(deepest, own);
      continue;
    }
    if (depth + 1 > limit) {
      return limit + 1;
    }
    deepest = std::max(deepest, depth + 1);
    for (const auto& child : *node) {
      if (child.is_structured()) {
        pending.emplace_back(&child, depth + 1);
      }
    }
  }
  return deepest;
}

nlohmann::json query_to_json(const http::param_list& query) {
  auto out = nlohmann::json::object();
  for (const auto& [name, value] : query) {
    auto& values = out[name];
    if (values.is_null()) {
      values = nlohmann::json::array();
    }
    values.push_back(value);
  }
  return out;
}

} // namespace strato::api
