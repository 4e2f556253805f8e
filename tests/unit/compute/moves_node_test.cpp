// Moves with the real host gateway and compute agents over two fake
// hypervisors, and in-memory network and volume services: what each host,
// port and volume ends up with after a boot, a migration, a revert, a live
// migration, a failed move and a failed boot.

#include <doctest/doctest.h>

#include <optional>

#include "actors/compute/entity/host_gateway.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/compute_agent/agent_router.hpp"
#include "actors/compute_agent/host_agent.hpp"
#include "drivers/hypervisor/fake_hypervisor.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/region_fixture.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/compute/test_services.hpp"

using namespace strato;
using namespace strato::compute;
using strato::testing::eventually;

namespace {

const std::string server_id = "5a1e1e6c-7d39-4a4e-9d3a-0c1f1b2a3c4d";
const std::string vol_id = "0d7f4a3e-2b1c-4e5f-8a9b-111111111111";

/// Two compute hosts with agents, the gateway, the services, the region.
class cloud {
public:
  cloud() {
    auto opened = store::open_rocksdb_event_store(
      {.path = dir_.str(), .sync = false});
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
    pool_ = std::make_unique<blocking_pool>("test-pool", 2);
    hv_pool_ = std::make_shared<blocking_pool>("test-hv", 2);
    config_ = testing::make_test_config();
    system_ = std::make_unique<caf::actor_system>(*config_);
    scoped_.emplace(*system_);
    auto peers = hypervisor::make_fake_host_registry();
    std::map<std::string, caf::actor> agents;
    for (const auto* name : {"host-1", "host-2"}) {
      hypervisor::fake_options fake;
      fake.hostname = name;
      fake.peers = peers;
      auto driver = std::make_shared<hypervisor::fake_hypervisor>(fake);
      hosts_.emplace(name, driver);
      compute_agent::agent_options options;
      options.hostname = name;
      options.driver = driver;
      options.pool = hv_pool_;
      options.power_sync_interval = std::chrono::milliseconds{0};
      agents.emplace(name, compute_agent::spawn_host_agent(*system_, options));
    }
    router_ = compute_agent::spawn_agent_router(*system_, agents);
    network_ = system_->spawn(testing::test_network_service, ports);
    volume_ = system_->spawn(testing::test_volume_service, volumes);
    gateway_options gw;
    gw.compute_agent = router_;
    gw.network = network_;
    gw.volume = volume_;
    gateway_ = spawn_host_gateway(*system_, gw);
    auto env = std::make_shared<instance_env>();
    env->host_gateway = gateway_;
    env->volume = volume_;
    actor::region_options options;
    options.kind = "instance";
    options.spawn = actor::make_spawner<instance_aggregate>(
      {store_.get(), pool_.get(), 0, env}, instance_behavior);
    region_ = actor::spawn_region(*system_, std::move(options));
  }

  ~cloud() {
    for (auto* a : {&region_, &gateway_, &network_, &volume_, &router_}) {
      (*scoped_)->send_exit(*a, caf::exit_reason::user_shutdown);
    }
    scoped_.reset();
    hv_pool_.reset();
    system_.reset();
    pool_.reset();
    store_.reset();
  }

  template <class T, class... Ts>
  result<T> ask(Ts&&... xs) {
    std::optional<result<T>> out;
    (*scoped_)
      ->request(region_, std::chrono::seconds{10}, server_id,
                caf::make_message(std::forward<Ts>(xs)...))
      .receive([&](T value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  instance_model state() {
    instance_model m;
    auto bytes = ask<std::string>(get_atom::value);
    REQUIRE(bytes.ok());
    REQUIRE(m.restore(std::string_view{*bytes}).ok());
    return m;
  }

  bool reaches(std::string_view status) {
    return eventually([&] {
      auto m = state();
      return api_status(m) == status && m.task_state.empty();
    });
  }

  void act(action_kind kind, pb::Flavor flavor = {}) {
    action_request req;
    req.kind = kind;
    req.request_id = "req-" + std::to_string(++requests_);
    req.new_flavor = std::move(flavor);
    REQUIRE(ask<bool>(action_atom::value, req).ok());
  }

  /// Boots a server on a network (host-1, the first round-robin pick).
  void boot(pb::InstanceCreated created = {}) {
    created.set_id(server_id);
    created.set_name("vm");
    created.set_project_id("p");
    created.mutable_flavor()->set_id("1");
    created.add_requested_networks()->set_network_id("net-1");
    REQUIRE(ask<bool>(create_atom::value, created.SerializeAsString(),
                      std::string{"req-boot"})
              .ok());
  }

  void attach_volume() {
    volumes->add(vol_id);
    volume_attach_request req;
    req.volume_id = vol_id;
    req.request_id = "req-attach";
    req.bdm_uuid = "bdm-1";
    REQUIRE(ask<std::string>(volume_attach_atom::value, req).ok());
    REQUIRE(eventually([&] {
      auto v = volumes->find(vol_id);
      return v && v->status == "in-use";
    }));
  }

  hypervisor::fake_hypervisor& host(const std::string& name) {
    return *hosts_.at(name);
  }

  /// The server's only port, as the network service has it.
  testing::test_port port() {
    auto m = state();
    REQUIRE(m.ports.size() == 1);
    auto p = ports->find(m.ports[0].port_id());
    REQUIRE(p);
    return *p;
  }

  std::shared_ptr<testing::port_book> ports
    = std::make_shared<testing::port_book>();
  std::shared_ptr<testing::volume_book> volumes
    = std::make_shared<testing::volume_book>();

private:
  testing::temp_dir dir_;
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::shared_ptr<blocking_pool> hv_pool_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::optional<caf::scoped_actor> scoped_;
  std::map<std::string, std::shared_ptr<hypervisor::fake_hypervisor>> hosts_;
  caf::actor router_;
  caf::actor network_;
  caf::actor volume_;
  caf::actor gateway_;
  caf::actor region_;
  int requests_ = 0;
};

bool has_disk(const hypervisor::instance_spec& spec, const std::string& id) {
  return std::any_of(spec.volumes.begin(), spec.volumes.end(),
                     [&](const auto& d) { return d.volume_id == id; });
}

pb::Flavor small_flavor() {
  pb::Flavor f;
  f.set_id("2");
  f.set_name("m1.small");
  f.set_vcpus(1);
  f.set_ram_mb(2048);
  f.set_disk_gb(20);
  return f;
}

} // namespace

TEST_SUITE("actors/compute/moves on hosts") {
  TEST_CASE("a migrated server's port and volume follow it to the new host "
            "and leave the old one") {
    cloud c;
    c.boot();
    REQUIRE(c.reaches("ACTIVE"));
    c.attach_volume();
    REQUIRE(c.state().host == "host-1");
    c.act(action_kind::migrate);
    REQUIRE(c.reaches("VERIFY_RESIZE"));
    auto m = c.state();
    CHECK(m.host == "host-2");
    CHECK(c.port().host == "host-2");
    CHECK(c.port().status == "ACTIVE");
    CHECK(c.volumes->find(vol_id)->host == "host-2");
    CHECK(c.volumes->find(vol_id)->status == "in-use");
    auto target = c.host("host-2").spec_of(server_id);
    REQUIRE(target.ok());
    CHECK(has_disk(*target, vol_id));
    REQUIRE(target->interfaces.size() == 1);
    CHECK(target->interfaces[0].port_id == m.ports[0].port_id());
    auto source = c.host("host-1").spec_of(server_id);
    REQUIRE(source.ok());
    CHECK_FALSE(has_disk(*source, vol_id));
    CHECK(c.host("host-1").info(server_id)->state
          == hypervisor::power_state::shutdown);
    c.act(action_kind::confirm_resize);
    REQUIRE(c.reaches("ACTIVE"));
    CHECK_FALSE(c.host("host-1").spec_of(server_id).ok());
    CHECK(c.port().host == "host-2");
    CHECK(c.state().volumes.at(0).host() == "host-2");
    // The old host's guest going away says nothing about the server.
    CHECK_FALSE(*c.ask<bool>(power_sync_atom::value, int32_t{0},
                             int32_t{power::nostate}, std::string{"host-1"}));
    CHECK(api_status(c.state()) == "ACTIVE");
    CHECK(*c.ask<bool>(power_sync_atom::value, int32_t{0},
                       int32_t{power::shutdown}, std::string{"host-2"}));
    CHECK(api_status(c.state()) == "SHUTOFF");
  }

  TEST_CASE("a reverted resize brings the guest, its port and its volume "
            "back to the source") {
    cloud c;
    c.boot();
    REQUIRE(c.reaches("ACTIVE"));
    c.attach_volume();
    c.act(action_kind::resize, small_flavor());
    REQUIRE(c.reaches("VERIFY_RESIZE"));
    CHECK(c.host("host-2").spec_of(server_id)->memory_mb == 2048);
    c.act(action_kind::revert_resize);
    REQUIRE(c.reaches("ACTIVE"));
    auto m = c.state();
    CHECK(m.host == "host-1");
    CHECK(m.flavor.id() == "1");
    CHECK_FALSE(c.host("host-2").spec_of(server_id).ok());
    auto source = c.host("host-1").spec_of(server_id);
    REQUIRE(source.ok());
    CHECK(has_disk(*source, vol_id));
    CHECK(c.host("host-1").info(server_id)->state
          == hypervisor::power_state::running);
    CHECK(c.port().host == "host-1");
    CHECK(c.port().status == "ACTIVE");
    CHECK(c.volumes->find(vol_id)->host == "host-1");
  }

  TEST_CASE("a live migration moves the guest with its disk and binds the "
            "port on the target") {
    cloud c;
    c.boot();
    REQUIRE(c.reaches("ACTIVE"));
    c.attach_volume();
    c.act(action_kind::live_migrate);
    REQUIRE(eventually([&] {
      auto m = c.state();
      return m.task_state.empty() && m.host == "host-2";
    }));
    CHECK(api_status(c.state()) == "ACTIVE");
    CHECK_FALSE(c.host("host-1").spec_of(server_id).ok());
    auto target = c.host("host-2").spec_of(server_id);
    REQUIRE(target.ok());
    CHECK(has_disk(*target, vol_id));
    CHECK(c.port().host == "host-2");
    CHECK(c.port().status == "ACTIVE");
    CHECK(c.volumes->find(vol_id)->host == "host-2");
  }

  TEST_CASE("a resize that fails on the target is rolled back to the "
            "source") {
    cloud c;
    c.boot();
    REQUIRE(c.reaches("ACTIVE"));
    c.attach_volume();
    c.host("host-2").fail_next("spawn", 1);
    c.act(action_kind::resize, small_flavor());
    REQUIRE(eventually([&] {
      auto m = c.state();
      return m.task_state.empty() && m.current_action.empty()
             && api_status(m) == "ACTIVE" && m.fault.find("injected") == 0;
    }));
    auto m = c.state();
    CHECK(m.host == "host-1");
    CHECK(m.flavor.id() == "1");
    CHECK_FALSE(c.host("host-2").spec_of(server_id).ok());
    CHECK(has_disk(*c.host("host-1").spec_of(server_id), vol_id));
    CHECK(c.host("host-1").info(server_id)->state
          == hypervisor::power_state::running);
    CHECK(c.port().host == "host-1");
    CHECK(c.volumes->find(vol_id)->host == "host-1");
  }

  TEST_CASE("shelve offload unbinds the port and unshelve binds it where "
            "the server lands") {
    cloud c;
    c.boot();
    REQUIRE(c.reaches("ACTIVE"));
    c.attach_volume();
    c.act(action_kind::shelve);
    REQUIRE(c.reaches("SHELVED_OFFLOADED"));
    CHECK(c.port().host.empty());
    CHECK(c.port().status == "DOWN");
    CHECK(c.volumes->find(vol_id)->host.empty());
    CHECK_FALSE(c.host("host-1").spec_of(server_id).ok());
    c.act(action_kind::unshelve);
    REQUIRE(c.reaches("ACTIVE"));
    auto host = c.state().host;
    CHECK(c.port().host == host);
    CHECK(c.port().status == "ACTIVE");
    CHECK(c.volumes->find(vol_id)->host == host);
    CHECK(has_disk(*c.host(host).spec_of(server_id), vol_id));
  }

  TEST_CASE("a volume-backed server boots from its root volume; deleting it "
            "deletes the volume") {
    cloud c;
    pb::InstanceCreated created;
    auto* root = created.add_block_device_volumes();
    root->set_volume_id(vol_id);
    root->set_phase("creating");
    root->mutable_create()->set_image_id("img-1");
    root->mutable_create()->set_size_gb(1);
    root->set_boot(true);
    root->set_boot_index(0);
    root->set_device("/dev/vda");
    root->set_delete_on_termination(true);
    root->set_request_id("req-boot");
    c.boot(created);
    REQUIRE(c.reaches("ACTIVE"));
    auto spec = c.host("host-1").spec_of(server_id);
    REQUIRE(spec.ok());
    CHECK(spec->image_path.empty());
    REQUIRE(spec->volumes.size() == 1);
    CHECK(spec->volumes[0].device == "vda");
    CHECK(c.volumes->find(vol_id)->status == "in-use");
    CHECK(c.volumes->find(vol_id)->host == "host-1");
    c.act(action_kind::delete_);
    REQUIRE(eventually([&] { return c.state().deleted; }));
    CHECK(eventually([&] { return c.volumes->was_deleted(vol_id); }));
    CHECK(c.ports->size() == 0);
  }

  TEST_CASE("a failed boot deletes compute's port and the volume it made, "
            "and ends in error with the fault") {
    cloud c;
    c.host("host-1").fail_next("spawn", 1);
    pb::InstanceCreated created;
    auto* root = created.add_block_device_volumes();
    root->set_volume_id(vol_id);
    root->set_phase("creating");
    root->mutable_create()->set_size_gb(1);
    root->set_boot(true);
    root->set_boot_index(0);
    root->set_device("/dev/vda");
    root->set_delete_on_termination(true);
    c.boot(created);
    REQUIRE(c.reaches("ERROR"));
    auto m = c.state();
    CHECK(m.fault.find("injected failure of spawn") == 0);
    CHECK(m.volumes.empty());
    CHECK(c.volumes->was_deleted(vol_id));
    CHECK(c.ports->size() == 0);
    CHECK_FALSE(c.host("host-1").spec_of(server_id).ok());
  }
}
