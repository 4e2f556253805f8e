#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <optional>
#include <set>

#include "actors/network/network_actor.hpp"
#include "actors/network/registry_entity.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/region_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::network;
using namespace std::chrono_literals;

namespace {

/// A node with the registry region and the "network" actor (no tenant
/// actor: no quota enforcement).
class network_node {
public:
  network_node() {
    start();
  }
  ~network_node() {
    stop();
  }

  /// Asks the "network" actor and waits; safe from any thread (each call
  /// has its own scoped actor).
  template <class T, class... Ts>
  result<T> ask(Ts&&... xs) {
    std::optional<result<T>> out;
    caf::scoped_actor self{*system_};
    self->request(network_, 10s, std::forward<Ts>(xs)...)
      .receive([&](T value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  /// Runs `decide` on the registry and waits.
  status submit(network_client::decide_fn decide) {
    std::promise<status> done;
    client_->submit("", {}, std::move(decide), "req-test",
                    [&](status st) { done.set_value(st); });
    return done.get_future().get();
  }

  void restart() {
    stop();
    start();
  }

  std::shared_ptr<network_client> client_;
  std::shared_ptr<shared_registry> shared_;
  caf::actor network_;

  uint64_t events_written() {
    auto read = store_->read_stream("neutron/registry", 1, 10000000);
    REQUIRE(read.ok());
    return read->size();
  }

private:
  void start() {
    auto opened = store::open_rocksdb_event_store({.path = dir_.str(), .sync = false});
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
    pool_ = std::make_unique<blocking_pool>("test-pool", 2);
    config_ = testing::make_test_config();
    system_ = std::make_unique<caf::actor_system>(*config_);
    scoped_.emplace(*system_);
    shared_ = std::make_shared<shared_registry>(segment_ranges{});
    actor::region_options options;
    options.kind = std::string{registry_aggregate::kind};
    options.spawn = make_registry_spawner({store_.get(), pool_.get(), 0, shared_});
    region_ = actor::spawn_region(*system_, std::move(options));
    client_ = std::make_shared<network_client>(*system_, region_, caf::actor{},
                                               shared_);
    network_ = spawn_network_actor(*system_, client_);
  }
  void stop() {
    (*scoped_)->send_exit(network_, caf::exit_reason::user_shutdown);
    (*scoped_)->send_exit(region_, caf::exit_reason::user_shutdown);
    network_ = nullptr;
    region_ = nullptr;
    client_.reset();
    scoped_.reset();
    system_.reset();
    config_.reset();
    pool_.reset();
    store_.reset();
  }

  testing::temp_dir dir_;
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::optional<caf::scoped_actor> scoped_;
  caf::actor region_;
};

const std::string net_id = "11111111-1111-4111-8111-111111111111";

void make_network(network_node& node, const std::string& cidr) {
  REQUIRE(node.submit([](const registry& r) {
    pb::Network n;
    n.mutable_meta()->set_id(net_id);
    n.mutable_meta()->set_project_id("p1");
    n.mutable_meta()->set_name("private");
    n.set_mtu(1450);
    n.set_port_security_enabled(true);
    return r.decide_create_network(n);
  }).ok());
  REQUIRE(node.submit([cidr](const registry& r) {
    pb::Subnet s;
    s.mutable_meta()->set_id("22222222-2222-4222-8222-222222222222");
    s.mutable_meta()->set_project_id("p1");
    s.set_network_id(net_id);
    s.set_ip_version(4);
    s.set_cidr(cidr);
    s.set_gateway_ip(cidr.substr(0, cidr.rfind('.')) + ".1");
    return r.decide_create_subnet(s);
  }).ok());
}

port_request request_for(const std::string& device) {
  port_request req;
  req.project_id = "p1";
  req.network_id = net_id;
  req.device_id = device;
  req.request_id = "req-" + device;
  return req;
}

} // namespace

TEST_SUITE("actors/network/actor") {

TEST_CASE("concurrent port requests never get the same address") {
  network_node node;
  make_network(node, "10.0.0.0/24");
  constexpr int n = 120;
  std::vector<std::future<result<port_info>>> futures;
  for (int i = 0; i < n; ++i) {
    futures.push_back(std::async(std::launch::async, [&node, i] {
      return node.ask<port_info>(port_attach_atom::value,
                                 request_for("vm-" + std::to_string(i)));
    }));
  }
  std::set<std::string> ips;
  std::set<std::string> macs;
  for (auto& f : futures) {
    auto info = f.get();
    REQUIRE(info.ok());
    REQUIRE(info->fixed_ips.size() == 1);
    CHECK(ips.insert(info->fixed_ips[0].ip_address).second);
    CHECK(macs.insert(info->mac_address).second);
    CHECK(info->status == "DOWN");
    CHECK(info->network_name == "private");
    CHECK(info->security_group_ids.size() == 1);
  }
  CHECK(ips.size() == n);
}

TEST_CASE("a port is bound, plugged, listed for its device and deleted") {
  network_node node;
  make_network(node, "10.0.0.0/24");
  auto made = node.ask<port_info>(port_attach_atom::value, request_for("vm-a"));
  REQUIRE(made.ok());
  auto bound = node.ask<port_info>(port_bind_atom::value, made->id,
                                   std::string{"host-1"}, std::string{"req-b"});
  REQUIRE(bound.ok());
  CHECK(bound->host_id == "host-1");
  CHECK(bound->status == "DOWN");
  auto plugged = node.ask<port_info>(port_plugged_atom::value, made->id,
                                     std::string{"req-p"});
  REQUIRE(plugged.ok());
  CHECK(plugged->status == "ACTIVE");
  auto listed = node.ask<std::vector<port_info>>(device_ports_atom::value,
                                                 std::string{"vm-a"});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().fixed_ips[0].ip_address == made->fixed_ips[0].ip_address);
  auto gone = node.ask<bool>(port_delete_atom::value, made->id,
                             std::string{"req-d"});
  REQUIRE(gone.ok());
  auto again = node.ask<bool>(port_delete_atom::value, made->id,
                              std::string{"req-d2"});
  CHECK(again.ok());
  auto none = node.ask<std::vector<port_info>>(device_ports_atom::value,
                                               std::string{"vm-a"});
  CHECK(none->empty());
}

TEST_CASE("a port rebound to another host is DOWN until that host plugs "
          "it") {
  network_node node;
  make_network(node, "10.0.0.0/24");
  auto made = node.ask<port_info>(port_attach_atom::value, request_for("vm-a"));
  REQUIRE(made.ok());
  auto bind = [&](const std::string& host) {
    auto out = node.ask<port_info>(port_bind_atom::value, made->id, host,
                                   std::string{"req-b"});
    REQUIRE(out.ok());
    return *out;
  };
  bind("host-1");
  REQUIRE(node.ask<port_info>(port_plugged_atom::value, made->id,
                              std::string{"req-p"})
            ->status
          == "ACTIVE");
  CHECK(bind("host-1").status == "ACTIVE"); // Bound there already.
  auto moved = bind("host-2");
  CHECK(moved.host_id == "host-2");
  CHECK(moved.status == "DOWN");
  CHECK(node.ask<port_info>(port_plugged_atom::value, made->id,
                            std::string{"req-p2"})
          ->status
        == "ACTIVE");
  auto unbound = bind("");
  CHECK(unbound.host_id.empty());
  CHECK(unbound.status == "DOWN");
}

TEST_CASE("the networks a server may default to are the project's own and "
          "the shared ones") {
  network_node node;
  make_network(node, "10.0.0.0/24");
  REQUIRE(node.submit([](const registry& r) {
    pb::Network n;
    n.mutable_meta()->set_id("33333333-3333-4333-8333-333333333333");
    n.mutable_meta()->set_project_id("p2");
    n.mutable_meta()->set_name("elsewhere");
    return r.decide_create_network(n);
  }).ok());
  auto own = node.ask<std::vector<network_summary>>(
    available_networks_atom::value, std::string{"p1"});
  REQUIRE(own.ok());
  REQUIRE(own->size() == 1);
  CHECK(own->front().id == net_id);
  REQUIRE(node.submit([](const registry& r) {
    pb::Network n;
    n.mutable_meta()->set_id("44444444-4444-4444-8444-444444444444");
    n.mutable_meta()->set_project_id("p2");
    n.mutable_meta()->set_name("shared");
    n.set_shared(true);
    return r.decide_create_network(n);
  }).ok());
  auto both = node.ask<std::vector<network_summary>>(
    available_networks_atom::value, std::string{"p1"});
  REQUIRE(both->size() == 2);
  CHECK(both->at(0).id == net_id);
  CHECK(both->at(1).shared);
  auto other = node.ask<std::vector<network_summary>>(
    available_networks_atom::value, std::string{"p3"});
  REQUIRE(other->size() == 1);
  CHECK(other->front().name == "shared");
}

TEST_CASE("an explicit address in use is refused without writing events") {
  network_node node;
  make_network(node, "10.0.0.0/24");
  auto req = request_for("vm-a");
  req.fixed_ip = "10.0.0.9";
  REQUIRE(node.ask<port_info>(port_attach_atom::value, req).ok());
  auto before = node.events_written();
  req.device_id = "vm-b";
  auto dup = node.ask<port_info>(port_attach_atom::value, req);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code() == errc::conflict);
  CHECK(node.events_written() == before);
}

TEST_CASE("allocations survive a restart") {
  network_node node;
  make_network(node, "10.0.0.0/29");
  std::set<std::string> ips;
  for (int i = 0; i < 3; ++i) {
    auto p = node.ask<port_info>(port_attach_atom::value,
                                 request_for("vm-" + std::to_string(i)));
    REQUIRE(p.ok());
    ips.insert(p->fixed_ips[0].ip_address);
  }
  node.restart();
  // /29 with gateway .1: hosts .2-.6, three taken before the restart.
  for (int i = 3; i < 5; ++i) {
    auto p = node.ask<port_info>(port_attach_atom::value,
                                 request_for("vm-" + std::to_string(i)));
    REQUIRE(p.ok());
    CHECK(ips.insert(p->fixed_ips[0].ip_address).second);
  }
  auto full = node.ask<port_info>(port_attach_atom::value, request_for("vm-x"));
  REQUIRE_FALSE(full.ok());
  CHECK(split_fault(full.error()).type == "IpAddressGenerationFailure");
}

}
