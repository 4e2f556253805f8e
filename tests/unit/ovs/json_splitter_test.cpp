#include <doctest/doctest.h>

#include "drivers/network/ovsdb/json_splitter.hpp"

using strato::network::ovsdb::json_splitter;

TEST_SUITE("drivers/network/ovsdb") {

TEST_CASE("concatenated messages split whole, whatever the chunking") {
  std::string stream = R"({"id":1,"result":[]} {"method":"update","params":["m",{"a":{}}]})"
                       "\n[1,2]";
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    json_splitter splitter;
    std::vector<std::string> messages;
    for (size_t at = 0; at < stream.size(); at += chunk) {
      for (auto& m : splitter.feed(std::string_view{stream}.substr(at, chunk))) {
        messages.push_back(m);
      }
    }
    REQUIRE(messages.size() == 3);
    CHECK(messages[0] == R"({"id":1,"result":[]})");
    CHECK(messages[2] == "[1,2]");
    CHECK(splitter.pending() == 0);
  }
}

TEST_CASE("braces and escaped quotes inside strings do not end a message") {
  json_splitter splitter;
  auto messages = splitter.feed(R"({"s":"}{\"]","t":"\\"})");
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == R"({"s":"}{\"]","t":"\\"})");
}

TEST_CASE("a partial message waits for its end") {
  json_splitter splitter;
  CHECK(splitter.feed(R"({"id":1,"res)").empty());
  CHECK(splitter.pending() > 0);
  auto messages = splitter.feed(R"(ult":null})");
  REQUIRE(messages.size() == 1);
}

TEST_CASE("bytes outside a JSON object or array fail the stream") {
  json_splitter splitter;
  CHECK(splitter.feed("{} x {}").size() == 1);
  CHECK(splitter.failed());
}

}
