// strato-bench ovs: the network driver's port plug+unplug rate, noop and
// Open vSwitch against a private ovsdb-server. One plug writes the Port and
// Interface rows and one unplug removes them (two OVSDB round trips each),
// which bounds how fast a host can bring instance ports up.

#include <cstdio>

#include "bench/benches.hpp"
#include "drivers/network/host_command.hpp"
#include "drivers/network/plug_bench.hpp"

namespace strato::bench {

namespace {

int report_case(reporter& out, const std::string& name, network::driver_config config,
                const bench_options& opts) {
  auto driver = network::make_network_driver(config);
  if (!driver) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), driver.error().describe().c_str());
    return 1;
  }
  auto rate = network::measure_plug_unplug(**driver, "bench-net", opts.seconds_per_case);
  if (!rate) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), rate.error().describe().c_str());
    return 1;
  }
  out.add({"ovs", name, rate->cycles_per_s, rate->p50_us, rate->p99_us,
           {{"driver", config.kind}, {"cycles", std::to_string(rate->cycles)}}});
  return 0;
}

} // namespace

int run_ovs(const bench_options& opts, reporter& out) {
  network::driver_config noop;
  int rc = report_case(out, "plug+unplug noop", noop, opts);
  if (!network::have_program("ovsdb-server")) {
    std::fprintf(stderr, "ovs: ovsdb-server is not installed; skipped\n");
    return rc;
  }
  scratch_dir dir{opts.dir};
  auto server = network::private_ovsdb::start(dir.path());
  if (!server) {
    std::fprintf(stderr, "ovs: %s\n", server.error().describe().c_str());
    return 1;
  }
  network::driver_config ovs;
  ovs.kind = "ovs";
  ovs.ovsdb = (*server)->remote();
  ovs.state_dir = dir.path();
  return rc | report_case(out, "plug+unplug ovsdb", ovs, opts);
}

} // namespace strato::bench
