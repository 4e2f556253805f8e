#pragma once

/// Just enough UTF-8 for the API layer: JSON Schema counts string lengths in
/// code points (Python's `len(str)`), and error messages escape characters
/// the way Python's `repr()` does.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strato::api {

/// Decodes the code point at `text[pos]` and advances `pos` past it. An
/// invalid or truncated sequence (overlong, surrogate, beyond U+10FFFF)
/// yields -1 and advances by one byte, so every byte is consumed once.
[[nodiscard]] int32_t next_code_point(std::string_view text,
                                      size_t& pos) noexcept;

/// Python's `len()` of the decoded string; each invalid byte counts as one.
[[nodiscard]] size_t code_point_count(std::string_view text) noexcept;

/// `text` with every invalid byte replaced by U+FFFD, as Python's
/// decode(errors='replace') does. Messages that quote client input (query
/// values, header values) pass through this so they can always be
/// serialized as JSON, which requires valid UTF-8.
[[nodiscard]] std::string valid_utf8(std::string_view text);

} // namespace strato::api
