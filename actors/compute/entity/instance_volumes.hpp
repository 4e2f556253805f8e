#pragma once

/// The instance entity's volume attachments (volume_attachments.hpp): the
/// attach and detach commands, and the volume steps that talk to the
/// "volume" actor and, through the host gateway, to the hypervisor.
///
/// One volume step runs at a time; the server's own host steps wait while
/// any attachment is unsettled (a delete releases the volumes before the
/// guest is destroyed). Each step's answer comes back as an anonymous
/// volume_step_done carrying its ticket, so that an answer for a step the
/// entity no longer waits for is dropped.

#include "actors/compute/entity/instance_entity.hpp"

namespace strato::compute {

using instance_self = actor::entity_actor<instance_aggregate>*;

/// The handlers of volume_attach_atom, volume_detach_atom and
/// volume_step_done_atom.
caf::message_handler volume_handlers(instance_self self);

/// Starts the volume step the state calls for unless it already runs.
/// Returns whether volume work is pending (host steps must then wait).
bool run_volume_step(instance_self self);

/// What follows every persisted change (instance_entity.cpp): the next
/// step, or the clean-up after a delete.
void continue_after_persist(instance_self self);

} // namespace strato::compute
