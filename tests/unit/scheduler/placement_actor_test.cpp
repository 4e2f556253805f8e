// The scheduler actors: claims through CAF under concurrency, restart from
// the event streams, generation conflicts, the protocol's allocation moves.

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "actors/scheduler/placement/scheduler_client.hpp"
#include "runtime/actor/ask.hpp"
#include "tests/unit/scheduler/placement_node.hpp"

using namespace strato;
using namespace strato::scheduler;
using strato::testing::placement_node;

namespace {

compute_host host(std::string name, int64_t vcpus, int64_t ram_mb = 16384) {
  compute_host h;
  h.hostname = std::move(name);
  h.vcpus = vcpus;
  h.memory_mb = ram_mb;
  h.disk_gb = 100;
  h.cpu_allocation_ratio = 1.0;
  return h;
}

destination_request boot(std::vector<std::string> uuids, int64_t vcpus,
                         uint32_t min_count = 0) {
  destination_request req;
  req.min_count = min_count == 0 ? static_cast<uint32_t>(uuids.size()) : min_count;
  req.instance_uuids = std::move(uuids);
  req.project_id = "p1";
  req.user_id = "u1";
  req.flavor = {"f", vcpus, 512, 1, 0, 0, {}};
  req.request_id = "req-" + req.instance_uuids.front();
  return req;
}

void register_hosts(placement_node& node, int count, int64_t vcpus) {
  for (int i = 0; i < count; ++i) {
    auto reg = node.ask<host_registration>(register_host_atom::value,
                                           host("host" + std::to_string(i), vcpus));
    REQUIRE_MESSAGE(reg.ok(), reg.error().describe());
  }
}

std::map<std::string, int64_t> vcpus_used(placement_node& node) {
  auto hosts = node.ask<std::vector<host_summary>>(list_hosts_atom::value);
  REQUIRE(hosts.ok());
  std::map<std::string, int64_t> out;
  for (auto& h : *hosts) {
    CHECK(h.used["VCPU"] <= h.capacity["VCPU"]);
    out[h.hostname] = h.used["VCPU"];
  }
  return out;
}

} // namespace

TEST_SUITE("actors/scheduler/placement") {

TEST_CASE("a registered host receives an instance and its claimed allocation") {
  placement_node node;
  register_hosts(node, 1, 8);
  auto placed = node.ask<destinations>(select_destinations_atom::value, boot({"i1"}, 2));
  REQUIRE_MESSAGE(placed.ok(), placed.error().describe());
  REQUIRE(placed->placed.size() == 1);
  const auto& d = placed->placed.front();
  CHECK(d.instance_uuid == "i1");
  CHECK(d.hostname == "host0");
  CHECK(d.availability_zone == "nova");
  CHECK(d.allocations.at(d.provider_uuid).at("VCPU") == 2);
  CHECK(d.allocations.at(d.provider_uuid).at("MEMORY_MB") == 512);
  auto allocs = node.ask<allocation_map>(get_allocations_atom::value, std::string{"i1"});
  REQUIRE(allocs.ok());
  CHECK(*allocs == d.allocations);
}

TEST_CASE("re-registering a host with the same values writes nothing") {
  placement_node node;
  register_hosts(node, 1, 8);
  auto before = node.store().last_position();
  register_hosts(node, 1, 8);
  CHECK(node.store().last_position() == before);
}

TEST_CASE("many concurrent claims never push a host over capacity") {
  placement_node node(3);
  const int hosts = 10;
  const int per_host = 4;
  register_hosts(node, hosts, per_host);
  const int requests = 200;
  std::atomic<int> answered{0};
  std::atomic<int> placed{0};
  std::atomic<int> no_host{0};
  for (int i = 0; i < requests; ++i) {
    auto req = boot({"c" + std::to_string(i)}, 1);
    actor::ask<destinations>(node.system(), node.scheduler(),
                             caf::make_message(select_destinations_atom::value, req),
                             std::chrono::seconds{30}, [&](result<destinations> r) {
                               if (r.ok()) {
                                 placed += static_cast<int>(r->placed.size());
                               } else if (r.error().code() == errc::not_found) {
                                 no_host += 1;
                               }
                               answered += 1;
                             });
  }
  while (answered.load() < requests) {
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  CHECK(placed.load() == hosts * per_host);
  CHECK(no_host.load() == requests - hosts * per_host);
  for (auto& [name, used] : vcpus_used(node)) {
    CHECK_MESSAGE(used == per_host, name);
  }
}

TEST_CASE("a failed placement explains which filter removed the hosts") {
  placement_node node;
  register_hosts(node, 4, 2);
  auto r = node.ask<destinations>(select_destinations_atom::value, boot({"big"}, 8));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == errc::not_found);
  CHECK(r.error().message().find("No valid host was found.") == 0);
  CHECK(r.error().message().find("ResourceFilter") != std::string::npos);
}

TEST_CASE("a multi-create that cannot place min_count places nothing") {
  placement_node node;
  register_hosts(node, 2, 2);
  auto r = node.ask<destinations>(select_destinations_atom::value,
                                  boot({"m1", "m2", "m3", "m4", "m5"}, 1));
  REQUIRE_FALSE(r.ok());
  for (auto& [name, used] : vcpus_used(node)) {
    CHECK_MESSAGE(used == 0, name);
  }
  auto some = node.ask<destinations>(select_destinations_atom::value,
                                     boot({"m1", "m2", "m3", "m4", "m5"}, 1, 2));
  REQUIRE(some.ok());
  CHECK(some->placed.size() >= 2);
  CHECK(some->placed.size() <= 4);
}

TEST_CASE("a restart rebuilds hosts and allocations from the event streams") {
  placement_node node;
  register_hosts(node, 6, 4);
  std::map<std::string, allocation_map> before;
  for (int i = 0; i < 10; ++i) {
    auto id = "r" + std::to_string(i);
    auto r = node.ask<destinations>(select_destinations_atom::value, boot({id}, 1));
    REQUIRE(r.ok());
    before[id] = r->placed.front().allocations;
  }
  REQUIRE(node.ask<bool>(free_allocations_atom::value, std::string{"r3"}).ok());
  REQUIRE(node.ask<bool>(set_host_enabled_atom::value, std::string{"host1"}, false).ok());
  auto usage = vcpus_used(node);
  node.restart();
  CHECK(vcpus_used(node) == usage);
  for (auto& [id, allocs] : before) {
    auto now = node.ask<allocation_map>(get_allocations_atom::value, id);
    REQUIRE(now.ok());
    CHECK(*now == (id == "r3" ? allocation_map{} : allocs));
  }
  auto hosts = node.ask<std::vector<host_summary>>(list_hosts_atom::value);
  REQUIRE(hosts.ok());
  for (auto& h : *hosts) {
    CHECK(h.enabled == (h.hostname != "host1"));
  }
}

TEST_CASE("a disabled or down host receives no instances") {
  placement_node node;
  register_hosts(node, 2, 4);
  REQUIRE(node.ask<bool>(set_host_enabled_atom::value, std::string{"host0"}, false).ok());
  REQUIRE(node.ask<bool>(set_host_up_atom::value, std::string{"host1"}, false).ok());
  auto r = node.ask<destinations>(select_destinations_atom::value, boot({"x"}, 1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("ComputeFilter") != std::string::npos);
  REQUIRE(node.ask<bool>(set_host_up_atom::value, std::string{"host1"}, true).ok());
  r = node.ask<destinations>(select_destinations_atom::value, boot({"x"}, 1));
  REQUIRE(r.ok());
  CHECK(r->placed.front().hostname == "host1");
  CHECK_FALSE(node.ask<bool>(set_host_up_atom::value, std::string{"nohost"}, true).ok());
}

TEST_CASE("moving allocations to a migration and back keeps usage") {
  placement_node node;
  register_hosts(node, 2, 4);
  auto r = node.ask<destinations>(select_destinations_atom::value, boot({"vm"}, 2));
  REQUIRE(r.ok());
  auto allocs = r->placed.front().allocations;
  REQUIRE(node.ask<bool>(move_allocations_atom::value, std::string{"vm"},
                         std::string{"mig"}).ok());
  CHECK(node.ask<allocation_map>(get_allocations_atom::value, std::string{"vm"})->empty());
  CHECK(*node.ask<allocation_map>(get_allocations_atom::value, std::string{"mig"})
        == allocs);
  auto missing = node.ask<bool>(move_allocations_atom::value, std::string{"vm"},
                                std::string{"x"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == errc::not_found);
  REQUIRE(node.ask<bool>(move_allocations_atom::value, std::string{"mig"},
                         std::string{"vm"}).ok());
  CHECK(*node.ask<allocation_map>(get_allocations_atom::value, std::string{"vm"})
        == allocs);
  // Replacing: a resize onto the same host.
  auto provider = allocs.begin()->first;
  consumer_claim bigger{"vm", "p1", "u1", {{provider, {{"VCPU", 4}, {"MEMORY_MB", 512}}}}};
  REQUIRE(node.ask<bool>(replace_allocations_atom::value, bigger).ok());
  consumer_claim too_big{"vm", "p1", "u1", {{provider, {{"VCPU", 5}}}}};
  auto over = node.ask<bool>(replace_allocations_atom::value, too_big);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code() == errc::conflict);
  REQUIRE(node.ask<bool>(free_allocations_atom::value, std::string{"vm"}).ok());
  REQUIRE(node.ask<bool>(free_allocations_atom::value, std::string{"vm"}).ok());
  for (auto& [name, used] : vcpus_used(node)) {
    CHECK_MESSAGE(used == 0, name);
  }
}

TEST_CASE("a write with a stale provider generation conflicts and records nothing") {
  placement_node node(1);
  register_hosts(node, 1, 4);
  auto before = node.store().last_position();
  shard_command stale{[](shard_state& s) -> result<caf::message> {
    auto uuid = s.hosts().host_provider(0).uuid;
    auto gen = s.hosts().host_provider(0).generation;
    inventory_set inv{uuid, gen + 7, {{"VCPU", inventory{8, 0, 1, 8, 1, 1.0}}}};
    if (auto st = s.record(change{inv}); !st.ok()) {
      return st;
    }
    return caf::make_message(std::string{"ok"});
  }};
  auto r = node.ask<std::string>(shard_run_atom::value, uint32_t{0}, stale);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == errc::conflict);
  CHECK(node.store().last_position() == before);
}

TEST_CASE("anti-affinity spreads a group's members over distinct hosts") {
  // A group's decisions go to one shard first; one shard holds all hosts here.
  placement_node node(1);
  register_hosts(node, 3, 8);
  auto req = boot({"g1", "g2", "g3"}, 1);
  req.server_group = "group-a";
  req.server_group_policy = "anti-affinity";
  req.server_group_members = req.instance_uuids;
  auto r = node.ask<destinations>(select_destinations_atom::value, req);
  REQUIRE_MESSAGE(r.ok(), r.error().describe());
  std::set<std::string> hosts;
  for (auto& d : r->placed) {
    hosts.insert(d.hostname);
  }
  CHECK(hosts.size() == 3);
  auto fourth = boot({"g4"}, 1);
  fourth.server_group = "group-a";
  fourth.server_group_policy = "anti-affinity";
  fourth.server_group_members = {"g1", "g2", "g3", "g4"};
  auto full = node.ask<destinations>(select_destinations_atom::value, fourth);
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().message().find("ServerGroupAntiAffinityFilter") != std::string::npos);
}

}
