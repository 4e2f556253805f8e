#include "runtime/api/links.hpp"

#include <algorithm>

namespace strato::api {

namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

pairs without(const http::param_list& query, std::string_view name) {
  pairs out;
  for (const auto& [key, value] : query) {
    if (key != name) {
      out.emplace_back(key, value);
    }
  }
  return out;
}

std::string with_query(std::string_view base, const pairs& params) {
  std::string out{base};
  out += '?';
  out += urlencode(params);
  return out;
}

nlohmann::json link(std::string_view rel, std::string href) {
  return {{"rel", rel}, {"href", std::move(href)}};
}

} // namespace

std::string quote_plus(std::string_view text) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'
        || c == '~') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0xF]);
    }
  }
  return out;
}

std::string urlencode(const pairs& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += quote_plus(name);
    out.push_back('=');
    out += quote_plus(value);
  }
  return out;
}

std::string request_base_url(const http::request& req) {
  auto scheme = req.header("X-Forwarded-Proto").value_or("http");
  auto host = req.header("Host").value_or("localhost");
  return std::string{scheme} + "://" + std::string{host};
}

nlohmann::json nova_links(std::string_view collection_url,
                          const http::param_list& query,
                          const std::optional<std::string>& next_marker) {
  auto links = nlohmann::json::array();
  if (!next_marker) {
    return links;
  }
  // Nova rebuilds the query as OrderedDict(sorted(params)) and then sets
  // "marker", which keeps its sorted place if the request had one and goes
  // last otherwise. Unlike Nova, repeated parameters are all kept.
  auto params = without(query, "marker");
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a < b; });
  auto at = params.end();
  if (query.contains("marker")) {
    at = std::find_if(params.begin(), params.end(),
                      [](const auto& p) { return p.first > "marker"; });
  }
  params.emplace(at, "marker", *next_marker);
  links.push_back(link("next", with_query(collection_url, params)));
  return links;
}

std::string glance_first(std::string_view path, const http::param_list& query) {
  // dict(request.params): one entry per name, at its first position, with
  // its last value.
  pairs params;
  for (const auto& entry : query) {
    if (entry.first == "marker") {
      continue;
    }
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) {
      return p.first == entry.first;
    });
    if (it == params.end()) {
      params.push_back(entry);
    } else {
      it->second = entry.second;
    }
  }
  if (params.empty()) {
    return std::string{path};
  }
  return with_query(path, params);
}

std::string glance_next(std::string_view path, const http::param_list& query,
                        std::string_view next_marker) {
  auto first = glance_first(path, query);
  first += first.size() == path.size() ? '?' : '&';
  return first + "marker=" + quote_plus(next_marker);
}

nlohmann::json neutron_links(std::string_view collection_url,
                             const http::param_list& query,
                             const neutron_page& page) {
  auto links = nlohmann::json::array();
  if (page.limit == 0) {
    return links;
  }
  auto short_page = page.count < page.limit;
  if (!(short_page && !page.page_reverse)) {
    auto params = without(query, "marker");
    std::erase_if(params, [](const auto& p) { return p.first == "page_reverse"; });
    if (page.count > 0) {
      params.emplace_back("marker", page.last_id);
    }
    links.push_back(link("next", with_query(collection_url, params)));
  }
  if (!(short_page && page.page_reverse)) {
    auto params = without(query, "marker");
    std::erase_if(params, [](const auto& p) { return p.first == "page_reverse"; });
    if (page.count > 0) {
      params.emplace_back("marker", page.first_id);
    }
    params.emplace_back("page_reverse", "True");
    links.push_back(link("previous", with_query(collection_url, params)));
  }
  return links;
}

} // namespace strato::api
