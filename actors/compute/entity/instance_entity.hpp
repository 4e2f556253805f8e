#pragma once

/// One server as an event-sourced entity (stream "instance/<uuid>").
///
/// Commands are decided by the pure rules of transitions.hpp and persisted
/// before they are answered. An operation then runs its host steps through
/// the host gateway (host_ops.hpp), recording each step's outcome as events
/// before starting the next. When the entity starts (after a crash, a node
/// restart or a passivation) with a task_state set, it resumes the step that
/// task_state names, so no server stays stuck in a task.
///
/// Protocol (inner messages of `(uuid, msg)` sent to the "instance" region):
///   (create_atom, std::string created_bytes, std::string request_id) -> bool
///       InstanceCreated serialized; creating an existing server is a no-op.
///   (action_atom, action_request)          -> bool
///   (metadata_atom, std::map<string,string> items, bool replace,
///    std::string delete_key, bool admin, std::string request_id)
///                                          -> std::map<string,string>
///   (tags_atom, int32 op (0 replace, 1 add, 2 remove),
///    std::vector<std::string> tags, std::string request_id)
///                                          -> std::vector<std::string>
///   (update_atom, std::string updated_bytes, std::string request_id) -> bool
///   (get_atom)                             -> std::string snapshot bytes
///   (resume_atom)                          -> bool (activates, resumes)
///   (console_atom, int64 max_bytes)        -> std::string
///   (volume_attach_atom, volume_attach_request) -> std::string device
///       Answered once the volume service reserved the volume (or refused:
///       the attach is then rolled back); the rest runs in the background.
///   (volume_detach_atom, volume_detach_request) -> bool (detach started)
///   (await_atom)                           -> std::string
///       Answered when no operation is in flight: "" when its last step
///       succeeded, else the failure (os-interface waits with it).
///   (power_sync_atom, int32 kind, int32 observed_power, std::string host)
///       -> bool
///       What `host`'s hypervisor showed (kind: 0 a lifecycle event, else
///       the agent's power_sync_action); recorded as a StateChanged when no
///       task is in flight, the server is on that host, and it differs from
///       the recorded state.

#include <map>
#include <memory>
#include <optional>

#include "actors/compute/core/instance_model.hpp"
#include "actors/compute/core/transitions.hpp"
#include "actors/compute/core/volume_attachments.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::compute {

using create_atom = caf::atom_constant<caf::atom("icreate")>;
using action_atom = caf::atom_constant<caf::atom("iaction")>;
using metadata_atom = caf::atom_constant<caf::atom("imeta")>;
using tags_atom = caf::atom_constant<caf::atom("itags")>;
using update_atom = caf::atom_constant<caf::atom("iupdate")>;
using get_atom = caf::atom_constant<caf::atom("iget")>;
using resume_atom = caf::atom_constant<caf::atom("iresume")>;
using console_atom = caf::atom_constant<caf::atom("iconsole")>;
using step_done_atom = caf::atom_constant<caf::atom("istepdone")>;
using power_sync_atom = caf::atom_constant<caf::atom("ipowersync")>;
using volume_attach_atom = caf::atom_constant<caf::atom("ivattach")>;
using volume_detach_atom = caf::atom_constant<caf::atom("ivdetach")>;
using volume_step_done_atom = caf::atom_constant<caf::atom("ivstepdone")>;
using volume_poll_atom = caf::atom_constant<caf::atom("ivpoll")>;
using await_atom = caf::atom_constant<caf::atom("iawait")>;

/// What instance entities share: the actors they call.
struct instance_env {
  caf::actor host_gateway;
  /// The quota ledger region ("tenant"); invalid: no quota enforcement.
  caf::actor tenant;
  /// The compute catalog region, for server group membership.
  caf::actor catalog;
  /// The block storage service ("volume"); invalid: no volume attachments.
  caf::actor volume;
};

struct instance_aggregate : instance_model {
  std::shared_ptr<instance_env> env;
  /// Tells step answers of an earlier incarnation of the step apart.
  uint64_t step_ticket = 0;
  /// A host operation is under way (not persisted: a restart re-runs it).
  bool step_running = false;
  /// The volume step under way and the ticket its answer must carry.
  std::optional<volume_step> running_volume_step;
  uint64_t volume_ticket = 0;
  /// API requests waiting for their attach's reserve, by volume id.
  std::map<std::string, caf::typed_response_promise<std::string>>
    attach_waiters;
  /// Callers of `await_atom`, answered when the operation in flight ends.
  std::vector<caf::typed_response_promise<std::string>> awaiting;
  /// Why the last step failed ("" when it succeeded); not persisted.
  std::string last_failure;

  void attach(const actor::entity_env& entity_env) {
    env = std::static_pointer_cast<instance_env>(entity_env.extension);
  }
};

caf::message_handler
instance_behavior(actor::entity_actor<instance_aggregate>* self);

} // namespace strato::compute

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::compute::action_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::compute::volume_attach_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::compute::volume_detach_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<strato::compute::v1::InstancePort>)
