#include <doctest/doctest.h>

#include "actors/volume/model/catalog.hpp"

namespace strato::volume {

namespace {

store::recorded_event record(std::string stream, uint64_t position,
                             const google::protobuf::Message& ev) {
  store::recorded_event rec;
  rec.stream = std::move(stream);
  rec.position = position;
  rec.type = ev.GetTypeName();
  rec.payload = ev.SerializeAsString();
  return rec;
}

} // namespace

TEST_SUITE("actors/volume/catalog") {

TEST_CASE("the catalog folds volume and snapshot streams and drops deleted ones") {
  volume_catalog catalog;
  pb::VolumeEvent created;
  created.set_at_us(1);
  created.mutable_created()->set_project_id("p1");
  created.mutable_created()->set_size_gb(1);
  pb::CopyEvent snap;
  snap.mutable_created()->set_volume_id("v1");
  catalog.apply({record("volume/v1", 1, created),
                 record("volume_snapshot/s1", 2, snap),
                 record("tenant/p1", 3, created)});
  catalog.read([](const catalog_contents& c) {
    REQUIRE(c.volumes.count("v1") == 1);
    CHECK(c.volumes.at("v1").project_id == "p1");
    CHECK(c.snapshots_of("v1") == 1);
    CHECK(c.position == 3);
    return 0;
  });
  pb::VolumeEvent deleting;
  deleting.mutable_delete_started();
  pb::VolumeEvent deleted;
  deleted.mutable_deleted();
  catalog.apply({record("volume/v1", 4, deleting), record("volume/v1", 5, deleted)});
  CHECK(catalog.read([](const catalog_contents& c) { return c.volumes.size(); }) == 0);
}

TEST_CASE("the default volume type is always there, by id and by name") {
  volume_catalog catalog;
  catalog.read([](const catalog_contents& c) {
    const auto* by_name = c.find_type("__DEFAULT__");
    REQUIRE(by_name != nullptr);
    CHECK(c.find_type(by_name->id) == by_name);
    return 0;
  });
}

} // TEST_SUITE

} // namespace strato::volume
