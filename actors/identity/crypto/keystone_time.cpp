#include "actors/identity/crypto/keystone_time.hpp"

#include <cstdio>

namespace strato::identity {

namespace {

using std::chrono::days;
using std::chrono::microseconds;

/// Reads exactly `n` digits at `pos`, advancing it; -1 when they are absent.
int read_digits(std::string_view text, size_t& pos, size_t n) {
  if (pos + n > text.size()) {
    return -1;
  }
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') {
      return -1;
    }
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

/// Fraction digits after the '.', truncated to microseconds.
bool read_fraction(std::string_view text, size_t& pos, microseconds& out) {
  size_t digits = 0;
  int64_t micros = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (digits < 6) {
      micros = micros * 10 + (text[pos] - '0');
    }
    ++digits;
    ++pos;
  }
  if (digits == 0 || digits > 9) {
    return false;
  }
  for (auto d = digits; d < 6; ++d) {
    micros *= 10;
  }
  out = microseconds{micros};
  return true;
}

/// The zone suffix as an offset east of UTC.
bool read_zone(std::string_view text, size_t& pos, std::chrono::minutes& out) {
  out = std::chrono::minutes{0};
  if (pos == text.size() || expect(text, pos, 'Z')) {
    return true;
  }
  int sign = text[pos] == '+' ? 1 : text[pos] == '-' ? -1 : 0;
  if (sign == 0) {
    return false;
  }
  ++pos;
  int hours = read_digits(text, pos, 2);
  if (hours < 0 || hours > 23 || !expect(text, pos, ':')) {
    return false;
  }
  int mins = read_digits(text, pos, 2);
  if (mins < 0 || mins > 59) {
    return false;
  }
  out = std::chrono::minutes{sign * (hours * 60 + mins)};
  return true;
}

status malformed(std::string_view text) {
  return {errc::invalid_argument,
          "invalid timestamp '" + std::string{text}
            + "': expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM]"};
}

} // namespace

timestamp now_utc() {
  return std::chrono::floor<microseconds>(std::chrono::system_clock::now());
}

std::string format_keystone_time(timestamp t) {
  auto day = std::chrono::floor<days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss<microseconds> tod{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return buf;
}

result<timestamp> parse_keystone_time(std::string_view text) {
  size_t pos = 0;
  int y = read_digits(text, pos, 4);
  bool ok = y >= 0 && expect(text, pos, '-');
  int mo = ok ? read_digits(text, pos, 2) : -1;
  ok = ok && mo >= 0 && expect(text, pos, '-');
  int d = ok ? read_digits(text, pos, 2) : -1;
  ok = ok && d >= 0 && expect(text, pos, 'T');
  int h = ok ? read_digits(text, pos, 2) : -1;
  ok = ok && h >= 0 && h <= 23 && expect(text, pos, ':');
  int mi = ok ? read_digits(text, pos, 2) : -1;
  ok = ok && mi >= 0 && mi <= 59 && expect(text, pos, ':');
  int s = ok ? read_digits(text, pos, 2) : -1;
  // No leap seconds: Keystone never emits them and chrono cannot hold them.
  ok = ok && s >= 0 && s <= 59;
  auto fraction = microseconds{0};
  if (ok && expect(text, pos, '.')) {
    ok = read_fraction(text, pos, fraction);
  }
  auto offset = std::chrono::minutes{0};
  ok = ok && read_zone(text, pos, offset) && pos == text.size();
  if (!ok) {
    return malformed(text);
  }
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(mo)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return malformed(text);
  }
  return timestamp{std::chrono::sys_days{ymd}} + std::chrono::hours{h}
         + std::chrono::minutes{mi} + std::chrono::seconds{s} + fraction
         - offset;
}

} // namespace strato::identity
