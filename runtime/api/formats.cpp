#include "runtime/api/formats.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

namespace strato::api {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Reads up to `max` (at least `min`) digits at `pos` into `value`.
bool read_digits(std::string_view text, size_t& pos, size_t min, size_t max,
                 int& value) noexcept {
  size_t count = 0;
  value = 0;
  while (pos < text.size() && count < max && is_digit(text[pos])) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++count;
  }
  return count >= min;
}

bool is_leap(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) noexcept {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/// The time part after the date separator: hh[[:]mm[[:]s[s][.frac]]][tz].
bool is_time_part(std::string_view text, size_t pos) noexcept {
  int hour = 0;
  if (!read_digits(text, pos, 2, 2, hour) || hour > 23) {
    return false;
  }
  auto optional_colon_number = [&](size_t min, size_t max, int limit) {
    auto start = pos;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
    }
    int value = 0;
    if (!read_digits(text, pos, min, max, value)) {
      pos = start;
      return true; // absent
    }
    return value <= limit;
  };
  if (!optional_colon_number(2, 2, 59) || !optional_colon_number(1, 2, 59)) {
    return false;
  }
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    auto start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
      ++pos;
    }
    if (pos == start) {
      return false;
    }
  }
  if (pos == text.size()) {
    return true;
  }
  if (text[pos] == 'Z') {
    return pos + 1 == text.size();
  }
  if (text[pos] != '+' && text[pos] != '-') {
    return false;
  }
  ++pos;
  int tz_hour = 0;
  if (!read_digits(text, pos, 2, 2, tz_hour) || tz_hour > 23) {
    return false;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
  }
  int tz_minute = 0;
  if (pos < text.size()
      && (!read_digits(text, pos, 2, 2, tz_minute) || tz_minute > 59)) {
    return false;
  }
  return pos == text.size();
}

bool is_ipv4_dotted(std::string_view text) noexcept {
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') {
        return false;
      }
      ++pos;
    }
    auto start = pos;
    int value = 0;
    if (!read_digits(text, pos, 1, 3, value) || value > 255) {
      return false;
    }
    if (pos - start > 1 && text[start] == '0') {
      return false;
    }
  }
  return pos == text.size();
}

bool is_ipv6_address(std::string_view text) noexcept {
  if (text.empty() || text.size() > 45
      || text.find('\0') != std::string_view::npos) {
    return false;
  }
  std::string copy{text};
  std::array<unsigned char, 16> out{};
  return inet_pton(AF_INET6, copy.c_str(), out.data()) == 1;
}

bool is_prefix(std::string_view text, int max) noexcept {
  size_t pos = 0;
  int value = 0;
  return read_digits(text, pos, 1, 3, value) && pos == text.size()
         && value <= max;
}

/// A netmask: a dotted quad whose bits are ones followed by zeros.
bool is_netmask(std::string_view text) noexcept {
  if (!is_ipv4_dotted(text)) {
    return false;
  }
  uint32_t bits = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    int value = 0;
    (void) read_digits(text, pos, 1, 3, value);
    bits = (bits << 8) | static_cast<uint32_t>(value);
    ++pos;
  }
  auto inverted = ~bits;
  return (inverted & (inverted + 1)) == 0;
}

bool is_uri_char(char c) noexcept {
  auto byte = static_cast<unsigned char>(c);
  if (byte <= 0x20 || byte >= 0x7F) {
    return false;
  }
  return std::string_view{"<>\"{}|\\^`"}.find(c) == std::string_view::npos;
}

} // namespace

bool is_uuid_like(std::string_view text) noexcept {
  // oslo: replace('urn:', '').replace('uuid:', '').strip('{}')
  //       .replace('-', ''), then 32 hex digits.
  std::string work{text};
  for (std::string_view prefix : {"urn:", "uuid:"}) {
    for (auto at = work.find(prefix); at != std::string::npos;
         at = work.find(prefix, at)) {
      work.erase(at, prefix.size());
    }
  }
  auto first = work.find_first_not_of("{}");
  auto last = work.find_last_not_of("{}");
  if (first == std::string::npos) {
    return false;
  }
  size_t digits = 0;
  for (auto i = first; i <= last; ++i) {
    if (work[i] == '-') {
      continue;
    }
    if (!is_hex(work[i])) {
      return false;
    }
    ++digits;
  }
  return digits == 32;
}

bool is_date_time(std::string_view text) noexcept {
  size_t pos = 0;
  int year = 0;
  if (!read_digits(text, pos, 4, 4, year)) {
    return false;
  }
  if (pos == text.size()) {
    return true;
  }
  int month = 0;
  bool dashed = text[pos] == '-';
  if (dashed) {
    ++pos;
  }
  if (!read_digits(text, pos, dashed ? 1 : 2, 2, month) || month < 1
      || month > 12 || (!dashed && pos == text.size())) {
    return false;
  }
  if (pos == text.size()) {
    return true;
  }
  int day = 0;
  dashed = text[pos] == '-';
  if (dashed) {
    ++pos;
  }
  if (!read_digits(text, pos, dashed ? 1 : 2, 2, day) || day < 1
      || day > days_in_month(year, month)) {
    return false;
  }
  if (pos == text.size()) {
    return true;
  }
  if (text[pos] != 'T' && text[pos] != ' ') {
    return false;
  }
  return is_time_part(text, pos + 1);
}

bool is_email(std::string_view text) noexcept {
  return text.find('@') != std::string_view::npos;
}

bool is_ipv4(std::string_view text) noexcept {
  return is_ipv4_dotted(text);
}

bool is_ipv6(std::string_view text) noexcept {
  auto percent = text.find('%');
  if (percent == std::string_view::npos) {
    return is_ipv6_address(text);
  }
  auto scope = text.substr(percent + 1);
  return !scope.empty() && scope.find('%') == std::string_view::npos
         && is_ipv6_address(text.substr(0, percent));
}

bool is_cidr(std::string_view text) noexcept {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  auto address = text.substr(0, slash);
  auto prefix = text.substr(slash + 1);
  if (is_ipv4_dotted(address)) {
    return is_prefix(prefix, 32) || is_netmask(prefix);
  }
  return address.find('%') == std::string_view::npos
         && is_ipv6_address(address) && is_prefix(prefix, 128);
}

bool is_uri(std::string_view text) noexcept {
  if (text.empty() || !is_alpha(text[0])) {
    return false;
  }
  size_t pos = 1;
  while (pos < text.size()
         && (is_alpha(text[pos]) || is_digit(text[pos]) || text[pos] == '+'
             || text[pos] == '-' || text[pos] == '.')) {
    ++pos;
  }
  if (text.substr(pos, 3) != "://") {
    return false;
  }
  for (char c : text) {
    if (!is_uri_char(c)) {
      return false;
    }
  }
  auto authority = text.substr(pos + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  auto at = authority.rfind('@');
  auto host = at == std::string_view::npos ? authority
                                           : authority.substr(at + 1);
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return close != std::string_view::npos && close > 1
           && is_ipv6(host.substr(1, close - 1))
           && (close + 1 == host.size() || host[close + 1] == ':');
  }
  auto colon = host.find(':');
  if (colon != std::string_view::npos) {
    for (char c : host.substr(colon + 1)) {
      if (!is_digit(c)) {
        return false;
      }
    }
    host = host.substr(0, colon);
  }
  return !host.empty();
}

} // namespace strato::api
