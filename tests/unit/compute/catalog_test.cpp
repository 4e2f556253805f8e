#include <doctest/doctest.h>

#include <algorithm>

#include "actors/compute/core/catalog.hpp"
#include "actors/compute/core/server_index.hpp"
#include "actors/compute/core/ssh_keys.hpp"
#include "actors/compute/core/transitions.hpp"

using namespace strato;
using namespace strato::compute;

namespace {

pb::CatalogEvent flavor(std::string id, std::string name, bool is_public) {
  pb::CatalogEvent ev;
  auto* f = ev.mutable_flavor_created();
  f->set_id(std::move(id));
  f->set_name(std::move(name));
  f->set_is_public(is_public);
  return ev;
}

store::recorded_event record(const std::string& id,
                             const pb::InstanceEvent& ev, uint64_t pos) {
  store::recorded_event rec;
  rec.stream = "instance/" + id;
  rec.position = pos;
  rec.type = ev.GetTypeName();
  rec.payload = ev.SerializeAsString();
  return rec;
}

} // namespace

TEST_SUITE("actors/compute/catalog") {
  TEST_CASE("the default flavors are m1.tiny to m1.xlarge") {
    catalog c;
    for (const auto& ev : default_flavor_events(1)) {
      REQUIRE(c.check(ev).ok());
      c.apply(ev);
    }
    REQUIRE(c.flavors.size() == 5);
    CHECK(c.flavor("1")->name() == "m1.tiny");
    CHECK(c.flavor("5")->ram_mb() == 16384);
  }

  TEST_CASE("flavor ids and names are unique") {
    catalog c;
    c.apply(flavor("a", "small", true));
    CHECK(c.check(flavor("a", "other", true)).code() == errc::conflict);
    CHECK(c.check(flavor("b", "small", true)).message()
          == "Flavor with name small already exists.");
    CHECK(c.check(flavor("b", "big", true)).ok());
  }

  TEST_CASE("a private flavor is visible to the projects on its list") {
    catalog c;
    c.apply(flavor("p", "private", false));
    CHECK_FALSE(c.flavor_visible(*c.flavor("p"), "proj", false));
    pb::CatalogEvent grant;
    auto* a = grant.mutable_flavor_access_changed();
    a->set_flavor_id("p");
    a->set_project_id("proj");
    a->set_granted(true);
    REQUIRE(c.check(grant).ok());
    c.apply(grant);
    CHECK(c.flavor_visible(*c.flavor("p"), "proj", false));
    CHECK(c.check(grant).code() == errc::conflict);
    c.apply(flavor("q", "public", true));
    auto public_grant = grant;
    public_grant.mutable_flavor_access_changed()->set_flavor_id("q");
    CHECK(c.check(public_grant).code() == errc::conflict);
  }

  TEST_CASE("keypair names are unique per user") {
    catalog c;
    pb::CatalogEvent ev;
    ev.mutable_keypair_created()->set_user_id("u1");
    ev.mutable_keypair_created()->set_name("k");
    c.apply(ev);
    CHECK(c.check(ev).message() == "Key pair 'k' already exists.");
    ev.mutable_keypair_created()->set_user_id("u2");
    CHECK(c.check(ev).ok());
  }

  TEST_CASE("a snapshot rebuilds the catalog") {
    catalog c;
    c.apply(flavor("a", "small", true));
    pb::CatalogEvent g;
    g.mutable_server_group_created()->set_id("g");
    g.mutable_server_group_created()->add_members("i1");
    c.apply(g);
    catalog copy;
    REQUIRE(copy.restore(c.snapshot_state()).ok());
    CHECK(copy.flavor("a") != nullptr);
    CHECK(copy.server_groups.at("g").members_size() == 1);
  }
}

TEST_SUITE("actors/compute/ssh_keys") {
  TEST_CASE("a fingerprint is the md5 of the key blob, as Nova computes it") {
    // ssh-keygen -l -E md5 on this key prints the same digest.
    auto fp = ssh_fingerprint(
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0"
      "dh2l9GKJl test@host");
    REQUIRE(fp.ok());
    CHECK(fp->size() == 47);
    CHECK(std::count(fp->begin(), fp->end(), ':') == 15);
  }

  TEST_CASE("a key whose blob does not name its type is refused") {
    CHECK_FALSE(ssh_fingerprint("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0"
                                "SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")
                  .ok());
    CHECK(ssh_fingerprint("not a key").error().message()
          == "Keypair data is invalid: failed to generate fingerprint");
  }

  TEST_CASE("a generated RSA keypair fingerprints as its public key") {
    auto kp = generate_rsa_keypair();
    REQUIRE(kp.ok());
    CHECK(kp->public_key.rfind("ssh-rsa ", 0) == 0);
    CHECK(kp->private_key.find("PRIVATE KEY") != std::string::npos);
    CHECK(*ssh_fingerprint(kp->public_key) == kp->fingerprint);
  }
}

TEST_SUITE("actors/compute/server_index") {
  TEST_CASE("the index folds servers and their actions from the log") {
    server_index index;
    pb::InstanceCreated created;
    created.set_id("s1");
    created.set_project_id("p");
    auto events = begin_create(created, "req-1");
    std::vector<store::recorded_event> log;
    uint64_t pos = 0;
    for (const auto& ev : events) {
      log.push_back(record("s1", ev, ++pos));
    }
    store::recorded_event other;
    other.stream = "tenant/p";
    other.type = "strato.tenant.v1.TenantEvent";
    log.push_back(other);
    index.on_events(log);
    REQUIRE(index.size() == 1);
    CHECK(index.in_flight() == std::vector<std::string>{"s1"});
    auto s = index.find("s1");
    REQUIRE(s.has_value());
    CHECK(s->model.vm_state == "building");
    REQUIRE(s->actions.size() == 1);
    CHECK(s->actions[0].action == "create");
    CHECK(s->actions[0].finish_us == 0);

    auto m = s->model;
    std::vector<store::recorded_event> more;
    for (const auto& ev : step_succeeded(m, {"h", 0, {}}, 5)) {
      m.apply(ev);
      more.push_back(record("s1", ev, ++pos));
    }
    for (const auto& ev : step_succeeded(m, {"h", 1, {}}, 6)) {
      m.apply(ev);
      more.push_back(record("s1", ev, ++pos));
    }
    index.on_events(more);
    s = index.find("s1");
    CHECK(api_status(s->model) == "ACTIVE");
    CHECK(s->actions[0].finish_us == 6);
    CHECK(index.in_flight().empty());

    pb::InstanceEvent del;
    del.mutable_deleted()->set_at_us(7);
    index.on_events({record("s1", del, ++pos)});
    CHECK(index.size() == 0);
  }
}
