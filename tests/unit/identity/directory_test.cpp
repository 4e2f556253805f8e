#include <doctest/doctest.h>

#include "actors/identity/directory/directory.hpp"

using namespace strato;
using namespace strato::identity;

namespace {

pb::IdentityEvent domain(const std::string& id, const std::string& name,
                         bool enabled = true) {
  pb::IdentityEvent ev;
  auto* d = ev.mutable_domain_created();
  d->set_id(id);
  d->set_name(name);
  d->set_enabled(enabled);
  return ev;
}

pb::IdentityEvent project(const std::string& id, const std::string& name,
                          const std::string& parent = "default") {
  pb::IdentityEvent ev;
  auto* p = ev.mutable_project_created();
  p->set_id(id);
  p->set_name(name);
  p->set_domain_id("default");
  p->set_parent_id(parent);
  p->set_enabled(true);
  return ev;
}

pb::IdentityEvent user(const std::string& id, const std::string& name) {
  pb::IdentityEvent ev;
  auto* u = ev.mutable_user_created();
  u->set_id(id);
  u->set_name(name);
  u->set_domain_id("default");
  u->set_enabled(true);
  return ev;
}

pb::IdentityEvent group(const std::string& id, const std::string& name) {
  pb::IdentityEvent ev;
  auto* g = ev.mutable_group_created();
  g->set_id(id);
  g->set_name(name);
  g->set_domain_id("default");
  return ev;
}

pb::IdentityEvent role(const std::string& id, const std::string& name,
                       const std::string& implies = "") {
  pb::IdentityEvent ev;
  auto* r = ev.mutable_role_created();
  r->set_id(id);
  r->set_name(name);
  if (!implies.empty()) {
    r->add_implies(implies);
  }
  return ev;
}

pb::IdentityEvent grant(pb::ActorKind kind, const std::string& actor,
                        const std::string& project_id, const std::string& role_id) {
  pb::IdentityEvent ev;
  auto* a = ev.mutable_role_granted();
  a->set_actor_kind(kind);
  a->set_actor_id(actor);
  a->set_target_kind(pb::TARGET_KIND_PROJECT);
  a->set_target_id(project_id);
  a->set_role_id(role_id);
  return ev;
}

pb::IdentityEvent deleted(pb::Deleted* (pb::IdentityEvent::*field)(),
                          const std::string& id) {
  pb::IdentityEvent ev;
  (ev.*field)()->set_id(id);
  return ev;
}

/// Checks, then applies; fails the test when the check refuses.
void commit(directory& d, const pb::IdentityEvent& ev) {
  auto st = d.check(ev);
  REQUIRE_MESSAGE(st.ok(), st.describe());
  d.apply(ev);
}

/// A directory with the bootstrap's shape: a domain, reader < member <
/// admin, a project p1 and a user u1.
directory seeded() {
  directory d;
  commit(d, domain("default", "Default"));
  commit(d, role("r-reader", "reader"));
  commit(d, role("r-member", "member", "r-reader"));
  commit(d, role("r-admin", "admin", "r-member"));
  commit(d, project("p1", "demo"));
  commit(d, user("u1", "alice"));
  return d;
}

} // namespace

TEST_CASE("names are unique per domain, with Keystone's conflict message") {
  auto d = seeded();
  auto st = d.check(project("p2", "demo"));
  CHECK(st.code() == errc::conflict);
  CHECK(st.message()
        == "Conflict occurred attempting to store project - Duplicate entry "
           "found with name demo at domain ID default.");
  CHECK(d.check(user("u2", "alice")).code() == errc::conflict);
  CHECK(d.check(role("r-x", "member")).code() == errc::conflict);
}

TEST_CASE("records must name existing records") {
  auto d = seeded();
  auto orphan = project("p2", "child", "nope");
  CHECK(d.check(orphan).code() == errc::not_found);
  CHECK(d.check(grant(pb::ACTOR_KIND_USER, "ghost", "p1", "r-member")).code()
        == errc::not_found);
  CHECK(d.check(grant(pb::ACTOR_KIND_USER, "u1", "p1", "r-ghost")).code()
        == errc::not_found);
  pb::IdentityEvent member;
  member.mutable_member_added()->set_group_id("g-none");
  member.mutable_member_added()->set_user_id("u1");
  CHECK(d.check(member).code() == errc::not_found);
}

TEST_CASE("roles come directly, through groups, and through implications") {
  auto d = seeded();
  commit(d, group("g1", "devs"));
  pb::IdentityEvent member;
  member.mutable_member_added()->set_group_id("g1");
  member.mutable_member_added()->set_user_id("u1");
  commit(d, member);
  commit(d, grant(pb::ACTOR_KIND_GROUP, "g1", "p1", "r-member"));
  auto roles = d.effective_role_ids("u1", {pb::TARGET_KIND_PROJECT, "p1"});
  CHECK(roles == std::set<std::string>{"r-member", "r-reader"});
  CHECK(d.effective_role_ids("u1", {pb::TARGET_KIND_PROJECT, "other"}).empty());
}

TEST_CASE("an implication that would make a cycle is refused") {
  auto d = seeded();
  pb::IdentityEvent update;
  auto* r = update.mutable_role_updated();
  *r = *d.role("r-reader");
  r->add_implies("r-admin");
  CHECK(d.check(update).code() == errc::forbidden);
}

TEST_CASE("deleting a user drops its assignments, memberships and credentials") {
  auto d = seeded();
  commit(d, group("g1", "devs"));
  pb::IdentityEvent member;
  member.mutable_member_added()->set_group_id("g1");
  member.mutable_member_added()->set_user_id("u1");
  commit(d, member);
  commit(d, grant(pb::ACTOR_KIND_USER, "u1", "p1", "r-member"));
  pb::IdentityEvent cred;
  auto* c = cred.mutable_app_credential_created();
  c->set_id("c1");
  c->set_name("ci");
  c->set_user_id("u1");
  c->set_project_id("p1");
  commit(d, cred);
  commit(d, deleted(&pb::IdentityEvent::mutable_user_deleted, "u1"));
  CHECK(d.user("u1") == nullptr);
  CHECK(d.assignments().empty());
  CHECK(d.group("g1")->member_ids().empty());
  CHECK(d.app_credential("c1") == nullptr);
}

TEST_CASE("a project with children cannot be deleted") {
  auto d = seeded();
  commit(d, project("p2", "child", "p1"));
  auto st = d.check(deleted(&pb::IdentityEvent::mutable_project_deleted, "p1"));
  CHECK(st.code() == errc::forbidden);
  commit(d, deleted(&pb::IdentityEvent::mutable_project_deleted, "p2"));
  CHECK(d.check(deleted(&pb::IdentityEvent::mutable_project_deleted, "p1")).ok());
}

TEST_CASE("an enabled domain cannot be deleted; a disabled one takes its "
          "projects and users along") {
  auto d = seeded();
  commit(d, domain("d2", "Other"));
  pb::IdentityEvent p;
  auto* proj = p.mutable_project_created();
  proj->set_id("p9");
  proj->set_name("x");
  proj->set_domain_id("d2");
  proj->set_parent_id("d2");
  commit(d, p);
  CHECK(d.check(deleted(&pb::IdentityEvent::mutable_domain_deleted, "d2")).code()
        == errc::forbidden);
  pb::IdentityEvent disable;
  *disable.mutable_domain_updated() = *d.domain("d2");
  disable.mutable_domain_updated()->set_enabled(false);
  commit(d, disable);
  commit(d, deleted(&pb::IdentityEvent::mutable_domain_deleted, "d2"));
  CHECK(d.project("p9") == nullptr);
}

TEST_CASE("revocations match by audit id, user and time") {
  auto d = seeded();
  pb::IdentityEvent ev;
  auto* r = ev.mutable_token_revoked();
  r->set_audit_id("audit-1");
  r->set_issued_before_us(1000);
  commit(d, ev);
  CHECK(d.is_revoked("u1", "p1", {"audit-1"}, 900));
  CHECK_FALSE(d.is_revoked("u1", "p1", {"audit-2"}, 900));
  CHECK_FALSE(d.is_revoked("u1", "p1", {"audit-1"}, 1001));
}

TEST_CASE("a snapshot restores the same directory") {
  auto d = seeded();
  commit(d, grant(pb::ACTOR_KIND_USER, "u1", "p1", "r-admin"));
  directory copy;
  copy.restore(d.snapshot());
  CHECK(copy.snapshot().SerializeAsString() == d.snapshot().SerializeAsString());
  CHECK(copy.effective_role_ids("u1", {pb::TARGET_KIND_PROJECT, "p1"}).size()
        == 3);
}
