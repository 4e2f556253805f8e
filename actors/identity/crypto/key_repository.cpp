#include "actors/identity/crypto/key_repository.hpp"

#include <cerrno>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "actors/identity/crypto/key_files.hpp"

namespace strato::identity::key_repository {

namespace {

namespace fs = std::filesystem;
using internal::io_failure;
using key_files = std::map<uint32_t, fs::path>;

/// The key number a file name spells, if it is canonical decimal: "01" is
/// not a key, so two files never claim the same number.
std::optional<uint32_t> key_number(std::string_view name) {
  if (name.empty() || (name.size() > 1 && name[0] == '0')) {
    return std::nullopt;
  }
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (ec != std::errc{} || end != name.data() + name.size()) {
    return std::nullopt;
  }
  return n;
}

result<key_files> list_keys(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it{dir, ec};
  key_files found;
  for (; !ec && it != fs::directory_iterator{}; it.increment(ec)) {
    auto number = key_number(it->path().filename().string());
    std::error_code ignored; // A dangling entry is just not a key.
    if (number && it->is_regular_file(ignored)) {
      found.emplace(*number, it->path());
    }
  }
  if (ec) {
    return io_failure("cannot read key repository", dir, ec.value());
  }
  return found;
}

status write_key(const fs::path& dir, uint32_t number) {
  auto temp = internal::write_temp_key_file(dir);
  if (!temp) {
    return temp.error();
  }
  return internal::install_key_file(*temp, dir / std::to_string(number));
}

status make_dir(const fs::path& dir) {
  std::error_code ec;
  if (dir.has_parent_path()) {
    fs::create_directories(dir.parent_path(), ec);
    if (ec) {
      return io_failure("cannot create", dir.parent_path(), ec.value());
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return io_failure("cannot create key repository", dir, errno);
  }
  if (!fs::is_directory(dir, ec)) {
    return io_failure("cannot use key repository", dir, ENOTDIR);
  }
  return {};
}

/// Renames the staged key to `promoted` and a new key to 0.
status promote(const fs::path& dir, uint32_t promoted) {
  // The new staged key is written first so that the window without a key 0
  // is one rename long; `setup` repairs it if a crash hits that window.
  auto temp = internal::write_temp_key_file(dir);
  if (!temp) {
    return temp.error();
  }
  auto staged = dir / "0";
  auto primary = dir / std::to_string(promoted);
  if (::rename(staged.c_str(), primary.c_str()) != 0) {
    auto err = errno;
    ::unlink(temp->c_str());
    return io_failure("cannot promote staged key to", primary, err);
  }
  return internal::install_key_file(*temp, staged);
}

/// Deletes the lowest-numbered non-staged keys beyond `keep`.
status purge(const key_files& keys, size_t keep) {
  std::vector<fs::path> active;
  for (const auto& [number, path] : keys) {
    if (number != 0) {
      active.push_back(path);
    }
  }
  for (size_t i = 0; i + keep < active.size(); ++i) {
    if (::unlink(active[i].c_str()) != 0 && errno != ENOENT) {
      return io_failure("cannot delete key file", active[i], errno);
    }
  }
  return {};
}

status no_keys(const fs::path& dir) {
  return {errc::not_found, "no keys in " + dir.string() + "; run setup"};
}

} // namespace

status setup(const fs::path& dir) {
  if (auto made = make_dir(dir); !made.ok()) {
    return made;
  }
  auto keys = list_keys(dir);
  if (!keys) {
    return keys.error();
  }
  bool has_primary = !keys->empty() && keys->rbegin()->first != 0;
  if (!has_primary) {
    if (auto st = write_key(dir, 1); !st.ok()) {
      return st;
    }
  }
  if (!keys->contains(0)) {
    if (auto st = write_key(dir, 0); !st.ok()) {
      return st;
    }
  }
  return internal::sync_dir(dir);
}

status rotate(const fs::path& dir, uint32_t max_active_keys) {
  if (max_active_keys < 2) {
    return {errc::invalid_argument,
            "max_active_keys must be at least 2 (staged and primary)"};
  }
  auto keys = list_keys(dir);
  if (!keys) {
    return keys.error();
  }
  if (keys->empty()) {
    return no_keys(dir);
  }
  if (!keys->contains(0)) {
    return {errc::corruption, "staged key 0 is missing in " + dir.string()
                                + "; run setup to restore it"};
  }
  // Never promote garbage: the staged key becomes the one that encrypts.
  auto staged = internal::read_key_file(keys->at(0));
  if (!staged) {
    return staged.error();
  }
  OPENSSL_cleanse(staged->data(), staged->size());
  auto highest = keys->rbegin()->first;
  if (highest == UINT32_MAX) {
    return {errc::invalid_argument, "key numbers exhausted in " + dir.string()};
  }
  if (auto st = promote(dir, highest + 1); !st.ok()) {
    return st;
  }
  if (auto st = internal::sync_dir(dir); !st.ok()) {
    return st;
  }
  keys->emplace(highest + 1, dir / std::to_string(highest + 1));
  if (auto st = purge(*keys, max_active_keys - 1); !st.ok()) {
    return st;
  }
  return internal::sync_dir(dir);
}

result<key_set> load(const fs::path& dir) {
  auto keys = list_keys(dir);
  if (!keys) {
    return keys.error();
  }
  if (keys->empty()) {
    return no_keys(dir);
  }
  std::vector<std::pair<uint32_t, key_material>> materials;
  materials.reserve(keys->size());
  status failure;
  for (const auto& [number, path] : *keys) {
    auto material = internal::read_key_file(path);
    if (!material) {
      failure = material.error();
      break;
    }
    materials.emplace_back(number, *material);
    OPENSSL_cleanse(material->data(), material->size());
  }
  auto set = failure.ok() ? key_set::from_keys(materials)
                          : result<key_set>{std::move(failure)};
  OPENSSL_cleanse(materials.data(), materials.size() * sizeof(materials[0]));
  return set;
}

} // namespace strato::identity::key_repository
