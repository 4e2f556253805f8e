#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>

#include "actors/compute/core/server_index.hpp"
#include "actors/compute/entity/host_ops.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/region_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::compute;

namespace {

/// A request for `kind` with only the request id set.
action_request request_for(action_kind kind, std::string request_id = {}) {
  action_request req;
  req.kind = kind;
  req.request_id = std::move(request_id);
  return req;
}

/// A host gateway that answers every operation, except that while `hold`
/// is set it swallows spawns (a hypervisor that never answers).
struct test_hosts {
  std::atomic<bool> hold{false};
  std::atomic<int> spawns{0};
  /// Likewise for volume attaches.
  std::atomic<bool> hold_attach{false};
  std::atomic<int> attaches{0};
  std::atomic<int> detaches{0};
};

/// The volume service's side of attachments: one attachment per volume,
/// its status as Cinder's ("reserved" ... "attached"; "" when none).
struct test_volumes {
  std::mutex mutex;
  std::map<std::string, std::string> status;
  std::atomic<int> removals{0};

  std::string get(const std::string& volume_id) {
    std::lock_guard guard{mutex};
    return status[volume_id];
  }
  void set(const std::string& volume_id, std::string value) {
    std::lock_guard guard{mutex};
    status[volume_id] = std::move(value);
  }
};

caf::behavior test_volume_service(caf::event_based_actor*,
                                  std::shared_ptr<test_volumes> vols) {
  namespace v = strato::volume;
  auto info = [](const std::string& id, std::string status) {
    return v::attachment_info{"att-" + id, id, "", std::move(status), "", ""};
  };
  return {
    [vols, info](v::attach_reserve& r) -> caf::result<v::attachment_info> {
      auto now = vols->get(r.volume_id);
      if (now == "attached") {
        return actor::to_caf_error(errc::invalid_argument,
                                   "Invalid volume: it is in-use.");
      }
      if (now.empty()) {
        vols->set(r.volume_id, "reserved");
      }
      return info(r.volume_id, vols->get(r.volume_id));
    },
    [vols](v::attach_connect& c) {
      vols->set(c.volume_id, "attaching");
      return v::volume_connection{c.volume_id, c.attachment_id, "file",
                                  "/volumes/" + c.volume_id, "qcow2", 1,
                                  c.volume_id};
    },
    [vols, info](v::attach_complete& c) {
      vols->set(c.volume_id, "attached");
      return info(c.volume_id, "attached");
    },
    [vols, info](v::attach_unreserve& c) {
      vols->set(c.volume_id, "");
      ++vols->removals;
      return info(c.volume_id, "detached");
    },
    [vols, info](v::detach_complete& c) {
      vols->set(c.volume_id, "");
      ++vols->removals;
      return info(c.volume_id, "detached");
    },
  };
}

caf::behavior test_gateway(caf::event_based_actor*,
                           std::shared_ptr<test_hosts> hosts) {
  return {
    [hosts](host_op_atom, const host_op& op) -> caf::result<host_op_result> {
      if (op.op == "pick") {
        return host_op_result{"compute-1", 0, {}};
      }
      if (op.op == "attach_volume") {
        ++hosts->attaches;
        if (hosts->hold_attach) {
          return caf::result<host_op_result>{caf::delegated<host_op_result>{}};
        }
      }
      if (op.op == "detach_volume") {
        ++hosts->detaches;
      }
      if (op.op == "spawn") {
        ++hosts->spawns;
        if (hosts->hold) {
          return caf::result<host_op_result>{caf::delegated<host_op_result>{}};
        }
        return host_op_result{op.host, power::running, {}};
      }
      return host_op_result{op.host, op.op == "power_off" ? power::shutdown
                                                          : power::running,
                            {}};
    },
  };
}

/// A node in miniature: store, pool, actor system, instance region.
class node {
public:
  explicit node(const testing::temp_dir& dir,
                std::shared_ptr<test_hosts> hosts,
                std::shared_ptr<test_volumes> volumes
                = std::make_shared<test_volumes>()) {
    auto opened = store::open_rocksdb_event_store(
      {.path = dir.str(), .sync = false});
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
    pool_ = std::make_unique<blocking_pool>("test-pool", 2);
    config_ = testing::make_test_config();
    system_ = std::make_unique<caf::actor_system>(*config_);
    scoped_.emplace(*system_);
    auto env = std::make_shared<instance_env>();
    env->host_gateway = system_->spawn(test_gateway, std::move(hosts));
    gateway_ = env->host_gateway;
    env->volume = system_->spawn(test_volume_service, std::move(volumes));
    volume_ = env->volume;
    actor::region_options options;
    options.kind = "instance";
    options.spawn = actor::make_spawner<instance_aggregate>(
      {store_.get(), pool_.get(), 0, env}, instance_behavior);
    region_ = actor::spawn_region(*system_, std::move(options));
    REQUIRE(index_.follow(*store_).ok());
  }

  ~node() {
    (*scoped_)->send_exit(region_, caf::exit_reason::user_shutdown);
    (*scoped_)->send_exit(gateway_, caf::exit_reason::user_shutdown);
    (*scoped_)->send_exit(volume_, caf::exit_reason::user_shutdown);
    scoped_.reset();
    index_.unfollow();
    system_.reset();
    pool_.reset();
    store_.reset();
  }

  template <class T, class... Ts>
  result<T> ask(const std::string& id, Ts&&... xs) {
    std::optional<result<T>> out;
    (*scoped_)
      ->request(region_, std::chrono::seconds{10}, id,
                caf::make_message(std::forward<Ts>(xs)...))
      .receive([&](T value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  instance_model state(const std::string& id) {
    instance_model m;
    auto bytes = ask<std::string>(id, get_atom::value);
    REQUIRE(bytes.ok());
    REQUIRE(m.restore(std::string_view{*bytes}).ok());
    return m;
  }

  void resume_in_flight() {
    for (const auto& id : index_.in_flight()) {
      caf::anon_send(region_, id, caf::make_message(resume_atom::value));
    }
  }

  store::event_store& store() {
    return *store_;
  }

private:
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::optional<caf::scoped_actor> scoped_;
  caf::actor gateway_;
  caf::actor volume_;
  caf::actor region_;
  server_index index_;
};

const std::string server_id = "5a1e1e6c-7d39-4a4e-9d3a-0c1f1b2a3c4d";

const std::string vol_id = "0d7f4a3e-2b1c-4e5f-8a9b-111111111111";

volume_attach_request attach_request(const std::string& volume_id) {
  volume_attach_request req;
  req.volume_id = volume_id;
  req.request_id = "req-attach";
  req.bdm_uuid = "bdm-1";
  return req;
}

std::string created_bytes();

/// Creates the server and waits until it is active.
template <class Node>
void boot(Node& n) {
  REQUIRE(n.template ask<bool>(server_id, create_atom::value, created_bytes(),
                               std::string{"req-1"})
            .ok());
  REQUIRE(testing::eventually(
    [&] { return api_status(n.state(server_id)) == "ACTIVE"; }));
}

std::string created_bytes() {
  pb::InstanceCreated c;
  c.set_id(server_id);
  c.set_name("vm");
  c.set_project_id("p");
  c.mutable_flavor()->set_id("1");
  return c.SerializeAsString();
}

} // namespace

TEST_SUITE("actors/compute/instance_entity") {
  TEST_CASE("a server boots to active through the host gateway") {
    testing::temp_dir dir;
    auto hosts = std::make_shared<test_hosts>();
    node n{dir, hosts};
    REQUIRE(n.ask<bool>(server_id, create_atom::value, created_bytes(),
                        std::string{"req-1"})
              .ok());
    CHECK(testing::eventually(
      [&] { return api_status(n.state(server_id)) == "ACTIVE"; }));
    CHECK(n.state(server_id).host == "compute-1");
  }

  TEST_CASE("an illegal action is a 409 and writes no event") {
    testing::temp_dir dir;
    node n{dir, std::make_shared<test_hosts>()};
    REQUIRE(n.ask<bool>(server_id, create_atom::value, created_bytes(),
                        std::string{"req-1"})
              .ok());
    REQUIRE(testing::eventually(
      [&] { return api_status(n.state(server_id)) == "ACTIVE"; }));
    auto stop = request_for(action_kind::stop, "req-2");
    REQUIRE(n.ask<bool>(server_id, action_atom::value, stop).ok());
    REQUIRE(testing::eventually(
      [&] { return api_status(n.state(server_id)) == "SHUTOFF"; }));
    auto before = n.store().stream_version("instance/" + server_id);
    auto pause = request_for(action_kind::pause, "req-3");
    auto refused = n.ask<bool>(server_id, action_atom::value, pause);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == errc::invalid_transition);
    CHECK(refused.error().message()
          == "Cannot 'pause' instance " + server_id
               + " while it is in vm_state stopped");
    CHECK(*n.store().stream_version("instance/" + server_id) == *before);
  }

  TEST_CASE("a node that crashes mid-boot resumes the boot on restart") {
    testing::temp_dir dir;
    auto hosts = std::make_shared<test_hosts>();
    hosts->hold = true;
    {
      node n{dir, hosts};
      REQUIRE(n.ask<bool>(server_id, create_atom::value, created_bytes(),
                          std::string{"req-1"})
                .ok());
      REQUIRE(testing::eventually([&] { return hosts->spawns == 1; }));
      auto m = n.state(server_id);
      CHECK(m.task_state == "spawning");
      CHECK(api_status(m) == "BUILD");
    } // The node dies with the spawn unanswered.
    hosts->hold = false;
    node n{dir, hosts};
    n.resume_in_flight();
    CHECK(testing::eventually(
      [&] { return api_status(n.state(server_id)) == "ACTIVE"; }));
    CHECK(hosts->spawns == 2);
  }

  TEST_CASE("a volume attaches, detaches, and the volume service follows") {
    testing::temp_dir dir;
    auto hosts = std::make_shared<test_hosts>();
    auto vols = std::make_shared<test_volumes>();
    node n{dir, hosts, vols};
    boot(n);
    auto device = n.ask<std::string>(server_id, volume_attach_atom::value,
                                     attach_request(vol_id));
    REQUIRE(device.ok());
    CHECK(*device == "/dev/vdb");
    REQUIRE(testing::eventually([&] {
      auto m = n.state(server_id);
      return m.volumes.size() == 1 && m.volumes[0].phase() == "attached";
    }));
    CHECK(vols->get(vol_id) == "attached");
    CHECK(hosts->attaches == 1);
    volume_detach_request detach;
    detach.volume_id = vol_id;
    detach.request_id = "req-detach";
    REQUIRE(n.ask<bool>(server_id, volume_detach_atom::value, detach).ok());
    REQUIRE(testing::eventually(
      [&] { return n.state(server_id).volumes.empty(); }));
    CHECK(vols->get(vol_id).empty());
    CHECK(hosts->detaches == 1);
  }

  TEST_CASE("a volume another server holds is refused and rolled back") {
    testing::temp_dir dir;
    auto vols = std::make_shared<test_volumes>();
    vols->set(vol_id, "attached");
    node n{dir, std::make_shared<test_hosts>(), vols};
    boot(n);
    auto before = n.store().stream_version("instance/" + server_id);
    auto refused = n.ask<std::string>(server_id, volume_attach_atom::value,
                                      attach_request(vol_id));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == errc::invalid_argument);
    CHECK(refused.error().message() == "Invalid volume: it is in-use.");
    auto m = n.state(server_id);
    CHECK(m.volumes.empty());
    CHECK(m.task_state.empty());
    // Recorded as a failed attach_volume action: started, then finished.
    CHECK(*n.store().stream_version("instance/" + server_id) > *before);
  }

  TEST_CASE("a node that crashes mid-attach completes the attach on restart") {
    testing::temp_dir dir;
    auto hosts = std::make_shared<test_hosts>();
    auto vols = std::make_shared<test_volumes>();
    {
      node n{dir, hosts, vols};
      boot(n);
      hosts->hold_attach = true;
      REQUIRE(n.ask<std::string>(server_id, volume_attach_atom::value,
                                 attach_request(vol_id))
                .ok());
      REQUIRE(testing::eventually([&] { return hosts->attaches == 1; }));
      CHECK(n.state(server_id).volumes.at(0).phase() == "connecting");
    } // The node dies with the hypervisor attach unanswered.
    hosts->hold_attach = false;
    node n{dir, hosts, vols};
    n.resume_in_flight();
    CHECK(testing::eventually([&] {
      auto m = n.state(server_id);
      return m.volumes.size() == 1 && m.volumes[0].phase() == "attached";
    }));
    CHECK(hosts->attaches == 2);
    CHECK(vols->get(vol_id) == "attached");
  }

  TEST_CASE("deleting a server releases its volumes") {
    testing::temp_dir dir;
    auto hosts = std::make_shared<test_hosts>();
    auto vols = std::make_shared<test_volumes>();
    node n{dir, hosts, vols};
    boot(n);
    REQUIRE(n.ask<std::string>(server_id, volume_attach_atom::value,
                               attach_request(vol_id))
              .ok());
    REQUIRE(testing::eventually([&] { return vols->get(vol_id) == "attached"; }));
    auto del = request_for(action_kind::delete_, "req-del");
    REQUIRE(n.ask<bool>(server_id, action_atom::value, del).ok());
    CHECK(testing::eventually([&] { return vols->removals == 1; }));
    CHECK(vols->get(vol_id).empty());
    CHECK(testing::eventually([&] { return n.state(server_id).deleted; }));
  }
}
