#include <doctest/doctest.h>

#include "actors/volume/model/volume_state.hpp"

namespace strato::volume {

namespace {

/// A volume folded through `events` the way an entity and the catalog do.
struct volume_fixture {
  volume_record v;
  int64_t now = 1'700'000'000'000'000;

  void apply(const volume_decision& d) {
    REQUIRE(d.ok());
    REQUIRE(d->event_case() != pb::VolumeEvent::EVENT_NOT_SET);
    apply_volume_event(v, "vol-1", *d);
    now += 1000;
  }

  void make_available(uint64_t size = 1) {
    create_volume_spec spec;
    spec.id = "vol-1";
    spec.project_id = "p1";
    spec.size_gb = size;
    apply(decide_create(v, spec, now));
    apply(decide_create_finished(v, "/d/volume-vol-1.qcow2", "qcow2", false, now));
  }

  void set_status(volume_status s) {
    apply(decide_reset_status(v, s, false, now));
  }
};

} // namespace

TEST_SUITE("actors/volume/state") {

TEST_CASE("a created volume is creating, then available with its file") {
  volume_fixture f;
  create_volume_spec spec;
  spec.id = "vol-1";
  spec.size_gb = 2;
  f.apply(decide_create(f.v, spec, f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_CREATING);
  CHECK(to_string(f.v.status) == "creating");
  f.apply(decide_create_finished(f.v, "/x.qcow2", "qcow2", false, f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_AVAILABLE);
  CHECK(f.v.path == "/x.qcow2");
  CHECK(f.v.size_gb == 2);
}

TEST_CASE("a volume of size zero is refused") {
  volume_fixture f;
  create_volume_spec spec;
  spec.id = "vol-1";
  auto d = decide_create(f.v, spec, f.now);
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().code() == errc::invalid_argument);
}

TEST_CASE("a failed create leaves the volume in error, which may be deleted") {
  volume_fixture f;
  create_volume_spec spec;
  spec.id = "vol-1";
  spec.size_gb = 1;
  f.apply(decide_create(f.v, spec, f.now));
  f.apply(decide_driver_failed(f.v, "disk full", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_ERROR);
  CHECK(f.v.fail_reason == "disk full");
  f.apply(decide_delete(f.v, 0, false, f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_DELETING);
  f.apply(decide_delete_finished(f.v, f.now));
  CHECK(f.v.deleted);
  CHECK_FALSE(f.v.exists());
}

TEST_CASE("extend grows an available volume and refuses to shrink") {
  volume_fixture f;
  f.make_available(1);
  auto same = decide_extend(f.v, 1, false, f.now);
  REQUIRE_FALSE(same.ok());
  CHECK(same.error().message()
        == "Invalid input received: New size for extend must be greater than "
           "current size. (current: 1, extended: 1).");
  f.apply(decide_extend(f.v, 3, false, f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_EXTENDING);
  f.apply(decide_extend_finished(f.v, f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_AVAILABLE);
  CHECK(f.v.size_gb == 3);
}

TEST_CASE("an in-use volume extends only from microversion 3.42") {
  volume_fixture f;
  f.make_available();
  f.set_status(pb::VOLUME_STATUS_IN_USE);
  auto refused = decide_extend(f.v, 2, false, f.now);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == errc::invalid_argument);
  CHECK(refused.error().message().starts_with("Invalid volume: Volume vol-1 status must be"));
  f.apply(decide_extend(f.v, 2, true, f.now));
  f.apply(decide_extend_finished(f.v, f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_IN_USE);
}

TEST_CASE("delete is refused while creating, attached or with snapshots") {
  volume_fixture f;
  create_volume_spec spec;
  spec.id = "vol-1";
  spec.size_gb = 1;
  f.apply(decide_create(f.v, spec, f.now));
  auto creating = decide_delete(f.v, 0, false, f.now);
  REQUIRE_FALSE(creating.ok());
  CHECK(creating.error().message().starts_with(
    "Invalid volume: Volume status must be available or error"));
  f.apply(decide_create_finished(f.v, "/x", "qcow2", false, f.now));
  CHECK_FALSE(decide_delete(f.v, 1, false, f.now).ok());
  CHECK(decide_delete(f.v, 0, false, f.now).ok());
}

TEST_CASE("the attach flow walks reserved, attaching, in-use and back") {
  volume_fixture f;
  f.make_available();
  f.apply(decide_reserve(f.v, "att-1", "vm-1", "rw", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_RESERVED);
  // A retried reserve of the same attachment needs no event.
  auto again = decide_reserve(f.v, "att-1", "vm-1", "rw", f.now);
  REQUIRE(again.ok());
  CHECK(again->event_case() == pb::VolumeEvent::EVENT_NOT_SET);
  f.apply(decide_connect(f.v, "att-1", "host-a", "/dev/vdb", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_ATTACHING);
  f.apply(decide_attach_complete(f.v, "att-1", "/dev/vdb", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_IN_USE);
  CHECK(f.v.attachments.at(0).status == "attached");
  CHECK_FALSE(decide_delete(f.v, 0, true, f.now).ok());
  f.apply(decide_begin_detach(f.v, "att-1", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_DETACHING);
  f.apply(decide_remove_attachment(f.v, "att-1", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_AVAILABLE);
  CHECK(f.v.attachments.empty());
}

TEST_CASE("an attachment follows its server to another host and stays "
          "in-use") {
  volume_fixture f;
  f.make_available();
  f.apply(decide_reserve(f.v, "att-1", "vm-1", "rw", f.now));
  CHECK_FALSE(decide_move(f.v, "att-1", "host-b", f.now).ok());
  f.apply(decide_connect(f.v, "att-1", "host-a", "/dev/vdb", f.now));
  f.apply(decide_attach_complete(f.v, "att-1", "/dev/vdb", f.now));
  f.apply(decide_move(f.v, "att-1", "host-b", f.now));
  CHECK(f.v.attachments.at(0).host == "host-b");
  CHECK(f.v.attachments.at(0).status == "attached");
  CHECK(f.v.status == pb::VOLUME_STATUS_IN_USE);
  // The same host again (a resumed step) records nothing.
  auto again = decide_move(f.v, "att-1", "host-b", f.now);
  REQUIRE(again.ok());
  CHECK(again->event_case() == pb::VolumeEvent::EVENT_NOT_SET);
  // A shelve offload leaves it connected to no host.
  f.apply(decide_move(f.v, "att-1", "", f.now));
  CHECK(f.v.attachments.at(0).host.empty());
  CHECK_FALSE(decide_move(f.v, "att-9", "host-b", f.now).ok());
}

TEST_CASE("a second reserve of a non-multiattach volume is refused") {
  volume_fixture f;
  f.make_available();
  f.apply(decide_reserve(f.v, "att-1", "vm-1", "rw", f.now));
  auto second = decide_reserve(f.v, "att-2", "vm-2", "rw", f.now);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message()
        == "Invalid volume: Volume status must be available to reserve, but "
           "the status is reserved.");
}

TEST_CASE("unreserve rolls a reservation back to available") {
  volume_fixture f;
  f.make_available();
  f.apply(decide_reserve(f.v, "att-1", "vm-1", "rw", f.now));
  f.apply(decide_remove_attachment(f.v, "att-1", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_AVAILABLE);
}

TEST_CASE("a backup holds the volume and gives back its status") {
  volume_fixture f;
  f.make_available();
  f.apply(decide_busy_start(f.v, pb::VOLUME_STATUS_BACKING_UP, "b1", false, f.now));
  CHECK(to_string(f.v.status) == "backing-up");
  CHECK_FALSE(decide_extend(f.v, 4, true, f.now).ok());
  f.apply(decide_busy_finish(f.v, "b1", f.now));
  CHECK(f.v.status == pb::VOLUME_STATUS_AVAILABLE);
}

TEST_CASE("a late driver outcome after an admin reset is refused") {
  volume_fixture f;
  create_volume_spec spec;
  spec.id = "vol-1";
  spec.size_gb = 1;
  f.apply(decide_create(f.v, spec, f.now));
  f.set_status(pb::VOLUME_STATUS_ERROR);
  CHECK_FALSE(decide_create_finished(f.v, "/x", "qcow2", false, f.now).ok());
}

TEST_CASE("statuses are spelled as Cinder spells them") {
  CHECK(parse_volume_status("in-use") == pb::VOLUME_STATUS_IN_USE);
  CHECK(parse_volume_status("error_deleting") == pb::VOLUME_STATUS_ERROR_DELETING);
  CHECK(parse_volume_status("restoring-backup") == pb::VOLUME_STATUS_RESTORING_BACKUP);
  CHECK_FALSE(parse_volume_status("in_use").has_value());
  CHECK(to_string(pb::COPY_STATUS_ERROR_DELETING) == "error_deleting");
}

} // TEST_SUITE

} // namespace strato::volume
