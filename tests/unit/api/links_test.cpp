#include <doctest/doctest.h>

#include "runtime/api/links.hpp"

using namespace strato::api;
using nlohmann::json;
using strato::http::param_list;

namespace {

param_list query(std::initializer_list<std::pair<std::string, std::string>> p) {
  param_list out;
  for (const auto& [name, value] : p) {
    out.add(name, value);
  }
  return out;
}

} // namespace

TEST_CASE("query values encode as Python's urlencode does") {
  CHECK(quote_plus("a b&c=d/é~_.-") == "a+b%26c%3Dd%2F%C3%A9~_.-");
  CHECK(urlencode({{"name", "x y"}, {"k", ""}}) == "name=x+y&k=");
  CHECK(urlencode({}).empty());
}

TEST_CASE("the base URL is the one the client addressed") {
  strato::http::request req;
  CHECK(request_base_url(req) == "http://localhost");
  req.headers.add("Host", "cloud.example:8774");
  CHECK(request_base_url(req) == "http://cloud.example:8774");
  req.headers.add("X-Forwarded-Proto", "https");
  CHECK(request_base_url(req) == "https://cloud.example:8774");
}

TEST_CASE("Nova's next link keeps the query sorted and sets the marker") {
  auto url = "http://h/compute/v2.1/servers";
  CHECK(nova_links(url, query({{"limit", "2"}}), std::nullopt)
        == json::array());
  CHECK(nova_links(url, query({{"limit", "2"}}), std::string{"id-2"})
        == json::parse(R"([{"rel": "next",
          "href": "http://h/compute/v2.1/servers?limit=2&marker=id-2"}])"));
  // Without a marker in the request, "marker" goes last, as Nova's
  // OrderedDict does; with one, it keeps its sorted place.
  CHECK(nova_links(url, query({{"name", "a b"}, {"limit", "2"}}),
                   std::string{"x"})[0]["href"]
        == "http://h/compute/v2.1/servers?limit=2&name=a+b&marker=x");
  CHECK(nova_links(url,
                   query({{"status", "ACTIVE"}, {"marker", "old"},
                          {"limit", "2"}}),
                   std::string{"new"})[0]["href"]
        == "http://h/compute/v2.1/servers?limit=2&marker=new&status=ACTIVE");
  CHECK(nova_links(url, query({{"sort_key", "name"}, {"sort_key", "id"}}),
                   std::string{"m"})[0]["href"]
        == "http://h/compute/v2.1/servers?sort_key=id&sort_key=name&marker=m");
}

TEST_CASE("Glance's first and next links") {
  CHECK(glance_first("/v2/images", {}) == "/v2/images");
  CHECK(glance_next("/v2/images", {}, "abc") == "/v2/images?marker=abc");
  auto q = query({{"limit", "2"}, {"marker", "old"}, {"visibility", "public"},
                  {"limit", "3"}});
  CHECK(glance_first("/v2/images", q) == "/v2/images?limit=3&visibility=public");
  CHECK(glance_next("/v2/images", q, "a b")
        == "/v2/images?limit=3&visibility=public&marker=a+b");
}

TEST_CASE("Neutron's links carry next and previous pages") {
  auto url = "http://h/network/v2.0/networks";
  CHECK(neutron_links(url, {}, {.limit = 0, .count = 5}) == json::array());
  auto q = query({{"limit", "2"}, {"marker", "m0"}, {"page_reverse", "False"}});
  auto full = neutron_links(url, q, {2, 2, "n1", "n2", false});
  CHECK(full == json::parse(R"([
    {"rel": "next", "href": "http://h/network/v2.0/networks?limit=2&marker=n2"},
    {"rel": "previous",
     "href": "http://h/network/v2.0/networks?limit=2&marker=n1&page_reverse=True"}
  ])"));
  auto short_forward = neutron_links(url, q, {2, 1, "n3", "n3", false});
  REQUIRE(short_forward.size() == 1);
  CHECK(short_forward[0]["rel"] == "previous");
  auto short_reverse = neutron_links(url, q, {2, 1, "n0", "n0", true});
  REQUIRE(short_reverse.size() == 1);
  CHECK(short_reverse[0]["rel"] == "next");
  auto empty = neutron_links(url, query({{"limit", "2"}}), {2, 0, "", "", true});
  CHECK(empty[0]["href"] == "http://h/network/v2.0/networks?limit=2");
}
