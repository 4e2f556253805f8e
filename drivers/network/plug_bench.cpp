#include "drivers/network/plug_bench.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <vector>

#include "drivers/network/host_command.hpp"

namespace strato::network {

namespace {

constexpr const char* vswitch_schema = "/usr/share/openvswitch/vswitch.ovsschema";

double quantile(std::vector<double>& samples, double q) {
  if (samples.empty()) {
    return 0;
  }
  auto at = static_cast<size_t>(q * double(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + long(at), samples.end());
  return samples[at];
}

std::string port_id(uint64_t i) {
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%08llx-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(i & 0xffffffff),
                static_cast<unsigned long long>(i));
  return text.data();
}

} // namespace

result<std::unique_ptr<private_ovsdb>> private_ovsdb::start(const std::string& dir) {
  auto db = dir + "/conf.db";
  auto created = run_command({"ovsdb-tool", "create", db, vswitch_schema});
  if (!created) {
    return created.error();
  }
  // --detach returns once the server listens, so the socket is ready.
  auto st = run_daemon({"ovsdb-server", db, "--remote=punix:" + dir + "/db.sock",
                        "--pidfile=" + dir + "/ovsdb.pid",
                        "--unixctl=" + dir + "/ovsdb.ctl", "--no-chdir",
                        "--log-file=" + dir + "/ovsdb.log", "--detach"},
                       dir + "/ovsdb.out");
  if (!st.ok()) {
    return st;
  }
  return std::unique_ptr<private_ovsdb>{new private_ovsdb{dir}};
}

private_ovsdb::~private_ovsdb() {
  std::ifstream pid_file{dir_ + "/ovsdb.pid"};
  pid_t pid = 0;
  if (pid_file >> pid && pid > 0) {
    ::kill(pid, SIGTERM);
  }
}

result<plug_rate> measure_plug_unplug(network_driver& driver,
                                      const std::string& network_id,
                                      std::chrono::milliseconds duration) {
  using clock = std::chrono::steady_clock;
  if (auto st = driver.ensure_bridge(); !st.ok()) {
    return st;
  }
  auto tag = driver.ensure_segment({network_id, segment_type::vlan, 100, 1500});
  if (!tag) {
    return tag.error();
  }
  std::vector<double> samples;
  auto start = clock::now();
  auto deadline = start + duration;
  uint64_t i = 0;
  for (auto now = start; now < deadline; ++i) {
    port_plug plug;
    plug.port_id = port_id(i);
    plug.network_id = network_id;
    plug.mac = "fa:16:3e:00:00:01";
    if (auto st = driver.plug_port(plug); !st.ok()) {
      return st;
    }
    if (auto st = driver.unplug_port(plug.port_id); !st.ok()) {
      return st;
    }
    auto done = clock::now();
    samples.push_back(std::chrono::duration<double, std::micro>(done - now).count());
    now = done;
  }
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  return plug_rate{i, double(i) / seconds, quantile(samples, 0.5),
                   quantile(samples, 0.99)};
}

} // namespace strato::network
