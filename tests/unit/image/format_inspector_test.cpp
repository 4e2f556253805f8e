#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "drivers/imagestore/format_inspector.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::imagestore {

namespace {

constexpr uint64_t mib = uint64_t{1} << 20;

/// Makes a real image with qemu-img; `format` is qemu's name (vpc for vhd).
std::string make_image(const testing::temp_dir& dir, const std::string& format,
                       const std::string& options = "") {
  auto path = dir.str() + "/disk." + format;
  auto command = "qemu-img create -q -f " + format + " " + options + " "
                 + path + " 64M";
  REQUIRE(std::system(command.c_str()) == 0);
  return path;
}

std::string write_file(const testing::temp_dir& dir, const std::string& name,
                       const std::string& content) {
  auto path = dir.str() + "/" + name;
  std::ofstream{path, std::ios::binary} << content;
  return path;
}

uint64_t file_size(const std::string& path) {
  std::ifstream in{path, std::ios::binary | std::ios::ate};
  return static_cast<uint64_t>(in.tellg());
}

} // namespace

TEST_SUITE("drivers/imagestore/format_inspector") {

TEST_CASE("real qcow2, vmdk, vdi, vhd and vhdx images are recognised with "
          "their virtual size") {
  testing::temp_dir dir;
  struct sample {
    std::string qemu_format;
    std::string glance_format;
  };
  for (const auto& s : {sample{"qcow2", "qcow2"}, sample{"vmdk", "vmdk"},
                        sample{"vdi", "vdi"}, sample{"vpc", "vhd"},
                        sample{"vhdx", "vhdx"}}) {
    CAPTURE(s.qemu_format);
    auto path = make_image(dir, s.qemu_format);
    auto checked = inspect_image(path, s.glance_format, file_size(path));
    REQUIRE(checked.ok());
    CHECK(checked->detected_format == s.glance_format);
    // vpc rounds the size to its CHS geometry.
    CHECK(checked->virtual_size >= 64 * mib - 1 * mib);
    CHECK(checked->virtual_size <= 64 * mib + 1 * mib);
  }
}

TEST_CASE("a fixed vhd is recognised by its footer") {
  testing::temp_dir dir;
  auto path = make_image(dir, "vpc", "-o subformat=fixed");
  auto checked = inspect_image(path, "vhd", file_size(path));
  REQUIRE(checked.ok());
  CHECK(checked->detected_format == "vhd");
}

TEST_CASE("raw data declared as qcow2 is rejected") {
  testing::temp_dir dir;
  auto path = write_file(dir, "raw.img", std::string(70000, 'x'));
  auto checked = inspect_image(path, "qcow2", 70000);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().code() == errc::invalid_argument);
  CHECK(checked.error().message().find("qcow2") != std::string::npos);
}

TEST_CASE("a qcow2 declared as raw is rejected, plain bytes as raw pass") {
  testing::temp_dir dir;
  auto qcow2 = make_image(dir, "qcow2");
  CHECK_FALSE(inspect_image(qcow2, "raw", file_size(qcow2)).ok());
  auto raw = write_file(dir, "raw.img", std::string(4096, '\0'));
  auto checked = inspect_image(raw, "raw", 4096);
  REQUIRE(checked.ok());
  CHECK(checked->virtual_size == 4096);
}

TEST_CASE("a qcow2 with a backing file is refused") {
  testing::temp_dir dir;
  auto base = make_image(dir, "qcow2");
  auto child = dir.str() + "/child.qcow2";
  auto command = "qemu-img create -q -f qcow2 -F qcow2 -b " + base + " " + child;
  REQUIRE(std::system(command.c_str()) == 0);
  auto checked = inspect_image(child, "qcow2", file_size(child));
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().message().find("backing") != std::string::npos);
}

TEST_CASE("an iso is recognised by its volume descriptor") {
  std::string data(0x9000, '\0');
  data.replace(0x8001, 5, "CD001");
  CHECK(detect_format(data, "") == "iso");
  CHECK(detect_format(std::string(0x9000, '\0'), "") == "raw");
}

TEST_CASE("a truncated qcow2 header is still called qcow2 but fails qemu-img") {
  testing::temp_dir dir;
  auto path = write_file(dir, "short.qcow2", std::string{"QFI\xfb", 4});
  CHECK(detect_format(std::string{"QFI\xfb", 4}, "") == "qcow2");
  CHECK_FALSE(inspect_image(path, "qcow2", 4).ok());
}

}

} // namespace strato::imagestore
