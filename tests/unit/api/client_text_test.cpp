#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runtime/api/json_schema.hpp"
#include "runtime/api/microversion.hpp"
#include "runtime/api/pagination.hpp"
#include "runtime/api/params.hpp"
#include "runtime/api/utf8.hpp"
#include "runtime/http/errors.hpp"

using namespace strato::api;

namespace {

/// Error bodies are JSON, and nlohmann refuses to serialize invalid UTF-8:
/// a message quoting raw client bytes would throw out of the handler.
void check_renders(const std::string& message) {
  strato::http::request req;
  auto r = strato::http::make_error(strato::http::service_flavor::compute,
                                    400, message, req);
  CHECK(nlohmann::json::parse(r.body).is_object());
}

} // namespace

TEST_CASE("invalid UTF-8 becomes U+FFFD, valid text is untouched") {
  CHECK(valid_utf8("plain") == "plain");
  CHECK(valid_utf8("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(valid_utf8("a\xff" "b") == "a\xef\xbf\xbd" "b");
  CHECK(valid_utf8("\xe4\xb8") == "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("messages that quote query and header bytes stay valid UTF-8") {
  strato::http::param_list query;
  query.add("sort_key", "\xff");
  auto sort = parse_sort(query, {.allowed_keys = {"name"}});
  REQUIRE_FALSE(sort.ok());
  check_renders(sort.error().message());

  strato::http::param_list dirs;
  dirs.add("sort_dir", "\xc3");
  check_renders(parse_sort(dirs, {}).error().message());

  check_renders(marker_not_found("\x80\x81").message());
  check_renders(parse_bool_param("flag", "\xfe").error().message());

  strato::http::header_list headers;
  headers.add("OpenStack-API-Version", "compute 2.\xff");
  auto version = negotiate_version(
    headers, {"compute", {2, 1}, {2, 93}, {2, 1}, {}});
  REQUIRE_FALSE(version.ok());
  check_renders(version.error().message);

  auto s = schema::compile({{"type", "object"},
                            {"additionalProperties",
                             {{"type", "array"},
                              {"items", {{"pattern", "^[a-z]+$"}}}}}});
  REQUIRE(s.ok());
  strato::http::param_list bad;
  bad.add("k\xff", "v\xfe");
  for (auto style : {message_style::nova_body, message_style::nova_query,
                     message_style::keystone}) {
    auto st = s->validate(query_to_json(bad), style);
    REQUIRE_FALSE(st.ok());
    check_renders(st.message());
  }
}
