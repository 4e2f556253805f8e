#include <doctest/doctest.h>

#include <atomic>
#include <optional>

#include "actors/compute/core/server_index.hpp"
#include "actors/compute/entity/host_ops.hpp"
#include "actors/compute/entity/instance_entity.hpp"
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
};

caf::behavior test_gateway(caf::event_based_actor*,
                           std::shared_ptr<test_hosts> hosts) {
  return {
    [hosts](host_op_atom, const host_op& op) -> caf::result<host_op_result> {
      if (op.op == "pick") {
        return host_op_result{"compute-1", 0, {}};
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
                std::shared_ptr<test_hosts> hosts) {
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
  caf::actor region_;
  server_index index_;
};

const std::string server_id = "5a1e1e6c-7d39-4a4e-9d3a-0c1f1b2a3c4d";

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
}
