#include <doctest/doctest.h>

#include <filesystem>

#include "drivers/imagestore/image_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::imagestore {

TEST_SUITE("drivers/imagestore/filesystem_store") {

TEST_CASE("data becomes the image's only on commit, with its digests") {
  testing::temp_dir dir;
  auto store = open_filesystem_store(dir.str());
  REQUIRE(store.ok());
  auto writer = (*store)->begin_write("img-1", "up-1");
  REQUIRE(writer.ok());
  REQUIRE((*writer)->write("hello ").ok());
  REQUIRE((*writer)->write("world").ok());
  auto written = (*writer)->finish();
  REQUIRE(written.ok());
  CHECK(written->size == 11);
  CHECK(written->md5_hex == "5eb63bbbe01eeed093cb22bb8f5acdc3");
  CHECK(written->sha512_hex.substr(0, 16) == "309ecc489c12d6eb");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "img-1"));
  auto location = (*writer)->commit();
  REQUIRE(location.ok());
  CHECK(std::filesystem::exists(*location));
  auto reader = (*store)->open_read(*location, 6, 5);
  REQUIRE(reader.ok());
  CHECK((*reader)->read(100).value() == "world");
  CHECK((*reader)->read(100).value().empty());
}

TEST_CASE("an abandoned upload leaves no file behind") {
  testing::temp_dir dir;
  auto store = open_filesystem_store(dir.str());
  REQUIRE(store.ok());
  {
    auto writer = (*store)->begin_write("img-2", "up-2");
    REQUIRE(writer.ok());
    REQUIRE((*writer)->write("partial").ok());
  }
  CHECK(std::filesystem::is_empty(dir.path() / ".staging"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "img-2"));
}

TEST_CASE("leftover staging files are removed when the store opens") {
  testing::temp_dir dir;
  std::filesystem::create_directories(dir.path() / ".staging");
  std::filesystem::path leftover = dir.path() / ".staging" / "crashed";
  { auto f = std::fopen(leftover.c_str(), "w"); std::fclose(f); }
  auto store = open_filesystem_store(dir.str());
  REQUIRE(store.ok());
  CHECK_FALSE(std::filesystem::exists(leftover));
  CHECK((*store)->remove(dir.str() + "/absent").ok());
}

}

} // namespace strato::imagestore
