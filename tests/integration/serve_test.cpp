// `strato serve` as a user starts it: a real process on a free loopback port.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <regex>

#include <boost/asio/ip/tcp.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
using strato::testing::child_process;
using strato::testing::http_client;
using strato::testing::temp_dir;

namespace {

uint16_t port_of(const std::string& out) {
  std::smatch match;
  std::regex pattern{R"(listening on https?://127\.0\.0\.1:(\d+))"};
  if (!std::regex_search(out, match, pattern)) {
    return 0;
  }
  return static_cast<uint16_t>(std::stoi(match[1].str()));
}

std::vector<std::string> serve_args(const std::string& data_dir,
                                    const std::string& listen) {
  return {STRATO_BINARY, "serve", "--data-dir", data_dir, "--listen", listen};
}

} // namespace

TEST_CASE("serve answers on its port and stops cleanly on SIGTERM") {
  temp_dir dir;
  child_process node{serve_args(dir.str() + "/data", "127.0.0.1:0"),
                     dir.str()};
  REQUIRE_MESSAGE(node.wait_for_output("listening on", 30s), node.err());
  auto port = port_of(node.out());
  REQUIRE(port != 0);
  http_client client{port};
  auto health = client.request("GET", "/healthcheck");
  CHECK(health.status == 200);
  CHECK(health.body == "OK");
  auto anonymous = client.request("GET", "/volume/v3/volumes");
  CHECK(anonymous.status == 401);
  CHECK(nlohmann::json::parse(anonymous.body)["error"]["code"] == 401);
  CHECK(anonymous.header("x-openstack-request-id").rfind("req-", 0) == 0);
  auto versions = client.request("GET", "/compute/v2.1");
  CHECK(versions.status == 200);
  CHECK(nlohmann::json::parse(versions.body)["version"]["version"] == "2.93");
  node.signal(SIGTERM);
  CHECK(node.wait(30s) == 0);
}

TEST_CASE("serve exits non-zero naming the port when the port is taken") {
  temp_dir dir;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor holder{
    io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  auto taken = holder.local_endpoint().port();
  child_process node{
    serve_args(dir.str() + "/data", "127.0.0.1:" + std::to_string(taken)),
    dir.str()};
  auto code = node.wait(30s);
  REQUIRE(code);
  CHECK(*code != 0);
  CHECK(node.err().find("cannot listen on 127.0.0.1:" + std::to_string(taken))
        != std::string::npos);
}

TEST_CASE("serve exits non-zero when the data directory is unusable") {
  temp_dir dir;
  auto file = dir.str() + "/a-file";
  std::ofstream{file} << "not a directory";
  child_process node{serve_args(file + "/data", "127.0.0.1:0"), dir.str()};
  auto code = node.wait(30s);
  REQUIRE(code);
  CHECK(*code != 0);
  CHECK(node.err().find("data directory") != std::string::npos);
  CHECK(node.err().find("unusable") != std::string::npos);
}

TEST_CASE("a second node on the same data directory is refused") {
  temp_dir dir;
  child_process first{serve_args(dir.str() + "/data", "127.0.0.1:0"),
                      dir.str()};
  REQUIRE(first.wait_for_output("listening on", 30s));
  child_process second{serve_args(dir.str() + "/data", "127.0.0.1:0"),
                       dir.str()};
  auto code = second.wait(30s);
  REQUIRE(code);
  CHECK(*code != 0);
  CHECK(second.err().find("another strato node") != std::string::npos);
}

TEST_CASE("settings come from the config file and the environment") {
  temp_dir dir;
  auto config = dir.str() + "/strato.toml";
  std::ofstream{config} << "data-dir = \"" << dir.str() << "/from-file\"\n"
                        << "listen = \"127.0.0.1:1\"\n";
  // The environment overrides the file; the flag would override both.
  child_process node{{STRATO_BINARY, "serve", "--config", config}, dir.str(),
                     {"STRATO_LISTEN=127.0.0.1:0"}};
  REQUIRE_MESSAGE(node.wait_for_output("listening on", 30s), node.err());
  CHECK(std::filesystem::exists(dir.str() + "/from-file/events"));
  node.signal(SIGINT);
  CHECK(node.wait(30s) == 0);
}

TEST_CASE("unknown flags are a usage error") {
  temp_dir dir;
  child_process node{{STRATO_BINARY, "serve", "--no-such-flag"}, dir.str()};
  auto code = node.wait(30s);
  REQUIRE(code);
  CHECK(*code != 0);
}
