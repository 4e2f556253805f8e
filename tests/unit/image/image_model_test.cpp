#include <doctest/doctest.h>

#include "actors/image/model/image_model.hpp"

namespace strato::image {

namespace {

v1::ImageAttributes attributes(std::string visibility = "private") {
  v1::ImageAttributes attrs;
  attrs.set_name("cirros");
  attrs.set_visibility(std::move(visibility));
  attrs.set_disk_format("qcow2");
  attrs.set_container_format("bare");
  return attrs;
}

/// Applies what `decided` holds; fails the test if it is an error.
void apply_all(image_model& model, const result<image_events>& decided) {
  REQUIRE(decided.ok());
  for (const auto& ev : *decided) {
    model.apply(ev);
  }
}

image_model created(std::string visibility = "private") {
  image_model model;
  apply_all(model, model.decide_create("img", "owner-p", attributes(visibility), 1));
  return model;
}

image_model active(std::string visibility = "private") {
  auto model = created(std::move(visibility));
  apply_all(model, model.decide_upload_start("up", 2));
  upload_outcome out{"up", 10, 20, "md5", "sha", "/store/img"};
  apply_all(model, model.decide_upload_complete(out, 3));
  return model;
}

} // namespace

TEST_SUITE("actors/image/model") {

TEST_CASE("a created image is queued and an upload makes it active") {
  auto model = created();
  CHECK(model.record().status() == v1::IMAGE_STATUS_QUEUED);
  apply_all(model, model.decide_upload_start("up", 2));
  CHECK(model.record().status() == v1::IMAGE_STATUS_SAVING);
  upload_outcome out{"up", 10, 20, "md5", "sha", "/store/img"};
  apply_all(model, model.decide_upload_complete(out, 3));
  CHECK(model.record().status() == v1::IMAGE_STATUS_ACTIVE);
  CHECK(model.record().size() == 10);
  CHECK(model.record().virtual_size() == 20);
  CHECK(model.record().os_hash_algo() == "sha512");
}

TEST_CASE("a failed upload returns the image to queued") {
  auto model = created();
  apply_all(model, model.decide_upload_start("up", 2));
  apply_all(model, model.decide_upload_fail("up", "bad data", 3));
  CHECK(model.record().status() == v1::IMAGE_STATUS_QUEUED);
  CHECK(model.decide_upload_fail("up", "again", 4)->empty());
}

TEST_CASE("an active image cannot receive data again") {
  auto model = active();
  auto again = model.decide_upload_start("up2", 4);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == errc::invalid_transition);
}

TEST_CASE("uploading needs disk and container formats") {
  image_model model;
  auto attrs = attributes();
  attrs.clear_disk_format();
  apply_all(model, model.decide_create("img", "p", attrs, 1));
  auto start = model.decide_upload_start("up", 2);
  REQUIRE_FALSE(start.ok());
  CHECK(start.error().code() == errc::invalid_argument);
}

TEST_CASE("an upload that completes after a delete is refused") {
  auto model = created();
  apply_all(model, model.decide_upload_start("up", 2));
  apply_all(model, model.decide_delete(3));
  upload_outcome out{"up", 10, 20, "md5", "sha", "/store/img"};
  CHECK_FALSE(model.decide_upload_complete(out, 4).ok());
}

TEST_CASE("unknown formats and visibilities are refused at create") {
  image_model model;
  auto attrs = attributes();
  attrs.set_disk_format("floppy");
  CHECK(model.decide_create("img", "p", attrs, 1).error().code()
        == errc::invalid_argument);
  attrs = attributes("everyone");
  CHECK_FALSE(model.decide_create("img", "p", attrs, 1).ok());
  attrs = attributes();
  (*attrs.mutable_properties())["status"] = "active";
  CHECK(model.decide_create("img", "p", attrs, 1).error().code()
        == errc::forbidden);
}

TEST_CASE("deactivate and reactivate follow Glance") {
  auto model = active();
  apply_all(model, model.decide_deactivate(4));
  CHECK(model.record().status() == v1::IMAGE_STATUS_DEACTIVATED);
  CHECK(model.decide_deactivate(5)->empty());
  apply_all(model, model.decide_reactivate(6));
  CHECK(model.record().status() == v1::IMAGE_STATUS_ACTIVE);
  auto queued = created();
  CHECK(queued.decide_deactivate(2).error().code() == errc::forbidden);
  CHECK(queued.decide_reactivate(2).error().code() == errc::forbidden);
}

TEST_CASE("a protected image cannot be deleted") {
  auto model = active();
  auto attrs = model.record().attributes();
  attrs.set_protected_(true);
  apply_all(model, model.decide_update(attrs, 4));
  CHECK(model.decide_delete(5).error().code() == errc::forbidden);
}

TEST_CASE("an image in use cannot be deleted until every consumer releases it") {
  auto model = active();
  apply_all(model, model.decide_use("instance/i-1"));
  CHECK(model.decide_use("instance/i-1")->empty()); // idempotent
  apply_all(model, model.decide_use("volume/v-1"));
  CHECK(model.decide_delete(4).error().code() == errc::conflict);
  apply_all(model, model.decide_release("instance/i-1"));
  CHECK(model.decide_delete(4).error().code() == errc::conflict);
  apply_all(model, model.decide_release("volume/v-1"));
  CHECK(model.decide_release("volume/v-1")->empty());
  apply_all(model, model.decide_delete(5));
  CHECK_FALSE(model.exists());
  CHECK(model.decide_delete(6).error().code() == errc::not_found);
}

TEST_CASE("only active images can be taken into use") {
  auto model = created();
  CHECK(model.decide_use("instance/i").error().code()
        == errc::invalid_transition);
}

TEST_CASE("disk_format can change only while queued") {
  auto model = active();
  auto attrs = model.record().attributes();
  attrs.set_disk_format("raw");
  CHECK(model.decide_update(attrs, 4).error().code() == errc::forbidden);
  auto queued = created();
  apply_all(queued, queued.decide_update(attrs, 4));
  CHECK(queued.record().attributes().disk_format() == "raw");
}

TEST_CASE("visibility rules: private, shared, public and community") {
  viewer owner{"owner-p", false};
  viewer other{"other-p", false};
  viewer admin{"", true};
  auto priv = active("private");
  CHECK(visible_to(priv.record(), owner));
  CHECK_FALSE(visible_to(priv.record(), other));
  CHECK(visible_to(priv.record(), admin));
  auto shared = active("shared");
  CHECK_FALSE(visible_to(shared.record(), other));
  apply_all(shared, shared.decide_member_add("other-p", 4));
  CHECK(visible_to(shared.record(), other));
  CHECK(shared.decide_member_add("other-p", 5).error().code() == errc::conflict);
  apply_all(shared, shared.decide_member_status("other-p", "accepted", 6));
  CHECK(shared.record().members().at("other-p").status() == "accepted");
  apply_all(shared, shared.decide_member_remove("other-p", 7));
  CHECK_FALSE(visible_to(shared.record(), other));
  CHECK(visible_to(active("public").record(), other));
  CHECK(visible_to(active("community").record(), other));
  CHECK(priv.decide_member_add("other-p", 4).error().code() == errc::forbidden);
}

TEST_CASE("a snapshot restores the same record") {
  auto model = active("shared");
  apply_all(model, model.decide_member_add("m", 4));
  image_model copy;
  REQUIRE(copy.restore(model.snapshot_state()).ok());
  CHECK(copy.record().SerializeAsString() == model.record().SerializeAsString());
}

}

} // namespace strato::image
