#pragma once

/// JSON values spelled the way Python prints them, because OpenStack's error
/// messages embed `repr()`/`str()` of request values and clients (and
/// tempest) compare those messages verbatim: `'abc'`, `True`, `None`,
/// `{'a': [1, 2.5]}`. Objects print in key order (nlohmann sorts keys; Python
/// keeps insertion order), which is the one visible difference.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace strato::api {

/// Python's `repr()` of the value `json.loads` would produce.
[[nodiscard]] std::string python_repr(const nlohmann::json& value);

/// Python's `str()`: strings as they are, everything else as `repr()`.
[[nodiscard]] std::string python_str(const nlohmann::json& value);

/// Python's `repr()` of a string: single quotes unless the text contains a
/// single quote and no double quote; control and non-printable characters as
/// `\n`, `\xNN`, `\uNNNN`. Invalid UTF-8 bytes print as `\xNN`.
[[nodiscard]] std::string python_quote(std::string_view text);

/// Appends `python_repr(value)` to `out`.
void append_python_repr(std::string& out, const nlohmann::json& value);

} // namespace strato::api
