#include <doctest/doctest.h>

#include <map>
#include <set>

#include "actors/compute/core/transitions.hpp"

using namespace strato;
using namespace strato::compute;

namespace {

/// A request for `kind` with only the request id set.
action_request request_for(action_kind kind, std::string request_id = {}) {
  action_request req;
  req.kind = kind;
  req.request_id = std::move(request_id);
  return req;
}

instance_model server_in(std::string vm_state, std::string task_state = "",
                         bool launched = true) {
  instance_model m;
  m.created.set_id("3f0c5e36-1111-4c9b-a5b7-000000000001");
  m.created.set_name("vm");
  m.created.set_project_id("p1");
  m.vm_state = std::move(vm_state);
  m.task_state = std::move(task_state);
  m.launched_at_us = launched ? 1 : 0;
  m.host = "compute-1";
  m.flavor.set_id("1");
  return m;
}

void fold(instance_model& m, const std::vector<pb::InstanceEvent>& events) {
  for (const auto& ev : events) {
    m.apply(ev);
  }
}

/// Runs the operation in flight to its end, each host step succeeding.
void run_to_end(instance_model& m, const std::string& picked = "compute-2") {
  for (int guard = 0; guard < 10 && !m.task_state.empty(); ++guard) {
    auto step = next_step(m);
    REQUIRE(step.has_value());
    fold(m, step_succeeded(
               m, {step->op == "pick" ? picked : m.host, 0, {}}, 100));
  }
  CHECK(m.task_state.empty());
}

const std::vector<std::string> vm_states{
  "active", "building", "stopped", "paused", "suspended", "resized",
  "error", "shelved", "shelved_offloaded", "rescued"};

} // namespace

TEST_SUITE("actors/compute/transitions") {
  TEST_CASE("the API status follows Nova's state map") {
    CHECK(api_status("active", "") == "ACTIVE");
    CHECK(api_status("active", "rebooting") == "REBOOT");
    CHECK(api_status("active", "rebooting_hard") == "HARD_REBOOT");
    CHECK(api_status("active", "resize_prep") == "RESIZE");
    CHECK(api_status("active", "migrating") == "MIGRATING");
    CHECK(api_status("active", "powering-off") == "ACTIVE");
    CHECK(api_status("building", "spawning") == "BUILD");
    CHECK(api_status("stopped", "") == "SHUTOFF");
    CHECK(api_status("stopped", "powering-on") == "SHUTOFF");
    CHECK(api_status("stopped", "rebuilding") == "REBUILD");
    CHECK(api_status("resized", "") == "VERIFY_RESIZE");
    CHECK(api_status("resized", "resize_reverting") == "REVERT_RESIZE");
    CHECK(api_status("paused", "migrating") == "MIGRATING");
    CHECK(api_status("suspended", "") == "SUSPENDED");
    CHECK(api_status("error", "rebuilding") == "REBUILD");
    CHECK(api_status("error", "") == "ERROR");
    CHECK(api_status("shelved_offloaded", "") == "SHELVED_OFFLOADED");
    CHECK(api_status("deleted", "") == "DELETED");
    CHECK(api_status("no-such-state", "") == "UNKNOWN");
  }

  TEST_CASE("every action from every vm_state is allowed exactly where Nova "
            "allows it") {
    const std::map<action_kind, std::set<std::string>> allowed{
      {action_kind::start, {"stopped"}},
      {action_kind::stop, {"active", "error"}},
      {action_kind::reboot, {"active"}},
      {action_kind::reboot_hard,
       {"active", "stopped", "paused", "suspended", "error"}},
      {action_kind::pause, {"active"}},
      {action_kind::unpause, {"paused"}},
      {action_kind::suspend, {"active"}},
      {action_kind::resume, {"suspended"}},
      {action_kind::rebuild, {"active", "stopped", "error"}},
      {action_kind::resize, {"active", "stopped"}},
      {action_kind::confirm_resize, {"resized"}},
      {action_kind::revert_resize, {"resized"}},
      {action_kind::migrate, {"active", "stopped"}},
      {action_kind::live_migrate, {"active", "paused"}},
      {action_kind::shelve, {"active", "stopped", "paused", "suspended"}},
      {action_kind::shelve_offload, {"shelved"}},
      {action_kind::unshelve, {"shelved", "shelved_offloaded"}},
      {action_kind::update_metadata,
       {"active", "paused", "suspended", "stopped"}},
      {action_kind::interface_attach, {"active", "paused", "stopped"}},
      {action_kind::interface_detach, {"active", "paused", "stopped"}},
      {action_kind::evacuate, {"active", "stopped", "error"}},
    };
    for (auto kind : all_actions) {
      for (const auto& vm : vm_states) {
        auto m = server_in(vm);
        auto st = check_action(m, kind, false);
        auto it = allowed.find(kind);
        bool expected = it == allowed.end() || it->second.count(vm) != 0;
        INFO(api_name(kind), " from ", vm, ": ", st.message());
        CHECK(st.ok() == expected);
        if (!st.ok()) {
          CHECK(st.code() == errc::invalid_transition);
          CHECK(st.message()
                == "Cannot '" + std::string{api_name(kind)} + "' instance "
                     + m.id() + " while it is in vm_state " + vm);
          CHECK_FALSE(begin_action(m, request_for(kind)).ok());
        }
      }
    }
  }

  TEST_CASE("an action during another task is refused with its task_state") {
    auto m = server_in("active", "powering-off");
    auto st = check_action(m, action_kind::pause, false);
    CHECK(st.message()
          == "Cannot 'pause' instance " + m.id()
               + " while it is in task_state powering-off");
    CHECK(check_action(m, action_kind::delete_, false).ok());
    CHECK(check_action(server_in("active", "pausing"),
                       action_kind::reboot_hard, false)
            .ok());
  }

  TEST_CASE("a locked server refuses its owner but not an admin") {
    auto m = server_in("active");
    m.locked = true;
    auto st = check_action(m, action_kind::stop, false);
    CHECK(st.code() == errc::invalid_transition);
    CHECK(st.message() == "Instance " + m.id() + " is locked");
    CHECK(check_action(m, action_kind::stop, true).ok());
    CHECK(check_action(m, action_kind::unlock, false).ok());
  }

  TEST_CASE("a server that never launched refuses a stop") {
    auto m = server_in("active", "", false);
    CHECK(check_action(m, action_kind::stop, false).message()
          == "Cannot 'stop' instance " + m.id()
               + " while it is in launched_at None");
    CHECK(check_action(m, action_kind::delete_, false).ok());
  }

  TEST_CASE("a boot schedules, spawns and ends active with an action row") {
    pb::InstanceCreated created;
    created.set_id("3f0c5e36-1111-4c9b-a5b7-000000000002");
    created.mutable_flavor()->set_id("1");
    instance_model m;
    fold(m, begin_create(created, "req-1"));
    CHECK(api_status(m) == "BUILD");
    CHECK(m.current_action == "create");
    CHECK(next_step(m)->op == "pick");
    fold(m, step_succeeded(m, {"compute-7", 0, {}}, 5));
    CHECK(m.task_state == "spawning");
    CHECK(m.host == "compute-7");
    CHECK(next_step(m)->op == "spawn");
    auto done = step_succeeded(m, {"compute-7", power::running, {}}, 9);
    REQUIRE(done.size() == 2);
    CHECK(done[1].action_finished().request_id() == "req-1");
    fold(m, done);
    CHECK(api_status(m) == "ACTIVE");
    CHECK(m.power_state == power::running);
    CHECK(m.launched_at_us == 9);
    CHECK(m.current_action.empty());
  }

  TEST_CASE("a failed spawn leaves the server in error with a fault") {
    pb::InstanceCreated created;
    created.set_id("x");
    instance_model m;
    fold(m, begin_create(created, "req-1"));
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 5));
    fold(m, step_failed(m, "disk full", 6));
    CHECK(api_status(m) == "BUILD"); // Cleaning up what the boot took.
    CHECK(next_step(m)->op == "abort_boot");
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 7));
    CHECK(api_status(m) == "ERROR");
    CHECK(m.fault == "disk full");
    CHECK(m.task_state.empty());
  }

  TEST_CASE("a failed stop returns the server to active") {
    auto m = server_in("active");
    fold(m, *begin_action(m, request_for(action_kind::stop, "req-2")));
    CHECK(m.task_state == "powering-off");
    fold(m, step_failed(m, "timeout", 6));
    CHECK(m.vm_state == "active");
    CHECK(m.task_state.empty());
  }

  TEST_CASE("power actions end in Nova's vm_states") {
    auto m = server_in("active");
    m.power_state = power::running;
    fold(m, *begin_action(m, request_for(action_kind::stop)));
    run_to_end(m);
    CHECK(api_status(m) == "SHUTOFF");
    fold(m, *begin_action(m, request_for(action_kind::start)));
    run_to_end(m);
    CHECK(api_status(m) == "ACTIVE");
    fold(m, *begin_action(m, request_for(action_kind::pause)));
    run_to_end(m);
    CHECK(api_status(m) == "PAUSED");
    fold(m, *begin_action(m, request_for(action_kind::unpause)));
    run_to_end(m);
    fold(m, *begin_action(m, request_for(action_kind::suspend)));
    run_to_end(m);
    CHECK(api_status(m) == "SUSPENDED");
    fold(m, *begin_action(m, request_for(action_kind::resume)));
    run_to_end(m);
    fold(m, *begin_action(m, request_for(action_kind::reboot_hard)));
    CHECK(api_status(m) == "HARD_REBOOT");
    run_to_end(m);
    CHECK(api_status(m) == "ACTIVE");
  }

  TEST_CASE("a resize moves host and flavor; revert restores both") {
    auto m = server_in("active");
    auto req = request_for(action_kind::resize);
    req.new_flavor.set_id("2");
    fold(m, *begin_action(m, req));
    CHECK(api_status(m) == "RESIZE");
    CHECK(next_step(m)->op == "pick");
    CHECK(next_step(m)->other_host == "compute-1");
    run_to_end(m, "compute-2");
    CHECK(api_status(m) == "VERIFY_RESIZE");
    CHECK(m.host == "compute-2");
    CHECK(m.previous_host == "compute-1");
    CHECK(m.flavor.id() == "2");
    REQUIRE(m.old_flavor.has_value());
    fold(m, *begin_action(m, request_for(action_kind::revert_resize)));
    CHECK(api_status(m) == "REVERT_RESIZE");
    run_to_end(m);
    CHECK(api_status(m) == "ACTIVE");
    CHECK(m.host == "compute-1");
    CHECK(m.flavor.id() == "1");
    CHECK_FALSE(m.old_flavor.has_value());
  }

  TEST_CASE("a confirmed cold migration stays on the new host") {
    auto m = server_in("stopped");
    m.power_state = power::shutdown;
    fold(m, *begin_action(m, request_for(action_kind::migrate)));
    run_to_end(m, "compute-2");
    CHECK(api_status(m) == "VERIFY_RESIZE");
    fold(m, *begin_action(m, request_for(action_kind::confirm_resize)));
    CHECK(next_step(m)->host == "compute-1");
    run_to_end(m);
    CHECK(api_status(m) == "SHUTOFF");
    CHECK(m.host == "compute-2");
    CHECK(m.previous_host.empty());
  }

  TEST_CASE("shelve offloads and unshelve boots on a new host") {
    auto m = server_in("active");
    fold(m, *begin_action(m, request_for(action_kind::shelve)));
    run_to_end(m);
    CHECK(api_status(m) == "SHELVED_OFFLOADED");
    CHECK(m.host.empty());
    fold(m, *begin_action(m, request_for(action_kind::unshelve)));
    run_to_end(m, "compute-3");
    CHECK(api_status(m) == "ACTIVE");
    CHECK(m.host == "compute-3");
  }

  TEST_CASE("an evacuation rebuilds on a new host without touching the old") {
    auto m = server_in("active");
    m.power_state = power::running;
    fold(m, *begin_action(m, request_for(action_kind::evacuate)));
    CHECK(api_status(m) == "REBUILD");
    auto pick = next_step(m);
    REQUIRE(pick.has_value());
    CHECK(pick->op == "pick");
    CHECK(pick->other_host == "compute-1");
    fold(m, step_succeeded(m, {"compute-2", 0, {}}, 100));
    CHECK(m.task_state == "rebuild_spawning");
    CHECK(m.host == "compute-2");
    auto spawn = next_step(m);
    REQUIRE(spawn.has_value());
    CHECK(spawn->op == "spawn");
    CHECK(spawn->host == "compute-2");
    run_to_end(m);
    CHECK(api_status(m) == "ACTIVE");
    CHECK(m.host == "compute-2");
  }

  TEST_CASE("an evacuation to a named host checks that host; no host found "
            "leaves the server where it was") {
    auto m = server_in("stopped");
    m.power_state = power::shutdown;
    auto req = request_for(action_kind::evacuate);
    req.target_host = "compute-3";
    fold(m, *begin_action(m, req));
    auto check = next_step(m);
    REQUIRE(check.has_value());
    CHECK(check->op == "check_host");
    CHECK(check->host == "compute-3");
    CHECK(check->other_host == "compute-1");
    fold(m, step_failed(m, "No valid host was found.", 100));
    CHECK(m.task_state.empty());
    CHECK(m.vm_state == "stopped");
    CHECK(m.host == "compute-1");
  }

  TEST_CASE("a delete ends in a deleted server") {
    auto m = server_in("error");
    fold(m, *begin_action(m, request_for(action_kind::delete_)));
    CHECK(next_step(m)->op == "delete");
    fold(m, step_succeeded(m, {}, 7));
    CHECK(m.deleted);
    CHECK_FALSE(m.exists());
  }

  TEST_CASE("lock and unlock record who locked and why") {
    auto m = server_in("active");
    auto req = request_for(action_kind::lock);
    req.lock_reason = "maintenance";
    fold(m, *begin_action(m, req));
    CHECK(m.locked);
    CHECK(m.locked_reason == "maintenance");
    CHECK(m.task_state.empty());
    CHECK(m.current_action.empty());
    fold(m, *begin_action(m, request_for(action_kind::unlock)));
    CHECK_FALSE(m.locked);
  }

  TEST_CASE("a snapshot restores the same state") {
    auto m = server_in("resized");
    m.old_flavor = m.flavor;
    m.task_state = "resize_reverting";
    m.pending.set_action("revertResize");
    instance_model copy;
    REQUIRE(copy.restore(std::string_view{m.snapshot_state()}).ok());
    CHECK(copy.vm_state == "resized");
    CHECK(copy.task_state == "resize_reverting");
    CHECK(copy.old_flavor.has_value());
    CHECK(copy.pending.action() == "revertResize");
  }
}
