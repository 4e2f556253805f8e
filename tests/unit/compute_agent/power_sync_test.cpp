#include "actors/compute_agent/power_sync.hpp"

#include <doctest/doctest.h>

using namespace strato::compute_agent;
using strato::hypervisor::power_state;

namespace {

expected_instances one(const std::string& vm_state, power_state recorded,
                       bool task = false) {
  return {{{"i-1", vm_state, recorded, task}}};
}

power_sync_plan plan(const expected_instances& expected,
                     std::map<std::string, power_state> observed,
                     std::set<std::string> busy = {}) {
  return plan_power_sync("host-1", expected, observed, busy);
}

} // namespace

TEST_SUITE("actors/compute_agent/power_sync") {

TEST_CASE("an active instance whose guest stopped is recorded stopped") {
  for (auto observed :
       {power_state::shutdown, power_state::crashed, power_state::nostate}) {
    auto p = plan(one("active", power_state::running), {{"i-1", observed}});
    REQUIRE(p.report.corrections.size() == 1);
    CHECK(p.report.corrections[0].action == power_sync_action::record_stopped);
    CHECK(p.report.corrections[0].observed == observed);
    CHECK(p.power_off.empty());
  }
}

TEST_CASE("an active instance missing from the hypervisor is recorded stopped") {
  auto p = plan(one("active", power_state::running), {});
  REQUIRE(p.report.corrections.size() == 1);
  CHECK(p.report.corrections[0].action == power_sync_action::record_stopped);
  CHECK(p.report.corrections[0].observed == power_state::nostate);
}

TEST_CASE("a stopped instance whose guest runs is powered off") {
  auto p = plan(one("stopped", power_state::shutdown),
                {{"i-1", power_state::running}});
  REQUIRE(p.report.corrections.size() == 1);
  CHECK(p.report.corrections[0].action == power_sync_action::powered_off);
  CHECK(p.power_off == std::vector<std::string>{"i-1"});
}

TEST_CASE("an active instance found paused only records the power state") {
  auto p = plan(one("active", power_state::running),
                {{"i-1", power_state::paused}});
  REQUIRE(p.report.corrections.size() == 1);
  CHECK(p.report.corrections[0].action ==
        power_sync_action::record_power_state);
}

TEST_CASE("matching states need no correction") {
  auto p = plan(one("active", power_state::running),
                {{"i-1", power_state::running}});
  CHECK(p.report.corrections.empty());
  CHECK(p.report.checked == 1);
}

TEST_CASE("instances with work in flight are left alone") {
  auto p = plan(one("active", power_state::running, true), {});
  CHECK(p.report.checked == 0);
  CHECK(p.report.corrections.empty());
  auto q = plan(one("stopped", power_state::shutdown),
                {{"i-1", power_state::running}}, {"i-1"});
  CHECK(q.report.corrections.empty());
  CHECK(q.power_off.empty());
}

TEST_CASE("guests nobody recorded are reported, not touched") {
  auto p = plan({}, {{"stray", power_state::running}});
  CHECK(p.report.unknown_guests == std::vector<std::string>{"stray"});
  CHECK(p.power_off.empty());
}

} // TEST_SUITE
