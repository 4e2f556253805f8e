#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "actors/volume/entity/volume_entity.hpp"
#include "actors/volume/model/catalog.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::volume {

namespace {

using namespace std::chrono_literals;

struct test_config : caf::actor_system_config {
  test_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

/// A node in miniature: store, pool, the volume region on the fake driver
/// and the catalog. `restart()` reopens it on the same directory.
struct volume_fixture {
  testing::temp_dir dir;
  std::unique_ptr<store::event_store> store;
  std::unique_ptr<blocking_pool> pool;
  std::shared_ptr<volume_catalog> catalog;
  std::unique_ptr<store::subscription> sub;
  std::unique_ptr<test_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<volume_services> services;

  volume_fixture() {
    start();
  }
  ~volume_fixture() {
    stop();
  }

  void start() {
    auto opened = store::open_rocksdb_event_store({.path = dir.str() + "/events", .sync = false});
    REQUIRE(opened.ok());
    store = std::move(*opened);
    pool = std::make_unique<blocking_pool>("test-pool", 2);
    catalog = std::make_shared<volume_catalog>();
    auto subscribed = store->subscribe(1, [c = catalog](const auto& events) { c->apply(events); });
    REQUIRE(subscribed.ok());
    sub = std::move(*subscribed);
    cfg = std::make_unique<test_config>();
    sys = std::make_unique<caf::actor_system>(*cfg);
    services = std::make_shared<volume_services>();
    volume_driver_config driver_config;
    driver_config.kind = "fake";
    services->driver = *make_volume_driver(driver_config);
    services->pool = pool.get();
    services->store = store.get();
    actor::region_options options;
    options.kind = "volume";
    options.spawn = make_volume_spawner({store.get(), pool.get(), 0, services});
    services->volumes = actor::spawn_region(*sys, std::move(options));
  }

  void stop() {
    caf::anon_send_exit(services->volumes, caf::exit_reason::user_shutdown);
    services.reset();
    sys.reset();
    pool.reset();
    sub.reset();
    store.reset();
  }

  template <class T>
  result<T> ask(const std::string& id, caf::message msg) {
    caf::scoped_actor self{*sys};
    std::optional<result<T>> out;
    self->request(services->volumes, 10s, id, std::move(msg))
      .receive([&](T& value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  /// The catalog's status of `id` once it equals `wanted`, or after 10 s.
  std::string wait_status(const std::string& id, std::string_view wanted) {
    std::string seen;
    for (int i = 0; i < 1000; ++i) {
      seen = catalog->read([&](const catalog_contents& c) {
        auto it = c.volumes.find(id);
        return it == c.volumes.end() ? std::string{"missing"}
                                     : std::string{to_string(it->second.status)};
      });
      if (seen == wanted) {
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    return seen;
  }

  volume_record create(const std::string& id) {
    create_volume_spec spec;
    spec.id = id;
    spec.project_id = "p1";
    spec.size_gb = 1;
    spec.source.set_blank(true);
    auto made = ask<volume_record>(id, caf::make_message(volume_create_cmd{spec, "req-1"}));
    REQUIRE(made.ok());
    return *made;
  }
};

} // namespace

TEST_SUITE("actors/volume/entity") {

TEST_CASE("a created volume becomes available once the driver made its file") {
  volume_fixture f;
  auto made = f.create("v1");
  CHECK(made.status == pb::VOLUME_STATUS_CREATING);
  CHECK(f.wait_status("v1", "available") == "available");
  auto path = f.catalog->read([](const catalog_contents& c) { return c.volumes.at("v1").path; });
  CHECK(path == "fake://volume/v1");
}

TEST_CASE("a refused command writes no event") {
  volume_fixture f;
  f.create("v1");
  REQUIRE(f.wait_status("v1", "available") == "available");
  auto before = f.store->stream_version("volume/v1");
  auto refused = f.ask<volume_record>("v1", caf::make_message(volume_extend_cmd{1, false, "r"}));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == errc::invalid_argument);
  CHECK(*f.store->stream_version("volume/v1") == *before);
}

TEST_CASE("the attach protocol reserves, connects, completes and detaches") {
  volume_fixture f;
  f.create("v1");
  REQUIRE(f.wait_status("v1", "available") == "available");
  auto reserved = f.ask<attachment_info>("v1", caf::make_message(attach_reserve{"v1", "vm-1", "p1", "r1"}));
  REQUIRE(reserved.ok());
  CHECK(reserved->volume_status == "reserved");
  auto att = reserved->attachment_id;
  auto other = f.ask<attachment_info>("v1", caf::make_message(attach_reserve{"v1", "vm-1", "p2", "r1"}));
  CHECK_FALSE(other.ok()); // another project's volume is not found
  auto conn = f.ask<volume_connection>("v1", caf::make_message(attach_connect{"v1", att, "host-a", "/dev/vdb", "r2"}));
  REQUIRE(conn.ok());
  CHECK(conn->path == "fake://volume/v1");
  CHECK(conn->format == "qcow2");
  auto done = f.ask<attachment_info>("v1", caf::make_message(attach_complete{"v1", att, "/dev/vdb", "r3"}));
  REQUIRE(done.ok());
  CHECK(done->volume_status == "in-use");
  auto detaching = f.ask<attachment_info>("v1", caf::make_message(detach_begin{"v1", att, "r4"}));
  REQUIRE(detaching.ok());
  CHECK(detaching->volume_status == "detaching");
  auto detached = f.ask<attachment_info>("v1", caf::make_message(detach_complete{"v1", att, "r5"}));
  REQUIRE(detached.ok());
  CHECK(detached->volume_status == "available");
  CHECK(f.wait_status("v1", "available") == "available");
}

TEST_CASE("a volume left creating by a crash is finished after a restart") {
  volume_fixture f;
  // The node recorded the create, then died before the driver ran.
  pb::VolumeEvent created;
  created.set_at_us(1);
  created.mutable_created()->set_id("v9");
  created.mutable_created()->set_project_id("p1");
  created.mutable_created()->set_size_gb(1);
  store::append_request req{"volume/v9", 0, {{created.GetTypeName(), created.SerializeAsString()}}, "req-x", {}};
  REQUIRE(f.store->append_and_wait(std::move(req)).ok());
  f.stop();
  f.start();
  CHECK(f.wait_status("v9", "creating") == "creating");
  caf::anon_send(f.services->volumes, std::string{"v9"}, caf::make_message(resume_atom::value));
  CHECK(f.wait_status("v9", "available") == "available");
}

} // TEST_SUITE

} // namespace strato::volume
