#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>

#include "actors/identity/crypto/key_repository.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::identity;
namespace fs = std::filesystem;

namespace {

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator{dir}) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

unsigned mode_of(const fs::path& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<uint32_t> numbers(const key_set& keys) {
  std::vector<uint32_t> out;
  for (const auto& k : keys.keys()) {
    out.push_back(k.index);
  }
  return out;
}

} // namespace

TEST_SUITE("actors/identity/crypto") {

TEST_CASE("setup creates a private directory with a staged and a primary key") {
  testing::temp_dir tmp;
  auto dir = tmp.path() / "etc" / "fernet-keys";
  REQUIRE(key_repository::setup(dir).ok());
  CHECK(names_in(dir) == std::set<std::string>{"0", "1"});
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir / "0") == 0600);
  CHECK(mode_of(dir / "1") == 0600);
  // Fernet's key format: 32 bytes in url-safe base64 with padding.
  auto text = read_file(dir / "1");
  CHECK(text.size() == 44);
  CHECK(text.back() == '=');
  CHECK(read_file(dir / "0") != text);
  auto keys = key_repository::load(dir);
  REQUIRE(keys.ok());
  CHECK(numbers(*keys) == std::vector<uint32_t>{1, 0});
  CHECK(keys->primary().index == 1);
}

TEST_CASE("setup keeps existing keys and restores a missing staged key") {
  testing::temp_dir tmp;
  REQUIRE(key_repository::setup(tmp.path()).ok());
  auto primary = read_file(tmp.path() / "1");
  auto staged = read_file(tmp.path() / "0");
  REQUIRE(key_repository::setup(tmp.path()).ok());
  CHECK(read_file(tmp.path() / "1") == primary);
  CHECK(read_file(tmp.path() / "0") == staged);
  fs::remove(tmp.path() / "0");
  REQUIRE(key_repository::setup(tmp.path()).ok());
  CHECK(names_in(tmp.path()) == std::set<std::string>{"0", "1"});
  CHECK(read_file(tmp.path() / "1") == primary);
}

TEST_CASE("rotation promotes the staged key and stages a new one") {
  testing::temp_dir tmp;
  REQUIRE(key_repository::setup(tmp.path()).ok());
  auto staged = read_file(tmp.path() / "0");
  REQUIRE(key_repository::rotate(tmp.path(), 3).ok());
  CHECK(names_in(tmp.path()) == std::set<std::string>{"0", "1", "2"});
  CHECK(read_file(tmp.path() / "2") == staged);
  CHECK(read_file(tmp.path() / "0") != staged);
  CHECK(mode_of(tmp.path() / "0") == 0600);
  auto keys = key_repository::load(tmp.path());
  REQUIRE(keys.ok());
  CHECK(keys->primary().index == 2);
}

TEST_CASE("rotation keeps max_active_keys keys, dropping the oldest") {
  testing::temp_dir tmp;
  REQUIRE(key_repository::setup(tmp.path()).ok());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(key_repository::rotate(tmp.path(), 3).ok());
  }
  CHECK(names_in(tmp.path()) == std::set<std::string>{"0", "5", "6"});
  REQUIRE(key_repository::rotate(tmp.path(), 5).ok());
  REQUIRE(key_repository::rotate(tmp.path(), 5).ok());
  CHECK(names_in(tmp.path())
        == std::set<std::string>{"0", "5", "6", "7", "8"});
  REQUIRE(key_repository::rotate(tmp.path(), 2).ok());
  CHECK(names_in(tmp.path()) == std::set<std::string>{"0", "9"});
}

TEST_CASE("rotation refuses a bad count and a missing or corrupt staged key") {
  testing::temp_dir tmp;
  REQUIRE(key_repository::setup(tmp.path()).ok());
  auto one = key_repository::rotate(tmp.path(), 1);
  CHECK(one.code() == errc::invalid_argument);
  auto staged = read_file(tmp.path() / "0");
  write_file(tmp.path() / "0", "garbage");
  auto corrupt = key_repository::rotate(tmp.path(), 3);
  CHECK(corrupt.code() == errc::corruption);
  CHECK(names_in(tmp.path()) == std::set<std::string>{"0", "1"});
  write_file(tmp.path() / "0", staged);
  fs::remove(tmp.path() / "0");
  auto missing = key_repository::rotate(tmp.path(), 3);
  CHECK(missing.code() == errc::corruption);
  CHECK(names_in(tmp.path()) == std::set<std::string>{"1"});
  auto empty = key_repository::rotate(tmp.path() / "nothing", 3);
  CHECK(empty.code() == errc::io_error);
}

TEST_CASE("loading reads Keystone key files and ignores other files") {
  testing::temp_dir tmp;
  // A key as `keystone-manage fernet_setup` writes it, plus an editor's
  // trailing newline.
  write_file(tmp.path() / "0",
             "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
  write_file(tmp.path() / "3", "9W7As3y-K8O6SiHYSZ_SZXbq4jSfE5T2-6OVZFpCTRY");
  write_file(tmp.path() / "README", "not a key");
  write_file(tmp.path() / "01", "not a key either");
  write_file(tmp.path() / ".key.tmp-abc123", "half written");
  fs::create_directory(tmp.path() / "7");
  auto keys = key_repository::load(tmp.path());
  REQUIRE_MESSAGE(keys.ok(), keys.error().describe());
  CHECK(numbers(*keys) == std::vector<uint32_t>{3, 0});
  const auto& staged = keys->keys()[1].material;
  for (size_t i = 0; i < staged.size(); ++i) {
    CHECK(staged[i] == i);
  }
}

TEST_CASE("loading reports unreadable, empty and corrupt repositories") {
  testing::temp_dir tmp;
  auto missing = key_repository::load(tmp.path() / "absent");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == errc::io_error);
  auto empty = key_repository::load(tmp.path());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code() == errc::not_found);
  const std::string key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  for (const auto& text : std::vector<std::string>{
         "", "short", key + "AAAA", key.substr(0, 42) + "+=",
         key.substr(0, 42) + "9", std::string(4096, 'A')}) {
    CAPTURE(text.substr(0, 60));
    write_file(tmp.path() / "1", text);
    auto corrupt = key_repository::load(tmp.path());
    REQUIRE_FALSE(corrupt.ok());
    CHECK(corrupt.error().code() == errc::corruption);
    CHECK(corrupt.error().message().find((tmp.path() / "1").string())
          != std::string::npos);
  }
}

TEST_CASE("setup fails cleanly where the directory cannot be") {
  testing::temp_dir tmp;
  write_file(tmp.path() / "file", "x");
  auto st = key_repository::setup(tmp.path() / "file");
  CHECK(st.code() == errc::io_error);
  auto nested = key_repository::setup(tmp.path() / "file" / "keys");
  CHECK(nested.code() == errc::io_error);
}

} // TEST_SUITE
