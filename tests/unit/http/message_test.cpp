#include <doctest/doctest.h>

#include "runtime/http/message.hpp"
#include "runtime/http/request_id.hpp"
#include "runtime/http/server.hpp"

using namespace strato::http;

TEST_CASE("query strings decode percent escapes and plus signs") {
  param_list params;
  parse_query("name=a%20b&tag=x+y&tag=z&flag&empty=", params);
  CHECK(params.get("name") == "a b");
  CHECK(params.get_all("tag") == std::vector<std::string_view>{"x y", "z"});
  CHECK(params.get("flag") == "");
  CHECK(params.get("empty") == "");
  CHECK_FALSE(params.get("missing"));
}

TEST_CASE("invalid percent escapes are kept literally") {
  CHECK(percent_decode("100%", false) == "100%");
  CHECK(percent_decode("%zz%41", false) == "%zzA");
  CHECK(percent_decode("a+b", false) == "a+b");
}

TEST_CASE("header lookups ignore case and keep the first value") {
  header_list headers;
  headers.add("X-Auth-Token", "one");
  headers.add("x-auth-token", "two");
  CHECK(headers.get("X-AUTH-TOKEN") == "one");
  headers.set("X-Auth-Token", "three");
  CHECK(headers.get("x-auth-token") == "three");
  CHECK(headers.size() == 1);
}

TEST_CASE("request ids are req- followed by a version 4 uuid") {
  auto id = make_request_id();
  REQUIRE(id.size() == 40);
  CHECK(id.substr(0, 4) == "req-");
  CHECK(id[18] == '4');
  CHECK(std::string_view{"89ab"}.find(id[23]) != std::string_view::npos);
  CHECK(make_request_id() != id);
}

TEST_CASE("listen addresses parse as ADDRESS:PORT") {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  REQUIRE(v4.ok());
  CHECK(v4->first == "127.0.0.1");
  CHECK(v4->second == 8080);
  auto v6 = parse_listen_address("[::1]:0");
  REQUIRE(v6.ok());
  CHECK(v6->first == "::1");
  CHECK(v6->second == 0);
  CHECK_FALSE(parse_listen_address("127.0.0.1").ok());
  CHECK_FALSE(parse_listen_address("127.0.0.1:99999").ok());
  CHECK_FALSE(parse_listen_address(":80").ok());
  CHECK_FALSE(parse_listen_address("host:8x").ok());
}
