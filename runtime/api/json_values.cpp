#include "runtime/api/json_values.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace strato::api {

namespace {

using value_t = nlohmann::json::value_t;

template <class T>
int three_way(T x, T y) noexcept {
  return (x > y) - (x < y);
}

long double to_long_double(const nlohmann::json& n) noexcept {
  switch (n.type()) {
    case value_t::number_integer:
      return static_cast<long double>(n.get_ref<const int64_t&>());
    case value_t::number_unsigned:
      return static_cast<long double>(n.get_ref<const uint64_t&>());
    default:
      return static_cast<long double>(n.get_ref<const double&>());
  }
}

bool is_negative_integer(const nlohmann::json& n) noexcept {
  return n.type() == value_t::number_integer
         && n.get_ref<const int64_t&>() < 0;
}

uint64_t as_unsigned(const nlohmann::json& n) noexcept {
  return n.type() == value_t::number_unsigned
           ? n.get_ref<const uint64_t&>()
           : static_cast<uint64_t>(n.get_ref<const int64_t&>());
}

void append_integral_float(std::string& out, double v) {
  // Integral floats equal the integer of the same value (1.0 == 1).
  if (v >= -9223372036854775808.0 && v < 9223372036854775808.0) {
    out += 'i';
    out += std::to_string(static_cast<int64_t>(v));
  } else if (v >= 0 && v < 18446744073709551616.0) {
    out += 'i';
    out += std::to_string(static_cast<uint64_t>(v));
  } else {
    std::array<char, 32> buffer{};
    auto [end, ec] = std::to_chars(buffer.data(),
                                   buffer.data() + buffer.size(), v);
    out += 'd';
    out.append(buffer.data(), ec == std::errc{} ? end : buffer.data());
  }
}

void append_key(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case value_t::null:
    case value_t::discarded:
    case value_t::binary:
      out += 'n';
      return;
    case value_t::boolean:
      out += value.get_ref<const bool&>() ? 't' : 'f';
      return;
    case value_t::number_integer:
      out += 'i';
      out += std::to_string(value.get_ref<const int64_t&>());
      out += ';';
      return;
    case value_t::number_unsigned:
      out += 'i';
      out += std::to_string(value.get_ref<const uint64_t&>());
      out += ';';
      return;
    case value_t::number_float: {
      auto v = value.get_ref<const double&>();
      if (std::isfinite(v) && std::trunc(v) == v) {
        append_integral_float(out, v);
      } else {
        std::array<char, 32> buffer{};
        auto [end, ec] = std::to_chars(buffer.data(),
                                       buffer.data() + buffer.size(), v);
        out += 'd';
        out.append(buffer.data(), ec == std::errc{} ? end : buffer.data());
      }
      out += ';';
      return;
    }
    case value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      out += 's';
      out += std::to_string(s.size());
      out += ':';
      out += s;
      return;
    }
    case value_t::array:
      out += '[';
      for (const auto& item : value) {
        append_key(out, item);
      }
      out += ']';
      return;
    case value_t::object:
      out += '{';
      for (auto it = value.begin(); it != value.end(); ++it) {
        out += std::to_string(it.key().size());
        out += ':';
        out += it.key();
        append_key(out, *it);
      }
      out += '}';
      return;
  }
}

} // namespace

int compare_numbers(const nlohmann::json& a,
                    const nlohmann::json& b) noexcept {
  if (a.is_number_float() || b.is_number_float()) {
    auto x = to_long_double(a);
    auto y = to_long_double(b);
    if (std::isnan(x) || std::isnan(y)) {
      return 0;
    }
    return three_way(x, y);
  }
  auto a_negative = is_negative_integer(a);
  auto b_negative = is_negative_integer(b);
  if (a_negative != b_negative) {
    return a_negative ? -1 : 1;
  }
  if (a_negative) {
    return three_way(a.get_ref<const int64_t&>(), b.get_ref<const int64_t&>());
  }
  return three_way(as_unsigned(a), as_unsigned(b));
}

bool json_equal(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) {
    return compare_numbers(a, b) == 0;
  }
  if (a.type() != b.type()) {
    return false;
  }
  switch (a.type()) {
    case value_t::array: {
      if (a.size() != b.size()) {
        return false;
      }
      for (size_t i = 0; i < a.size(); ++i) {
        if (!json_equal(a[i], b[i])) {
          return false;
        }
      }
      return true;
    }
    case value_t::object: {
      if (a.size() != b.size()) {
        return false;
      }
      for (auto it = a.begin(); it != a.end(); ++it) {
        auto other = b.find(it.key());
        if (other == b.end() || !json_equal(*it, *other)) {
          return false;
        }
      }
      return true;
    }
    default:
      return a == b;
  }
}

std::string canonical_key(const nlohmann::json& value) {
  std::string out;
  append_key(out, value);
  return out;
}

} // namespace strato::api
