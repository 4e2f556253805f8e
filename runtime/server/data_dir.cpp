#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "runtime/server/node.hpp"

namespace strato::server {

namespace {

status unusable(const std::string& dir, const std::string& why) {
  return {errc::io_error, "data directory " + dir + " is unusable: " + why};
}

} // namespace

result<int> claim_data_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return unusable(dir, ec.message());
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return unusable(dir, "not a directory");
  }
  auto lock_path = dir + "/LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return unusable(dir, std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto why = errno == EWOULDBLOCK
                 ? std::string{"another strato node is using it"}
                 : std::string{std::strerror(errno)};
    ::close(fd);
    return unusable(dir, why);
  }
  // A write proves more than access(2): read-only mounts and full disks.
  auto probe = dir + "/.write-probe";
  int probe_fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0600);
  if (probe_fd < 0 || ::write(probe_fd, "ok", 2) != 2) {
    auto why = std::string{std::strerror(errno)};
    if (probe_fd >= 0) {
      ::close(probe_fd);
    }
    ::close(fd);
    return unusable(dir, why);
  }
  ::close(probe_fd);
  ::unlink(probe.c_str());
  return fd;
}

void data_dir_lock::release() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

} // namespace strato::server
