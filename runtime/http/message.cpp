#include "runtime/http/message.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

namespace strato::http {

namespace {

constexpr std::array<std::string_view, 8> method_names{
  "", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
};

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

} // namespace

std::string_view to_string(method m) noexcept {
  return method_names[static_cast<size_t>(m)];
}

method parse_method(std::string_view token) noexcept {
  for (size_t i = 1; i < method_names.size(); ++i) {
    if (method_names[i] == token) {
      return static_cast<method>(i);
    }
  }
  return method::unknown;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              return ascii_lower(x) == ascii_lower(y);
            });
}

// -- header_list --------------------------------------------------------------

void header_list::add(std::string_view name, std::string_view value) {
  auto name_offset = static_cast<uint32_t>(data_.size());
  data_.append(name);
  auto value_offset = static_cast<uint32_t>(data_.size());
  data_.append(value);
  entries_.push_back({name_offset, static_cast<uint32_t>(name.size()),
                      value_offset, static_cast<uint32_t>(value.size())});
}

void header_list::set(std::string_view name, std::string_view value) {
  // The bytes of removed entries stay in data_: responses carry few headers
  // and set() is rare, so compacting would cost more than it saves.
  std::erase_if(entries_, [&](const entry& e) {
    return iequals(view(e.name_offset, e.name_size), name);
  });
  add(name, value);
}

std::optional<std::string_view>
header_list::get(std::string_view name) const noexcept {
  for (const auto& e : entries_) {
    if (iequals(view(e.name_offset, e.name_size), name)) {
      return view(e.value_offset, e.value_size);
    }
  }
  return std::nullopt;
}

std::pair<std::string_view, std::string_view>
header_list::operator[](size_t i) const noexcept {
  const auto& e = entries_[i];
  return {view(e.name_offset, e.name_size), view(e.value_offset, e.value_size)};
}

void header_list::reserve(size_t fields, size_t bytes) {
  entries_.reserve(fields);
  data_.reserve(bytes);
}

void header_list::clear() noexcept {
  entries_.clear();
  data_.clear();
}

// -- param_list ---------------------------------------------------------------

std::optional<std::string_view>
param_list::get(std::string_view name) const noexcept {
  for (const auto& [key, value] : items_) {
    if (key == name) {
      return std::string_view{value};
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> param_list::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [key, value] : items_) {
    if (key == name) {
      out.emplace_back(value);
    }
  }
  return out;
}

// -- response -----------------------------------------------------------------

response response::json(int status, const nlohmann::json& body) {
  response out;
  out.status = status;
  out.body = body.dump();
  return out;
}

response response::text(int status, std::string body) {
  response r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

response response::empty(int status) {
  response out;
  out.status = status;
  return out;
}

// -- decoding -----------------------------------------------------------------

std::string percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void parse_query(std::string_view query, param_list& out) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{}
                                          : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    auto eq = pair.find('=');
    auto name = pair.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{}
                                              : pair.substr(eq + 1);
    out.add(percent_decode(name, true), percent_decode(value, true));
  }
}

} // namespace strato::http
