#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "actors/compute/core/transitions.hpp"
#include "actors/compute/core/volume_attachments.hpp"

using namespace strato;
using namespace strato::compute;

namespace {

const std::string server_id = "3f0c5e36-1111-4c9b-a5b7-000000000001";
const std::string vol_a = "9a1d2c3b-0000-4000-8000-00000000000a";
const std::string vol_b = "9a1d2c3b-0000-4000-8000-00000000000b";

instance_model server_in(std::string vm_state, std::string task_state = "") {
  instance_model m;
  m.created.set_id(server_id);
  m.created.set_project_id("p1");
  m.vm_state = std::move(vm_state);
  m.task_state = std::move(task_state);
  m.launched_at_us = 1;
  m.host = "compute-1";
  return m;
}

void fold(instance_model& m, const std::vector<pb::InstanceEvent>& events) {
  for (const auto& ev : events) {
    m.apply(ev);
  }
}

volume_attach_request attach_of(const std::string& volume_id,
                                std::string device = {}) {
  volume_attach_request req;
  req.volume_id = volume_id;
  req.device = std::move(device);
  req.request_id = "req-attach-" + volume_id.substr(volume_id.size() - 1);
  req.bdm_uuid = "bdm-" + volume_id;
  return req;
}

volume_detach_request detach_of(const std::string& volume_id) {
  volume_detach_request req;
  req.volume_id = volume_id;
  req.request_id = "req-detach";
  return req;
}

/// The ops of the steps run until no volume work is left, each succeeding.
std::vector<std::string> settle(instance_model& m) {
  std::vector<std::string> ops;
  for (int guard = 0; guard < 20; ++guard) {
    auto step = next_volume_step(m);
    if (!step) {
      break;
    }
    ops.push_back(step->op);
    fold(m, volume_step_succeeded(m, *step, "att-" + step->volume_id, 10));
  }
  return ops;
}

const pb::ActionFinished* last_finish(const std::vector<pb::InstanceEvent>& events) {
  const pb::ActionFinished* found = nullptr;
  for (const auto& ev : events) {
    if (ev.has_action_finished()) {
      found = &ev.action_finished();
    }
  }
  return found;
}

instance_model with_attached(const std::string& volume_id) {
  auto m = server_in("active");
  fold(m, *begin_attach(m, attach_of(volume_id)));
  settle(m);
  return m;
}

} // namespace

TEST_SUITE("actors/compute/volume_attachments") {
  TEST_CASE("an attach reserves, connects and completes, then is attached") {
    auto m = server_in("active");
    auto events = begin_attach(m, attach_of(vol_a));
    REQUIRE(events.ok());
    REQUIRE(events->size() == 2);
    CHECK(events->at(0).action_started().action() == "attach_volume");
    fold(m, *events);
    REQUIRE(m.volumes.size() == 1);
    CHECK(m.volumes[0].phase() == "reserving");
    CHECK(m.volumes[0].device() == "/dev/vdb");
    CHECK(m.volume_work_pending());
    CHECK_FALSE(m.passivation_allowed());
    CHECK(settle(m)
          == std::vector<std::string>{"reserve", "connect", "complete"});
    CHECK(m.volumes[0].phase() == "attached");
    CHECK(m.volumes[0].attachment_id() == "att-" + vol_a);
    CHECK_FALSE(m.volume_work_pending());
    CHECK(m.task_state.empty());
  }

  TEST_CASE("the connect step runs on the server's host") {
    auto m = server_in("active");
    fold(m, *begin_attach(m, attach_of(vol_a)));
    auto reserve = next_volume_step(m);
    fold(m, volume_step_succeeded(m, *reserve, "att-1", 5));
    auto connect = next_volume_step(m);
    REQUIRE(connect.has_value());
    CHECK(connect->op == "connect");
    CHECK(connect->host == "compute-1");
    CHECK(connect->attachment_id == "att-1");
    CHECK(connect->on_guest);
    CHECK_FALSE(reserve->on_guest);
  }

  TEST_CASE("devices are picked in order and a requested one must be free") {
    auto m = with_attached(vol_a);
    auto second = begin_attach(m, attach_of(vol_b));
    REQUIRE(second.ok());
    CHECK(second->at(1).volume_attach_requested().device() == "/dev/vdc");
    auto clash = begin_attach(m, attach_of(vol_b, "/dev/vdb"));
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.error().code() == errc::conflict);
    CHECK(clash.error().message()
          == "The supplied device path (/dev/vdb) is in use.");
  }

  TEST_CASE("a volume the server already has is refused as Nova does") {
    auto m = with_attached(vol_a);
    auto again = begin_attach(m, attach_of(vol_a));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code() == errc::invalid_argument);
    CHECK(again.error().message()
          == "Invalid volume: volume " + vol_a + " already attached");
  }

  TEST_CASE("attach and detach follow Nova's state checks") {
    for (auto vm : {"active", "paused", "stopped", "resized", "shelved",
                    "shelved_offloaded"}) {
      CAPTURE(vm);
      CHECK(check_volume_action(server_in(vm), true, false).ok());
    }
    auto building = check_volume_action(server_in("building", "spawning"),
                                        true, false);
    CHECK(building.code() == errc::invalid_transition);
    CHECK(building.message()
          == "Cannot 'attach_volume' instance " + server_id
               + " while it is in vm_state building");
    auto busy = check_volume_action(server_in("active", "rebooting"), false,
                                    false);
    CHECK(busy.message()
          == "Cannot 'detach_volume' instance " + server_id
               + " while it is in task_state rebooting");
    auto locked = server_in("active");
    locked.locked = true;
    CHECK(check_volume_action(locked, true, false).message()
          == "Instance " + server_id + " is locked");
    CHECK(check_volume_action(locked, true, true).ok());
  }

  TEST_CASE("a refused reserve removes the attachment and fails the action") {
    auto m = server_in("active");
    fold(m, *begin_attach(m, attach_of(vol_a)));
    auto step = next_volume_step(m);
    auto events = volume_step_failed(m, *step, "Invalid volume: in-use", 7);
    REQUIRE(last_finish(events) != nullptr);
    CHECK(last_finish(events)->failed());
    CHECK(last_finish(events)->request_id() == "req-attach-a");
    fold(m, events);
    CHECK(m.volumes.empty());
    CHECK_FALSE(next_volume_step(m).has_value());
  }

  TEST_CASE("a failed hypervisor attach rolls back and records the fault") {
    auto m = server_in("active");
    fold(m, *begin_attach(m, attach_of(vol_a)));
    fold(m, volume_step_succeeded(m, *next_volume_step(m), "att-1", 5));
    auto connect = next_volume_step(m);
    fold(m, volume_step_failed(m, *connect, "disk busy", 6));
    REQUIRE(m.volumes.size() == 1);
    CHECK(m.volumes[0].phase() == "rolling_back");
    auto undo = next_volume_step(m);
    REQUIRE(undo.has_value());
    CHECK(undo->op == "roll_back");
    CHECK(undo->on_guest);
    CHECK(undo->attachment_id == "att-1");
    auto events = volume_step_succeeded(m, *undo, "", 8);
    REQUIRE(last_finish(events) != nullptr);
    CHECK(last_finish(events)->failed());
    CHECK(last_finish(events)->message() == "disk busy");
    fold(m, events);
    CHECK(m.volumes.empty());
  }

  TEST_CASE("a detach removes the attachment and finishes its action") {
    auto m = with_attached(vol_a);
    auto events = begin_detach(m, detach_of(vol_a));
    REQUIRE(events.ok());
    CHECK(events->at(0).action_started().action() == "detach_volume");
    fold(m, *events);
    CHECK(m.volumes[0].phase() == "detaching");
    auto step = next_volume_step(m);
    REQUIRE(step.has_value());
    CHECK(step->op == "detach");
    auto done = volume_step_succeeded(m, *step, "", 9);
    REQUIRE(last_finish(done) != nullptr);
    CHECK(last_finish(done)->request_id() == "req-detach");
    CHECK_FALSE(last_finish(done)->failed());
    fold(m, done);
    CHECK(m.volumes.empty());
  }

  TEST_CASE("a failed detach leaves the volume attached") {
    auto m = with_attached(vol_a);
    fold(m, *begin_detach(m, detach_of(vol_a)));
    fold(m, volume_step_failed(m, *next_volume_step(m), "guest refused", 9));
    REQUIRE(m.volumes.size() == 1);
    CHECK(m.volumes[0].phase() == "attached");
    CHECK_FALSE(m.volume_work_pending());
  }

  TEST_CASE("detaching what is not attached is refused") {
    auto m = server_in("active");
    auto missing = begin_detach(m, detach_of(vol_a));
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code() == errc::not_found);
    CHECK(missing.error().message()
          == "Instance " + server_id + " is not attached to volume " + vol_a);
    fold(m, *begin_attach(m, attach_of(vol_a)));
    auto early = begin_detach(m, detach_of(vol_a));
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().code() == errc::invalid_argument);
  }

  TEST_CASE("a delete releases every volume, attached or half way") {
    auto m = with_attached(vol_a);
    fold(m, *begin_attach(m, attach_of(vol_b)));
    m.task_state = "deleting";
    auto first = next_volume_step(m);
    REQUIRE(first.has_value());
    CHECK(first->op == "release");
    CHECK(first->volume_id == vol_a);
    fold(m, volume_step_succeeded(m, *first, "", 11));
    auto second = next_volume_step(m);
    REQUIRE(second.has_value());
    CHECK(second->op == "release");
    CHECK_FALSE(second->on_guest); // Still reserving: never on the guest.
    // A release that fails still lets the delete go on.
    auto events = volume_step_failed(m, *second, "volume service down", 12);
    REQUIRE(last_finish(events) != nullptr);
    CHECK(last_finish(events)->request_id() == "req-attach-b");
    CHECK(last_finish(events)->failed());
    fold(m, events);
    CHECK(m.volumes.empty());
    CHECK_FALSE(next_volume_step(m).has_value());
  }

  TEST_CASE("attachments survive a snapshot and restore") {
    auto m = with_attached(vol_a);
    fold(m, *begin_attach(m, attach_of(vol_b, "/dev/vdd")));
    instance_model restored;
    REQUIRE(restored.restore(m.snapshot_state()).ok());
    REQUIRE(restored.volumes.size() == 2);
    CHECK(restored.volumes[0].phase() == "attached");
    CHECK(restored.volumes[1].phase() == "reserving");
    CHECK(restored.volumes[1].device() == "/dev/vdd");
    CHECK(next_volume_step(restored) == next_volume_step(m));
  }
}

namespace {

/// A server being created with one block device mapping volume.
instance_model booting_with(const std::string& phase, bool delete_on_end) {
  pb::InstanceCreated c;
  c.set_id(server_id);
  c.set_project_id("p1");
  c.mutable_flavor()->set_id("1");
  auto* v = c.add_block_device_volumes();
  v->set_volume_id(vol_a);
  v->set_phase(phase);
  v->set_device("/dev/vda");
  v->set_boot(true);
  v->set_boot_index(0);
  v->set_delete_on_termination(delete_on_end);
  v->set_request_id("req-boot");
  if (phase == "creating") {
    v->mutable_create()->set_image_id("img-1");
    v->mutable_create()->set_size_gb(1);
  }
  instance_model m;
  fold(m, begin_create(c, "req-boot"));
  return m;
}

} // namespace

TEST_SUITE("actors/compute/volume_attachments at boot") {
  TEST_CASE("a volume the boot makes is created, then reserved and "
            "completed before the server has a host, within the create") {
    auto m = booting_with("creating", true);
    CHECK(m.volume_work_pending());
    auto ops = settle(m);
    CHECK(ops == std::vector<std::string>{"create", "reserve", "connect",
                                          "complete"});
    REQUIRE(m.volumes.size() == 1);
    CHECK(m.volumes[0].phase() == "attached");
    CHECK(m.volumes[0].host().empty());
    CHECK(m.current_action == "create");
    CHECK(next_step(m)->op == "pick");
  }

  TEST_CASE("a boot volume the service refuses fails the boot, whose "
            "clean-up releases it") {
    auto m = booting_with("reserving", false);
    auto step = next_volume_step(m);
    REQUIRE(step);
    CHECK(step->op == "reserve");
    CHECK(step->host.empty());
    fold(m, volume_step_failed(m, *step, "Invalid volume: it is in-use.", 10));
    CHECK(m.move_stage == "cleanup");
    CHECK(m.fault == "Build of instance " + server_id
                       + " aborted: Invalid volume: it is in-use.");
    auto release = next_volume_step(m);
    REQUIRE(release);
    CHECK(release->op == "release");
    CHECK_FALSE(release->delete_volume);
  }

  TEST_CASE("the root volume of a server cannot be detached") {
    auto m = booting_with("reserving", false);
    settle(m);
    m.vm_state = "active";
    m.task_state.clear();
    auto refused = begin_detach(m, detach_of(vol_a));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() == "Cannot detach a root device volume");
  }
}
