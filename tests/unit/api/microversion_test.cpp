#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runtime/api/microversion.hpp"

using namespace strato::api;
using strato::http::header_list;

namespace {

microversion_policy compute() {
  return {"compute", {2, 1}, {2, 93}, {2, 1}, {"X-OpenStack-Nova-API-Version"}};
}

microversion_policy volume() {
  return {"volume", {3, 0}, {3, 70}, {3, 0}, {}};
}

negotiated_version negotiate(std::initializer_list<
                               std::pair<std::string_view, std::string_view>>
                               fields,
                             const microversion_policy& policy = compute()) {
  header_list headers;
  for (auto [name, value] : fields) {
    headers.add(name, value);
  }
  return negotiate_version(headers, policy);
}

} // namespace

TEST_CASE("versions parse with Nova's rule and compare numerically") {
  auto v = api_version::parse("2.53");
  REQUIRE(v.ok());
  CHECK(v->major == 2);
  CHECK(v->minor == 53);
  CHECK(v->to_string() == "2.53");
  CHECK(api_version::parse("2.0").ok());
  CHECK(api_version::parse("10.10").ok());
  for (auto bad : {"2.053", "02.1", "2", "2.", ".1", "2.1.0", " 2.1", "2.1 ",
                   "latest", "", "0.1", "2.-1", "2.x", "99999999999.1"}) {
    CAPTURE(bad);
    auto parsed = api_version::parse(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code() == strato::errc::invalid_argument);
  }
  CHECK(api_version::parse("2.x").error().message()
        == "API Version String 2.x is of invalid format. Must be of format "
           "MajorNum.MinorNum.");
  CHECK(api_version{2, 9} < api_version{2, 10});
  CHECK(api_version{3, 0} > api_version{2, 99});
  CHECK(api_version{2, 5}.within({2, 1}, {2, 5}));
  CHECK_FALSE(api_version{2, 6}.within({2, 1}, {2, 5}));
  CHECK(api_version{}.is_null());
}

TEST_CASE("no header negotiates the service's default") {
  auto v = negotiate({});
  REQUIRE(v.ok());
  CHECK(v.version() == api_version{2, 1});
}

TEST_CASE("the standard header names the service and its version") {
  CHECK(negotiate({{"OpenStack-API-Version", "compute 2.60"}}).version()
        == api_version{2, 60});
  CHECK(negotiate({{"openstack-api-version", "COMPUTE   2.60 "}}).version()
        == api_version{2, 60});
  CHECK(negotiate({{"OpenStack-API-Version", "compute latest"}}).version()
        == api_version{2, 93});
}

TEST_CASE("several services share the header and the last entry wins") {
  auto fields = {std::pair<std::string_view, std::string_view>{
    "OpenStack-API-Version", "volume 3.5, compute 2.10, compute 2.20"}};
  CHECK(negotiate(fields).version() == api_version{2, 20});
  CHECK(negotiate(fields, volume()).version() == api_version{3, 5});
  // Repeated header fields fold into one comma-separated list.
  CHECK(negotiate({{"OpenStack-API-Version", "compute 2.10"},
                   {"OpenStack-API-Version", "volume 3.1"}})
          .version()
        == api_version{2, 10});
  // An entry for another service only is "no version for us".
  CHECK(negotiate({{"OpenStack-API-Version", "placement 1.10"}}).version()
        == api_version{2, 1});
  CHECK(negotiate({{"OpenStack-API-Version", "compute"}}).version()
        == api_version{2, 1});
}

TEST_CASE("the legacy header counts only without a standard version") {
  CHECK(negotiate({{"X-OpenStack-Nova-API-Version", "2.30"}}).version()
        == api_version{2, 30});
  CHECK(negotiate({{"X-OpenStack-Nova-API-Version", "2.30"},
                   {"OpenStack-API-Version", "compute 2.40"}})
          .version()
        == api_version{2, 40});
  CHECK(negotiate({{"X-OpenStack-Nova-API-Version", "2.30, 2.31"}}).version()
        == api_version{2, 31});
  CHECK(negotiate({{"X-OpenStack-Nova-API-Version", "2.30"}}, volume())
          .version()
        == api_version{3, 0});
}

TEST_CASE("versions outside the range are 406 with Nova's message") {
  auto v = negotiate({{"OpenStack-API-Version", "compute 2.99"}});
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().http_status == 406);
  CHECK(v.error().message
        == "Version 2.99 is not supported by the API. Minimum is 2.1 and "
           "maximum is 2.93.");
  auto low = negotiate({{"X-OpenStack-Nova-API-Version", "2.0"}});
  REQUIRE_FALSE(low.ok());
  CHECK(low.error().http_status == 406);
  auto huge = negotiate({{"OpenStack-API-Version", "compute 2.99999999999"}});
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().http_status == 406);
  CHECK(huge.error().message.starts_with("Version 2.99999999999 is not"));
}

TEST_CASE("malformed versions are 400 with Nova's message") {
  auto v = negotiate({{"OpenStack-API-Version", "compute 2.x"}});
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().http_status == 400);
  CHECK(v.error().message
        == "API Version String 2.x is of invalid format. Must be of format "
           "MajorNum.MinorNum.");
  CHECK(negotiate({{"OpenStack-API-Version", "compute Latest"}})
          .error()
          .http_status
        == 400);
  auto empty = negotiate({{"X-OpenStack-Nova-API-Version", ""}});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message
        == "API Version String  is of invalid format. Must be of format "
           "MajorNum.MinorNum.");
}

TEST_CASE("responses echo the version and vary on the version headers") {
  header_list out;
  add_version_headers(out, compute(), {2, 60});
  CHECK(out.get("OpenStack-API-Version") == "compute 2.60");
  CHECK(out.get("X-OpenStack-Nova-API-Version") == "2.60");
  CHECK(out.get("Vary")
        == "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
  header_list placement;
  add_version_headers(placement, {"placement", {1, 0}, {1, 39}, {1, 0}, {}},
                      {1, 10});
  CHECK(placement.get("OpenStack-API-Version") == "placement 1.10");
  CHECK(placement.get("Vary") == "OpenStack-API-Version");
  CHECK(placement.size() == 2);
  header_list none;
  add_version_headers(none, compute(), {});
  CHECK(none.empty());
}

TEST_CASE("a version error renders in the service's fault format") {
  strato::http::request req;
  req.request_id = "req-1";
  auto r = error_response({406, "Version 2.99 is not supported."},
                          strato::http::service_flavor::compute, req);
  CHECK(r.status == 406);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["computeFault"]["code"] == 406);
  CHECK(body["computeFault"]["message"] == "Version 2.99 is not supported.");
}
