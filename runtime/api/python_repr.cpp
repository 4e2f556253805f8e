#include "runtime/api/python_repr.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "runtime/api/utf8.hpp"

namespace strato::api {

namespace {

/// Deeper values print as "..." instead of recursing further: messages stay
/// bounded and a hostile value cannot exhaust the stack. Bodies from
/// parse_json_body are at most 64 deep, so this never shows for them.
constexpr size_t max_repr_depth = 128;

constexpr std::string_view hex_digits = "0123456789abcdef";

void append_hex(std::string& out, uint32_t value, int width) {
  for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(hex_digits[(value >> shift) & 0xF]);
  }
}

/// Python's str.isprintable() for non-ASCII code points, approximated by the
/// format, separator, private-use and C1 ranges; unassigned code points
/// (which Python also escapes) print as they are.
bool is_printable(int32_t cp) {
  struct range {
    int32_t first;
    int32_t last;
  };
  static constexpr std::array<range, 22> hidden{{
    {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},
    {0x61C, 0x61C},     {0x6DD, 0x6DD},     {0x70F, 0x70F},
    {0x8E2, 0x8E2},     {0x1680, 0x1680},   {0x180E, 0x180E},
    {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x206F},
    {0x3000, 0x3000},   {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB},   {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD},
    {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
    {0xF0000, 0x10FFFF},
  }};
  for (const auto& r : hidden) {
    if (cp >= r.first && cp <= r.last) {
      return false;
    }
  }
  return true;
}

void append_escaped(std::string& out, int32_t cp) {
  if (cp <= 0xFF) {
    out += "\\x";
    append_hex(out, static_cast<uint32_t>(cp), 2);
  } else if (cp <= 0xFFFF) {
    out += "\\u";
    append_hex(out, static_cast<uint32_t>(cp), 4);
  } else {
    out += "\\U";
    append_hex(out, static_cast<uint32_t>(cp), 8);
  }
}

void append_string_repr(std::string& out, std::string_view text) {
  auto single = text.find('\'') != std::string_view::npos;
  auto dbl = text.find('"') != std::string_view::npos;
  char quote = single && !dbl ? '"' : '\'';
  out.push_back(quote);
  for (size_t pos = 0; pos < text.size();) {
    auto start = pos;
    auto cp = next_code_point(text, pos);
    if (cp < 0) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(text[start]), 2);
    } else if (cp == quote || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      append_escaped(out, cp);
    } else if (cp < 0x80 || is_printable(cp)) {
      out.append(text.substr(start, pos - start));
    } else {
      append_escaped(out, cp);
    }
  }
  out.push_back(quote);
}

/// Python's float repr: the shortest round-trip digits, in positional form
/// when the decimal point falls within 16 digits and as d.ddde+XX otherwise.
void append_float_repr(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  std::array<char, 64> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                 value, std::chars_format::scientific);
  if (ec != std::errc{}) {
    out += "nan";
    return;
  }
  std::string_view sci{buffer.data(), static_cast<size_t>(end - buffer.data())};
  auto e_pos = sci.find('e');
  auto mantissa = sci.substr(0, e_pos);
  int exponent = std::atoi(std::string{sci.substr(e_pos + 1)}.c_str());
  bool negative = !mantissa.empty() && mantissa.front() == '-';
  std::string digits;
  for (char c : mantissa) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    }
  }
  if (negative) {
    out.push_back('-');
  }
  auto point = exponent + 1; // digits = 0.DDD x 10^point
  if (point > -4 && point <= 16) {
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-point), '0');
      out += digits;
    } else if (static_cast<size_t>(point) >= digits.size()) {
      out += digits;
      out.append(static_cast<size_t>(point) - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<size_t>(point));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(point));
    }
    return;
  }
  out.push_back(digits.front());
  if (digits.size() > 1) {
    out.push_back('.');
    out.append(digits, 1);
  }
  out.push_back('e');
  out.push_back(exponent < 0 ? '-' : '+');
  auto magnitude = std::abs(exponent);
  if (magnitude < 10) {
    out.push_back('0');
  }
  out += std::to_string(magnitude);
}

void append_repr(std::string& out, const nlohmann::json& value, size_t depth) {
  using value_t = nlohmann::json::value_t;
  switch (value.type()) {
    case value_t::null:
    case value_t::discarded:
      out += "None";
      return;
    case value_t::boolean:
      out += value.get_ref<const bool&>() ? "True" : "False";
      return;
    case value_t::number_integer:
      out += std::to_string(value.get_ref<const int64_t&>());
      return;
    case value_t::number_unsigned:
      out += std::to_string(value.get_ref<const uint64_t&>());
      return;
    case value_t::number_float:
      append_float_repr(out, value.get_ref<const double&>());
      return;
    case value_t::string:
      append_string_repr(out, value.get_ref<const std::string&>());
      return;
    case value_t::binary:
      out += "b''";
      return;
    case value_t::array:
    case value_t::object:
      break;
  }
  if (depth >= max_repr_depth) {
    out += "...";
    return;
  }
  bool is_object = value.is_object();
  out.push_back(is_object ? '{' : '[');
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!first) {
      out += ", ";
    }
    first = false;
    if (is_object) {
      append_string_repr(out, it.key());
      out += ": ";
    }
    append_repr(out, *it, depth + 1);
  }
  out.push_back(is_object ? '}' : ']');
}

} // namespace

void append_python_repr(std::string& out, const nlohmann::json& value) {
  append_repr(out, value, 0);
}

std::string python_repr(const nlohmann::json& value) {
  std::string out;
  append_repr(out, value, 0);
  return out;
}

std::string python_str(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get_ref<const std::string&>();
  }
  return python_repr(value);
}

std::string python_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_string_repr(out, text);
  return out;
}

} // namespace strato::api
