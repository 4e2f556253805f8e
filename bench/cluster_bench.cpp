// strato-bench cluster: boot+delete cycles/s through the Nova API of a
// controller (in this process, no fsync) whose compute hosts are agents in
// another process (`strato node --role compute --join`, fake hypervisor):
// every instance command crosses the cluster connection. With 1, 10 and 100
// hosts on that node. Then how long the controller takes to see the compute
// node killed with SIGKILL (its servers' host_status turns UNKNOWN).
// One controller: several controllers are not built yet.

#include <boost/asio/ip/tcp.hpp>

#include <csignal>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "bench/benches.hpp"
#include "runtime/server/node.hpp"
#include "tests/support/child_process.hpp"

namespace strato::bench {

namespace {

using clock = std::chrono::steady_clock;

uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{
    io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

std::string strato_binary() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path()
          / "strato")
    .string();
}

bool wait_until(const std::function<bool()>& ready,
                std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  while (clock::now() < deadline) {
    if (ready()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

size_t registered_hosts(uint16_t port, const std::string& token) {
  auto body =
    bench_request(port, "GET", "/placement/resource_providers", {}, token);
  return body.is_object() && body.contains("resource_providers")
           ? body["resource_providers"].size()
           : 0;
}

/// Boots one server and answers its id once it is ACTIVE; "" on failure.
std::string boot_one(uint16_t port, const std::string& token) {
  int status = 0;
  auto created = bench_request(
    port, "POST", "/compute/v2.1/servers",
    R"({"server":{"name":"probe","flavorRef":"1","networks":"none"}})", token,
    &status);
  if (status != 202) {
    return {};
  }
  std::string id = created["server"]["id"];
  bool active = wait_until(
    [&] {
      auto s = bench_request(port, "GET", "/compute/v2.1/servers/" + id, {},
                             token);
      return s["server"]["status"] == "ACTIVE";
    },
    std::chrono::seconds{30});
  return active ? id : std::string{};
}

int measure(const bench_options& opts, reporter& out, size_t hosts) {
  scratch_dir dir{opts.dir};
  server::node_config config;
  config.data_dir = dir.path() + "/controller";
  config.listen = "127.0.0.1:0";
  config.admin_password = "bench-password";
  config.log_level = "warn";
  config.unsafe_no_fsync = true;
  config.roles = "controller";
  auto cluster_port = free_port();
  config.cluster_listen = fmt::format("127.0.0.1:{}", cluster_port);
  config.heartbeat_ms = 200;
  config.suspect_after_ms = 1000;
  auto started = server::node::start(config);
  if (!started) {
    std::fprintf(stderr, "cluster bench: %s\n",
                 started.error().describe().c_str());
    return 1;
  }
  auto& node = *started;
  auto port = node->port();
  auto token = bench_admin_token(port, config.admin_password);
  testing::child_process compute(
    {strato_binary(), "node", "--role", "compute", "--join",
     fmt::format("127.0.0.1:{}", cluster_port), "--data-dir",
     dir.path() + "/compute", "--compute-host", "bench",
     "--fake-compute-hosts", std::to_string(hosts), "--heartbeat-ms", "200",
     "--log-level", "warn"},
    dir.path());
  if (!wait_until([&] { return registered_hosts(port, token) == hosts; },
                  std::chrono::seconds{60})) {
    std::fprintf(stderr, "cluster bench: %zu hosts did not register: %s\n",
                 hosts, compute.err().c_str());
    return 1;
  }
  for (size_t clients : {16, 64}) {
    auto r = churn_over_http(port, token, clients, opts.seconds_per_case);
    measurement m{"cluster", "http", r.cycles_per_s, r.latency.quantile(0.5),
                  r.latency.quantile(0.99), {}};
    m.params = {{"controllers", "1"},
                {"compute_nodes", "1"},
                {"compute_hosts", std::to_string(hosts)},
                {"clients", std::to_string(clients)},
                {"p95_us", fmt::format("{:.0f}", r.latency.quantile(0.95))},
                {"failures", std::to_string(r.failures)}};
    out.add(m);
  }
  auto probe = boot_one(port, token);
  if (!probe.empty()) {
    compute.signal(SIGKILL);
    auto killed = clock::now();
    bool seen = wait_until(
      [&] {
        auto s = bench_request(port, "GET", "/compute/v2.1/servers/" + probe,
                               {}, token);
        return s["server"]["host_status"] == "UNKNOWN";
      },
      std::chrono::seconds{30});
    auto ms = std::chrono::duration<double, std::milli>(clock::now() - killed)
                .count();
    measurement m{"cluster", "node_loss_seen", seen ? 1000.0 / ms : 0,
                  ms * 1000, ms * 1000, {}};
    m.params = {{"controllers", "1"},
                {"compute_hosts", std::to_string(hosts)},
                {"detect_ms", fmt::format("{:.1f}", ms)}};
    out.add(m);
  }
  node->stop();
  return 0;
}

} // namespace

int run_cluster(const bench_options& opts, reporter& out) {
  std::vector<size_t> host_counts{1, 10, 100};
  if (opts.quick) {
    host_counts = {1, 10};
  }
  int rc = 0;
  for (auto hosts : host_counts) {
    rc |= measure(opts, out, hosts);
  }
  return rc;
}

} // namespace strato::bench
