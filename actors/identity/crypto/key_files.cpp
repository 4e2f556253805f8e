#include "actors/identity/crypto/key_files.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "actors/identity/crypto/base64.hpp"

namespace strato::identity::internal {

namespace {

namespace fs = std::filesystem;

/// Longer than any key file we or Keystone write, short enough for the stack.
constexpr size_t max_key_file_size = 128;

/// Reads up to `buf.size()` bytes; -1 with errno set on failure.
ssize_t read_up_to(int fd, std::span<char> buf) {
  size_t size = 0;
  while (size < buf.size()) {
    auto n = ::read(fd, buf.data() + size, buf.size() - size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return -1;
    }
    if (n == 0) {
      break;
    }
    size += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(size);
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

/// Decodes a key file's text; nullopt unless it is exactly one key.
std::optional<key_material> parse_key(std::string_view text) {
  // Operators edit key files by hand; a trailing newline is not corruption.
  auto end = text.find_last_not_of(" \t\r\n");
  text = text.substr(0, end == std::string_view::npos ? 0 : end + 1);
  auto decoded = base64_decode(text, base64_alphabet::url);
  if (!decoded) {
    return std::nullopt;
  }
  std::optional<key_material> material;
  if (decoded->size() == token_key_size) {
    material.emplace();
    std::copy(decoded->begin(), decoded->end(), material->begin());
  }
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return material;
}

} // namespace

status io_failure(std::string_view what, const fs::path& path, int err) {
  return {errc::io_error, std::string{what} + " " + path.string() + ": "
                            + std::generic_category().message(err)};
}

result<key_material> read_key_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return io_failure("cannot open key file", path, errno);
  }
  std::array<char, max_key_file_size + 1> buf{};
  auto size = read_up_to(fd, buf);
  auto err = errno;
  ::close(fd);
  if (size < 0) {
    return io_failure("cannot read key file", path, err);
  }
  auto material = static_cast<size_t>(size) <= max_key_file_size
                    ? parse_key({buf.data(), static_cast<size_t>(size)})
                    : std::nullopt;
  OPENSSL_cleanse(buf.data(), buf.size());
  if (!material) {
    return status{errc::corruption,
                  "key file " + path.string()
                    + " does not hold a url-safe base64 32-byte key"};
  }
  return *material;
}

result<fs::path> write_temp_key_file(const fs::path& dir) {
  auto material = random_key_material();
  if (!material) {
    return material.error();
  }
  // Fernet's own format, padding included, so Keystone can read it too.
  auto text = base64_encode(
    {reinterpret_cast<const char*>(material->data()), material->size()},
    base64_alphabet::url, true);
  OPENSSL_cleanse(material->data(), material->size());
  auto path = (dir / ".key.tmp-XXXXXX").string();
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    OPENSSL_cleanse(text.data(), text.size());
    return io_failure("cannot create key file in", dir, errno);
  }
  bool ok = ::fchmod(fd, 0600) == 0 && write_all(fd, text) && ::fsync(fd) == 0;
  auto err = errno;
  OPENSSL_cleanse(text.data(), text.size());
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(path.c_str());
    return io_failure("cannot write key file", path, err);
  }
  return fs::path{path};
}

status install_key_file(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    auto err = errno;
    ::unlink(from.c_str());
    return io_failure("cannot rename key file to", to, err);
  }
  return {};
}

status sync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return io_failure("cannot open key repository", dir, errno);
  }
  auto rc = ::fsync(fd);
  auto err = errno;
  ::close(fd);
  if (rc != 0) {
    return io_failure("cannot sync key repository", dir, err);
  }
  return {};
}

} // namespace strato::identity::internal
