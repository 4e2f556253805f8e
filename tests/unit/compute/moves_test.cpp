#include <doctest/doctest.h>

#include "actors/compute/core/moves.hpp"
#include "actors/compute/core/volume_attachments.hpp"

using namespace strato;
using namespace strato::compute;

namespace {

void fold(instance_model& m, const std::vector<pb::InstanceEvent>& events) {
  for (const auto& ev : events) {
    m.apply(ev);
  }
}

pb::InstancePort port(const std::string& id) {
  pb::InstancePort p;
  p.set_port_id(id);
  p.set_network_id("net-1");
  p.set_created_by_compute(true);
  p.set_host("host-s");
  return p;
}

/// An active server on host-s with one port and one attached volume.
instance_model active_on_source() {
  pb::InstanceCreated c;
  c.set_id("5a1e1e6c-7d39-4a4e-9d3a-0c1f1b2a3c4d");
  c.set_name("vm");
  c.mutable_flavor()->set_id("1");
  c.add_requested_networks()->set_network_id("net-1");
  instance_model m;
  fold(m, begin_create(c, "req-1"));
  fold(m, step_succeeded(m, {"host-s", 0, {}}, 10));
  fold(m, step_succeeded(m, {"host-s", 0, {port("p1")}}, 20));
  step_outcome landed{"host-s", power::running, {port("p1")}, true, {}};
  fold(m, step_succeeded(m, landed, 30));
  pb::InstanceEvent attached;
  auto* v = attached.mutable_volume_attach_requested();
  v->set_volume_id("vol-1");
  v->set_device("/dev/vdb");
  v->set_attachment_id("att-1");
  v->set_phase("attached");
  v->set_host("host-s");
  m.apply(attached);
  return m;
}

action_request request_for(action_kind kind) {
  action_request req;
  req.kind = kind;
  req.request_id = "req-move";
  return req;
}

/// The server after a migrate picked host-t.
instance_model migrating_to_target() {
  auto m = active_on_source();
  fold(m, *begin_action(m, request_for(action_kind::migrate)));
  REQUIRE(next_step(m)->op == "pick");
  fold(m, step_succeeded(m, {"host-t", 0, {}}, 40));
  return m;
}

/// What a landing step reports: the port and the volume bound to `host`.
step_outcome landed_on(const std::string& host) {
  auto p = port("p1");
  p.set_host(host);
  return {host, power::running, {p}, true, {"vol-1"}};
}

/// A migrated server awaiting confirmation on host-t.
instance_model resized_on_target() {
  auto m = migrating_to_target();
  fold(m, step_succeeded(m, {"host-s", power::shutdown, {}}, 50));
  fold(m, step_succeeded(m, landed_on("host-t"), 60));
  return m;
}

} // namespace

TEST_SUITE("actors/compute/moves") {
  TEST_CASE("a cold migration powers the source off, then lands on the "
            "target with its ports and volumes") {
    auto m = migrating_to_target();
    CHECK(m.task_state == "resize_migrating");
    auto out = next_step(m);
    REQUIRE(out);
    CHECK(out->op == "migrate_out");
    CHECK(out->host == "host-s");
    fold(m, step_succeeded(m, {"host-s", power::shutdown, {}}, 50));
    CHECK(m.task_state == "resize_migrated");
    CHECK(api_status(m) == "RESIZE");
    auto land = next_step(m);
    REQUIRE(land);
    CHECK(land->op == "resize");
    CHECK(land->host == "host-t");
    CHECK(land->start_guest);
    auto events = step_succeeded(m, landed_on("host-t"), 60);
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().has_resources_bound());
    fold(m, events);
    CHECK(m.vm_state == "resized");
    CHECK(m.host == "host-t");
    CHECK(m.previous_host == "host-s");
    CHECK(m.ports.at(0).host() == "host-t");
    CHECK(m.volumes.at(0).host() == "host-t");
  }

  TEST_CASE("confirming destroys the source guest and keeps everything on "
            "the target") {
    auto m = resized_on_target();
    fold(m, *begin_action(m, request_for(action_kind::confirm_resize)));
    auto step = next_step(m);
    REQUIRE(step);
    CHECK(step->op == "destroy");
    CHECK(step->host == "host-s");
    fold(m, step_succeeded(m, {"host-s", 0, {}}, 70));
    CHECK(m.vm_state == "active");
    CHECK(m.host == "host-t");
    CHECK(m.ports.at(0).host() == "host-t");
    CHECK(m.volumes.at(0).host() == "host-t");
  }

  TEST_CASE("reverting destroys the target guest, then restores ports, "
            "volumes and the guest on the source") {
    auto m = resized_on_target();
    fold(m, *begin_action(m, request_for(action_kind::revert_resize)));
    auto first = next_step(m);
    REQUIRE(first);
    CHECK(first->op == "destroy");
    CHECK(first->host == "host-t");
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 70));
    CHECK(m.move_stage == "source");
    CHECK(api_status(m) == "REVERT_RESIZE");
    auto restore = next_step(m);
    REQUIRE(restore);
    CHECK(restore->op == "restore");
    CHECK(restore->host == "host-s");
    CHECK(restore->other_host == "host-t"); // The claim comes back from it.
    CHECK(restore->start_guest);
    fold(m, step_succeeded(m, landed_on("host-s"), 80));
    CHECK(m.vm_state == "active");
    CHECK(m.task_state.empty());
    CHECK(m.move_stage.empty());
    CHECK(m.host == "host-s");
    CHECK(m.ports.at(0).host() == "host-s");
    CHECK(m.volumes.at(0).host() == "host-s");
  }

  TEST_CASE("a failed landing destroys what the target got and restores the "
            "source, ending the action failed") {
    auto m = migrating_to_target();
    fold(m, step_succeeded(m, {"host-s", power::shutdown, {}}, 50));
    fold(m, step_failed(m, "no room on host-t", 60));
    CHECK(m.move_stage == "rollback_dest");
    CHECK(m.task_state == "resize_migrated");
    auto destroy = next_step(m);
    REQUIRE(destroy);
    CHECK(destroy->op == "destroy");
    CHECK(destroy->host == "host-t");
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 70));
    CHECK(m.move_stage == "rollback");
    auto restore = next_step(m);
    REQUIRE(restore);
    CHECK(restore->op == "restore");
    CHECK(restore->host == "host-s");
    auto events = step_succeeded(m, landed_on("host-s"), 80);
    REQUIRE(events.back().has_action_finished());
    CHECK(events.back().action_finished().failed());
    CHECK(events.back().action_finished().message() == "no room on host-t");
    fold(m, events);
    CHECK(m.vm_state == "active");
    CHECK(m.power_state == power::running);
    CHECK(m.host == "host-s");
    CHECK(m.migration_target.empty());
  }

  TEST_CASE("a crash mid-move resumes the recorded stage") {
    auto m = resized_on_target();
    fold(m, *begin_action(m, request_for(action_kind::revert_resize)));
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 70));
    instance_model restarted;
    REQUIRE(restarted.restore(m.snapshot_state()).ok());
    CHECK(restarted.move_stage == "source");
    REQUIRE(next_step(restarted));
    CHECK(*next_step(restarted) == *next_step(m));
  }

  TEST_CASE("a live migration connects the volumes to the target, moves "
            "the guest, then binds the ports there") {
    auto m = active_on_source();
    fold(m, *begin_action(m, request_for(action_kind::live_migrate)));
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 40));
    CHECK(m.migration_target == "host-t");
    auto prepare = next_step(m);
    REQUIRE(prepare);
    CHECK(prepare->op == "live_prepare");
    CHECK(prepare->host == "host-t");
    fold(m, step_succeeded(m, {"host-t", 0, {}, true, {"vol-1"}}, 50));
    CHECK(m.move_stage == "migrate");
    CHECK(m.volumes.at(0).host() == "host-t");
    auto migrate = next_step(m);
    REQUIRE(migrate);
    CHECK(migrate->op == "live_migrate");
    CHECK(migrate->host == "host-s");
    CHECK(migrate->other_host == "host-t");
    fold(m, step_succeeded(m, {"host-t", power::running, {}}, 60));
    CHECK(m.move_stage == "post");
    CHECK(next_step(m)->op == "live_post");
    auto p = port("p1");
    p.set_host("host-t");
    fold(m, step_succeeded(m, {"host-t", 0, {p}, true, {}}, 70));
    CHECK(m.task_state.empty());
    CHECK(m.host == "host-t");
    CHECK(m.ports.at(0).host() == "host-t");
  }

  TEST_CASE("a live migration the hypervisor refuses connects the volumes "
            "back to the source") {
    auto m = active_on_source();
    fold(m, *begin_action(m, request_for(action_kind::live_migrate)));
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 40));
    fold(m, step_succeeded(m, {"host-t", 0, {}, true, {"vol-1"}}, 50));
    fold(m, step_failed(m, "live migration is not implemented", 60));
    CHECK(m.move_stage == "rollback");
    auto back = next_step(m);
    REQUIRE(back);
    CHECK(back->op == "live_rollback");
    CHECK(back->host == "host-s");
    fold(m, step_succeeded(m, {"host-s", 0, {}, true, {"vol-1"}}, 70));
    CHECK(m.task_state.empty());
    CHECK(m.vm_state == "active");
    CHECK(m.host == "host-s");
    CHECK(m.volumes.at(0).host() == "host-s");
  }

  TEST_CASE("shelve offload unbinds the ports and disconnects the volumes; "
            "unshelve lands them on the new host") {
    auto m = active_on_source();
    fold(m, *begin_action(m, request_for(action_kind::shelve)));
    fold(m, step_succeeded(m, {"host-s", power::shutdown, {}}, 40));
    auto offload = next_step(m);
    REQUIRE(offload);
    CHECK(offload->op == "offload");
    auto unbound = port("p1");
    unbound.set_host("");
    fold(m, step_succeeded(m, {"", 0, {unbound}, true, {"vol-1"}}, 50));
    CHECK(m.vm_state == "shelved_offloaded");
    CHECK(m.host.empty());
    CHECK(m.ports.at(0).host().empty());
    CHECK(m.volumes.at(0).host().empty());
    fold(m, *begin_action(m, request_for(action_kind::unshelve)));
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 60));
    auto spawn = next_step(m);
    REQUIRE(spawn);
    CHECK(spawn->op == "spawn");
    CHECK(spawn->host == "host-t");
    fold(m, step_succeeded(m, landed_on("host-t"), 70));
    CHECK(m.vm_state == "active");
    CHECK(m.ports.at(0).host() == "host-t");
    CHECK(m.volumes.at(0).host() == "host-t");
  }

  TEST_CASE("an unshelve whose spawn fails is offloaded again") {
    auto m = active_on_source();
    fold(m, *begin_action(m, request_for(action_kind::shelve)));
    fold(m, step_succeeded(m, {"host-s", power::shutdown, {}}, 40));
    fold(m, step_succeeded(m, {"", 0, {}, true, {}}, 50));
    fold(m, *begin_action(m, request_for(action_kind::unshelve)));
    fold(m, step_succeeded(m, {"host-t", 0, {}}, 60));
    fold(m, step_failed(m, "spawn failed", 70));
    CHECK(m.move_stage == "rollback");
    CHECK(next_step(m)->op == "offload");
    fold(m, step_succeeded(m, {"", 0, {}, true, {"vol-1"}}, 80));
    CHECK(m.vm_state == "shelved_offloaded");
    CHECK(m.host.empty());
  }

  TEST_CASE("a failed boot cleans up before it ends in error with the "
            "fault") {
    pb::InstanceCreated c;
    c.set_id("5a1e1e6c-7d39-4a4e-9d3a-0c1f1b2a3c4d");
    c.mutable_flavor()->set_id("1");
    auto* v = c.add_block_device_volumes();
    v->set_volume_id("vol-boot");
    v->set_phase("attached");
    v->set_boot(true);
    v->set_boot_index(0);
    v->set_delete_on_termination(true);
    v->set_attachment_id("att-boot");
    instance_model m;
    fold(m, begin_create(c, "req-1"));
    fold(m, step_succeeded(m, {"host-s", 0, {}}, 10));
    fold(m, step_failed(m, "spawn failed", 20));
    CHECK(m.vm_state == "building");
    CHECK(m.move_stage == "cleanup");
    CHECK(api_status(m) == "BUILD");
    auto release = next_volume_step(m);
    REQUIRE(release);
    CHECK(release->op == "release");
    CHECK(release->delete_volume);
    fold(m, volume_step_succeeded(m, *release, "", 30));
    CHECK(m.volumes.empty());
    auto abort = next_step(m);
    REQUIRE(abort);
    CHECK(abort->op == "abort_boot");
    CHECK(abort->host == "host-s");
    auto events = step_succeeded(m, {"host-s", 0, {}}, 40);
    CHECK(events.back().action_finished().failed());
    fold(m, events);
    CHECK(m.vm_state == "error");
    CHECK(m.fault == "spawn failed");
    CHECK(m.task_state.empty());
  }

  TEST_CASE("a delete overtakes a failed boot's clean-up") {
    pb::InstanceCreated c;
    c.set_id("5a1e1e6c-7d39-4a4e-9d3a-0c1f1b2a3c4d");
    c.mutable_flavor()->set_id("1");
    instance_model m;
    fold(m, begin_create(c, "req-1"));
    fold(m, step_failed(m, "No valid host was found.", 10));
    REQUIRE(m.move_stage == "cleanup");
    fold(m, *begin_action(m, request_for(action_kind::delete_)));
    CHECK(m.move_stage.empty());
    CHECK(next_step(m)->op == "delete");
  }
}
