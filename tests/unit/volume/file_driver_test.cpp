#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "drivers/volume/subprocess.hpp"
#include "drivers/volume/volume_driver.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::volume {

namespace {

constexpr uint64_t gib = uint64_t{1} << 30;

/// What `qemu-img info --output=json` says about `path`.
nlohmann::json qemu_info(const std::string& path) {
  auto out = internal::run_checked({"qemu-img", "info", "-U", "--output=json", path});
  REQUIRE(out.ok());
  return nlohmann::json::parse(*out);
}

struct driver_fixture {
  testing::temp_dir dir;
  std::shared_ptr<volume_driver> driver;

  driver_fixture() {
    volume_driver_config config;
    config.volumes_dir = dir.str() + "/volumes";
    config.backups_dir = dir.str() + "/backups";
    auto made = make_volume_driver(config);
    REQUIRE(made.ok());
    driver = *made;
  }
};

} // namespace

TEST_SUITE("drivers/volume/file") {

TEST_CASE("create makes a qcow2 file of the requested virtual size") {
  driver_fixture f;
  auto file = f.driver->create("v1", 1);
  REQUIRE(file.ok());
  auto info = qemu_info(file->path);
  CHECK(info["format"] == "qcow2");
  CHECK(info["virtual-size"].get<uint64_t>() == gib);
  // Creating it again (a retry) succeeds and keeps the file.
  CHECK(f.driver->create("v1", 1).ok());
}

TEST_CASE("extend grows the file's virtual size") {
  driver_fixture f;
  auto file = f.driver->create("v1", 1);
  REQUIRE(file.ok());
  REQUIRE(f.driver->extend("v1", 2).ok());
  CHECK(qemu_info(file->path)["virtual-size"].get<uint64_t>() == 2 * gib);
}

TEST_CASE("a snapshot is an independent copy a new volume is cloned from") {
  driver_fixture f;
  auto vol = f.driver->create("v1", 1);
  REQUIRE(vol.ok());
  auto snap = f.driver->snapshot(vol->path, "s1");
  REQUIRE(snap.ok());
  CHECK(qemu_info(snap->path)["format"] == "qcow2");
  CHECK_FALSE(qemu_info(snap->path).contains("backing-filename"));
  REQUIRE(f.driver->remove("v1").ok());
  CHECK_FALSE(std::filesystem::exists(vol->path));
  auto clone = f.driver->clone(snap->path, "v2", 2);
  REQUIRE(clone.ok());
  CHECK(qemu_info(clone->path)["virtual-size"].get<uint64_t>() == 2 * gib);
  CHECK(f.driver->remove_snapshot("s1").ok());
  CHECK(f.driver->remove_snapshot("s1").ok()); // removing twice succeeds
}

TEST_CASE("a backup restores into a volume") {
  driver_fixture f;
  auto vol = f.driver->create("v1", 1);
  REQUIRE(vol.ok());
  auto backup = f.driver->backup(vol->path, "b1");
  REQUIRE(backup.ok());
  CHECK(backup->path.find("/backups/") != std::string::npos);
  auto restored = f.driver->restore(backup->path, "v2", 2);
  REQUIRE(restored.ok());
  CHECK(qemu_info(restored->path)["virtual-size"].get<uint64_t>() == 2 * gib);
}

TEST_CASE("a volume from a raw image is converted to qcow2") {
  driver_fixture f;
  auto image = f.dir.str() + "/image.raw";
  REQUIRE(internal::run_checked({"qemu-img", "create", "-q", "-f", "raw", image, "64M"}).ok());
  auto vol = f.driver->from_image(image, "raw", "v1", 1);
  REQUIRE(vol.ok());
  auto info = qemu_info(vol->path);
  CHECK(info["format"] == "qcow2");
  CHECK(info["virtual-size"].get<uint64_t>() == gib);
  auto too_small = f.driver->from_image(image, "raw", "v2", 0);
  CHECK_FALSE(too_small.ok());
}

TEST_CASE("the fake driver touches no disk and keeps sizes") {
  volume_driver_config config;
  config.kind = "fake";
  auto fake = make_volume_driver(config);
  REQUIRE(fake.ok());
  auto vol = (*fake)->create("v1", 1);
  REQUIRE(vol.ok());
  CHECK(vol->path.starts_with("fake://"));
  auto snap = (*fake)->snapshot(vol->path, "s1");
  REQUIRE(snap.ok());
  CHECK(snap->virtual_size_bytes == gib);
}

} // TEST_SUITE

} // namespace strato::volume
