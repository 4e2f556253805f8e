#include <doctest/doctest.h>

#include "runtime/http/parse.hpp"

// parse_request lives in strato_http; it is tested here, beside the
// fuzzer's other surfaces, because it exists for the fuzz harness.

using namespace strato::http;

TEST_CASE("a complete request parses as the server would convert it") {
  auto req = parse_request("POST /compute/v2.1/servers%2Fx?limit=2&name=a+b "
                           "HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
                           "X-Auth-Token: t\r\n\r\n{}",
                           1024);
  REQUIRE(req.ok());
  CHECK(req->method == method::post);
  CHECK(req->target == "/compute/v2.1/servers%2Fx?limit=2&name=a+b");
  CHECK(req->path == "/compute/v2.1/servers/x");
  CHECK(req->query("name") == "a b");
  CHECK(req->header("x-auth-token") == "t");
  CHECK(req->body == "{}");
  CHECK(req->request_id.starts_with("req-"));
}

TEST_CASE("chunked bodies are reassembled") {
  auto req = parse_request("PUT /x HTTP/1.1\r\nHost: h\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n"
                           "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                           1024);
  REQUIRE(req.ok());
  CHECK(req->body == "abcde");
  CHECK(req->method == method::put);
}

TEST_CASE("incomplete, malformed and oversized requests fail") {
  auto partial = parse_request("GET /x HTTP/1.1\r\nHost:", 1024);
  REQUIRE_FALSE(partial.ok());
  CHECK(partial.error().message().starts_with("Malformed HTTP request: "));
  auto short_body = parse_request(
    "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 1024);
  CHECK_FALSE(short_body.ok());
  CHECK_FALSE(parse_request("NOT HTTP\r\n\r\n", 1024).ok());
  CHECK_FALSE(parse_request("", 1024).ok());
  auto large = parse_request(
    "POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'a'),
    10);
  REQUIRE_FALSE(large.ok());
  CHECK(large.error().message() == "Request is too large.");
}

TEST_CASE("unknown methods parse and are left to the server to refuse") {
  auto req = parse_request("BREW /pot HTTP/1.1\r\n\r\n", 1024);
  REQUIRE(req.ok());
  CHECK(req->method == method::unknown);
}
