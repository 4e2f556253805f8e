#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include "drivers/network/ovsdb/client.hpp"
#include "drivers/network/ovsdb/values.hpp"
#include "tests/unit/ovs/ovsdb_fixture.hpp"

using namespace strato::network;
using ovsdb::json;
using strato::errc;

namespace {

constexpr std::chrono::seconds timeout{5};

std::unique_ptr<ovsdb::client> connect(const strato::testing::ovsdb_fixture& db) {
  auto opened = ovsdb::client::connect(db.remote(), timeout);
  REQUIRE_MESSAGE(opened.ok(), opened.error().describe());
  return std::move(*opened);
}

json insert_bridge(const std::string& name) {
  return json::array({{{"op", "insert"}, {"table", "Bridge"},
                       {"row", {{"name", name}}}, {"uuid-name", "br"}},
                      {{"op", "insert"}, {"table", "Open_vSwitch"},
                       {"row", {{"bridges", ovsdb::set(json::array(
                                  {ovsdb::named_uuid("br")}))}}}}});
}

} // namespace

TEST_SUITE("drivers/network/ovsdb") {

TEST_CASE("list_dbs, get_schema and echo answer from a real ovsdb-server") {
  strato::testing::ovsdb_fixture db;
  STRATO_SKIP_WITHOUT_OVSDB(db);
  auto client = connect(db);
  auto dbs = client->list_dbs();
  REQUIRE(dbs.ok());
  CHECK(std::find(dbs->begin(), dbs->end(), "Open_vSwitch") != dbs->end());
  auto schema = client->get_schema("Open_vSwitch");
  REQUIRE(schema.ok());
  CHECK((*schema)["tables"].contains("Interface"));
  CHECK(client->echo().ok());
}

TEST_CASE("a transaction inserts with named uuids and selects what it wrote") {
  strato::testing::ovsdb_fixture db;
  STRATO_SKIP_WITHOUT_OVSDB(db);
  auto client = connect(db);
  auto inserted = client->transact("Open_vSwitch", insert_bridge("br-test"));
  REQUIRE_MESSAGE(inserted.ok(), inserted.error().describe());
  auto selected = client->transact(
    "Open_vSwitch", json::array({{{"op", "select"}, {"table", "Bridge"},
                                  {"where", ovsdb::where_name("br-test")},
                                  {"columns", json::array({"name"})}}}));
  REQUIRE(selected.ok());
  CHECK((*selected)[0]["rows"].size() == 1);
}

TEST_CASE("update, mutate and delete change the rows they match") {
  strato::testing::ovsdb_fixture db;
  STRATO_SKIP_WITHOUT_OVSDB(db);
  auto client = connect(db);
  REQUIRE(client->transact("Open_vSwitch", insert_bridge("br-x")).ok());
  auto changed = client->transact(
    "Open_vSwitch",
    json::array({{{"op", "update"}, {"table", "Bridge"},
                  {"where", ovsdb::where_name("br-x")},
                  {"row", {{"datapath_type", "netdev"}}}},
                 {{"op", "mutate"}, {"table", "Open_vSwitch"}, {"where", json::array()},
                  {"mutations", json::array({json::array({"next_cfg", "+=", 1})})}}}));
  REQUIRE(changed.ok());
  CHECK((*changed)[0]["count"] == 1);
  CHECK((*changed)[1]["count"] == 1);
  // Open_vSwitch is a root table: its row can be deleted outright, and the
  // bridge it alone referenced is garbage-collected with it.
  auto deleted = client->transact(
    "Open_vSwitch", json::array({{{"op", "delete"}, {"table", "Open_vSwitch"},
                                  {"where", json::array()}}}));
  REQUIRE(deleted.ok());
  CHECK((*deleted)[0]["count"] == 1);
  auto left = client->transact(
    "Open_vSwitch", json::array({{{"op", "select"}, {"table", "Bridge"},
                                  {"where", json::array()}}}));
  REQUIRE(left.ok());
  CHECK((*left)[0]["rows"].empty());
}

TEST_CASE("a failed wait aborts the transaction as a conflict") {
  strato::testing::ovsdb_fixture db;
  STRATO_SKIP_WITHOUT_OVSDB(db);
  auto client = connect(db);
  auto ops = insert_bridge("br-wait");
  // Wait for a bridge that does not exist: the whole transaction fails.
  ops.insert(ops.begin(), json{{"op", "wait"}, {"table", "Bridge"}, {"timeout", 0},
                              {"where", ovsdb::where_name("br-none")},
                              {"columns", json::array({"name"})}, {"until", "=="},
                              {"rows", json::array({{{"name", "br-none"}}})}});
  auto outcome = client->transact("Open_vSwitch", ops);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code() == errc::conflict);
  auto selected = client->transact(
    "Open_vSwitch", json::array({{{"op", "select"}, {"table", "Bridge"},
                                  {"where", json::array()}}}));
  CHECK((*selected)[0]["rows"].empty());
}

TEST_CASE("a malformed operation is an invalid argument") {
  strato::testing::ovsdb_fixture db;
  STRATO_SKIP_WITHOUT_OVSDB(db);
  auto client = connect(db);
  auto outcome = client->transact(
    "Open_vSwitch", json::array({{{"op", "insert"}, {"table", "Bridge"},
                                  {"row", {{"no_such_column", 1}}}}}));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code() == errc::invalid_argument);
}

TEST_CASE("a monitor reports rows that another connection inserts") {
  strato::testing::ovsdb_fixture db;
  STRATO_SKIP_WITHOUT_OVSDB(db);
  auto watcher = connect(db);
  auto writer = connect(db);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> names;
  auto initial = watcher->monitor(
    "Open_vSwitch", "bridges",
    json{{"Bridge", {{"columns", json::array({"name"})}}}},
    [&](const json& updates) {
      std::lock_guard guard{mutex};
      for (const auto& [uuid, change] : updates["Bridge"].items()) {
        names.push_back(change["new"]["name"].get<std::string>());
      }
      changed.notify_all();
    });
  REQUIRE(initial.ok());
  CHECK(initial->empty());
  REQUIRE(writer->transact("Open_vSwitch", insert_bridge("br-mon")).ok());
  std::unique_lock lock{mutex};
  REQUIRE(changed.wait_for(lock, timeout, [&] { return !names.empty(); }));
  CHECK(names == std::vector<std::string>{"br-mon"});
}

TEST_CASE("calls fail as unavailable once the server is gone") {
  auto client = std::make_unique<strato::testing::ovsdb_fixture>();
  STRATO_SKIP_WITHOUT_OVSDB(*client);
  auto conn = connect(*client);
  client.reset();
  auto outcome = conn->list_dbs();
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code() == errc::unavailable);
}

TEST_CASE("connecting to nothing is unavailable, to a bad remote invalid") {
  auto none = ovsdb::client::connect("unix:/nonexistent/db.sock", timeout);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code() == errc::unavailable);
  auto bad = ovsdb::client::connect("ssl:1.2.3.4", timeout);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == errc::invalid_argument);
}

}
