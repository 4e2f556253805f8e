#include "tests/unit/ovs/ovsdb_fixture.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "drivers/network/host_command.hpp"

namespace strato::testing {

namespace {

constexpr const char* schema = "/usr/share/openvswitch/vswitch.ovsschema";
constexpr const char* server_binary = "/usr/sbin/ovsdb-server";

/// True once something accepts connections on the unix socket `path`: the
/// file appears at bind(), a moment before listen().
bool accepting(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return false;
  }
  path.copy(address.sun_path, path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

} // namespace

ovsdb_fixture::ovsdb_fixture() {
  if (!std::filesystem::exists(server_binary) || !std::filesystem::exists(schema)
      || !network::have_program("ovsdb-tool")) {
    reason_ = "ovsdb-server is not installed (Debian's openvswitch-switch)";
    return;
  }
  auto db = dir_.str() + "/conf.db";
  auto created = network::run_command({"ovsdb-tool", "create", db, schema});
  if (!created) {
    reason_ = created.error().describe();
    return;
  }
  server_ = std::make_unique<child_process>(
    std::vector<std::string>{server_binary, db, "--remote=punix:" + dir_.str() + "/db.sock",
                             "--unixctl=" + dir_.str() + "/ovsdb.ctl",
                             "--no-chdir", "--log-file=" + dir_.str() + "/ovsdb.log"},
    dir_.str());
  auto socket = dir_.str() + "/db.sock";
  for (int i = 0; i < 500 && !accepting(socket); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  if (!accepting(socket)) {
    reason_ = "ovsdb-server did not start: " + server_->err();
    server_.reset();
  }
}

} // namespace strato::testing
