#pragma once

/// The scheduler as other services use it (Nova's scheduler + Placement).
///
/// The placement module registers a scheduler client actor as "scheduler" in
/// the `service::actor_directory`. It is a dynamically typed `caf::actor`;
/// send it one of the messages below with `request` (or `actor::ask`).
/// Every state change is recorded as events before it is answered, so an
/// answer means the change survives a restart. Errors are strato errors
/// (`actor::from_caf_error` turns them back into a `status`).
///
/// Compute hosts
///   (register_host_atom, compute_host)             -> host_registration
///       Creates or updates the host's resource provider (name = hostname),
///       its VCPU/MEMORY_MB/DISK_GB inventories, traits, availability zone
///       and state. Idempotent: re-registering with the same values writes
///       nothing. errc::invalid_argument for negative amounts, a bad trait
///       or an inventory shrunk below what is allocated (errc::conflict).
///   (set_host_up_atom, std::string hostname, bool up)            -> bool
///   (set_host_enabled_atom, std::string hostname, bool enabled)  -> bool
///       A down or disabled host receives no new instances; existing
///       allocations stay. errc::not_found for an unknown host.
///   (list_hosts_atom)                          -> std::vector<host_summary>
///       Every registered host with its capacity and usage (os-hypervisors).
///
/// Scheduling
///   (select_destinations_atom, destination_request) -> destinations
///       Places `instance_uuids` (max_count) in one all-or-nothing decision:
///       the largest number >= min_count that fits is placed and claimed in
///       Placement (consumer = instance uuid) before the answer; instances
///       beyond that number are not placed and get no allocations. A claim
///       that races another one is retried on fresh state inside the
///       scheduler; callers never see the race.
///       errc::not_found "No valid host was found. <filter> returned 0 hosts
///       (...)" when fewer than min_count fit, errc::invalid_argument for bad
///       extra specs/image properties, errc::forbidden when force_hosts is
///       used by a non-admin, errc::not_implemented for numbered request
///       groups (`resources1:VCPU`).
///
/// Allocations (the consumer is an instance or a migration uuid)
///   (get_allocations_atom, std::string consumer)       -> allocation_map
///       Empty when the consumer has none.
///   (free_allocations_atom, std::string consumer)      -> bool
///       Delete, and resize/migration confirm (free the migration consumer).
///       Freeing a consumer without allocations succeeds (idempotent).
///   (move_allocations_atom, std::string from_consumer,
///    std::string to_consumer)                          -> bool
///       Moves every allocation of `from_consumer` to `to_consumer`, which
///       must have none, in one event (Nova's move_allocations). Migration
///       and resize start by moving the instance's allocations to the
///       migration uuid, then select_destinations for the instance (with the
///       source host in ignore_hosts unless resizing to the same host is
///       allowed); revert frees the instance and moves the migration's
///       allocations back. errc::not_found when `from_consumer` has none,
///       errc::conflict when `to_consumer` already has some.
///   (replace_allocations_atom, consumer_claim)         -> bool
///       Sets a consumer's allocations to exactly these (PUT semantics, all
///       or nothing, capacity checked). An empty map frees them.
///       errc::conflict when it does not fit.
///
/// The messages are plain inspectable structs so they can cross nodes later.

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace strato::scheduler {

using register_host_atom = caf::atom_constant<caf::atom("schreghost")>;
using set_host_up_atom = caf::atom_constant<caf::atom("schhostup")>;
using set_host_enabled_atom = caf::atom_constant<caf::atom("schhosten")>;
using list_hosts_atom = caf::atom_constant<caf::atom("schhosts")>;
using select_destinations_atom = caf::atom_constant<caf::atom("schselect")>;
using get_allocations_atom = caf::atom_constant<caf::atom("schallocs")>;
using free_allocations_atom = caf::atom_constant<caf::atom("schfree")>;
using move_allocations_atom = caf::atom_constant<caf::atom("schmove")>;
using replace_allocations_atom = caf::atom_constant<caf::atom("schreplace")>;

/// Resource class ("VCPU", "MEMORY_MB", "DISK_GB", "CUSTOM_*") -> amount.
using resource_amounts = std::map<std::string, int64_t>;

/// Resource provider uuid -> what the consumer holds there.
using allocation_map = std::map<std::string, resource_amounts>;

/// A compute node as it reports itself (Nova's ComputeNode + service).
struct compute_host {
  std::string hostname{};
  /// The resource provider uuid; empty derives a stable one from hostname.
  std::string provider_uuid{};
  /// Empty: the default zone ("nova").
  std::string availability_zone{};
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t disk_gb = 0;
  int64_t reserved_vcpus = 0;
  int64_t reserved_memory_mb = 0;
  int64_t reserved_disk_gb = 0;
  /// Nova's initial_*_allocation_ratio defaults.
  double cpu_allocation_ratio = 4.0;
  double ram_allocation_ratio = 1.0;
  double disk_allocation_ratio = 1.0;
  /// os-traits names or CUSTOM_*, e.g. "HW_CPU_X86_AVX2".
  std::vector<std::string> traits{};
  bool enabled = true;
  bool up = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, compute_host& x) {
  return f(caf::meta::type_name("strato.scheduler.compute_host"), x.hostname,
           x.provider_uuid, x.availability_zone, x.vcpus, x.memory_mb,
           x.disk_gb, x.reserved_vcpus, x.reserved_memory_mb,
           x.reserved_disk_gb, x.cpu_allocation_ratio, x.ram_allocation_ratio,
           x.disk_allocation_ratio, x.traits, x.enabled, x.up);
}

struct host_registration {
  std::string provider_uuid{};
  uint64_t generation = 0; ///< The provider's generation after registering.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_registration& x) {
  return f(caf::meta::type_name("strato.scheduler.host_registration"),
           x.provider_uuid, x.generation);
}

/// A host as os-hypervisors shows it.
struct host_summary {
  std::string hostname{};
  std::string provider_uuid{};
  std::string availability_zone{};
  bool up = true;
  bool enabled = true;
  resource_amounts capacity{}; ///< (total - reserved) * allocation_ratio.
  resource_amounts total{};    ///< Inventory totals as reported.
  resource_amounts used{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_summary& x) {
  return f(caf::meta::type_name("strato.scheduler.host_summary"), x.hostname,
           x.provider_uuid, x.availability_zone, x.up, x.enabled, x.capacity,
           x.total, x.used);
}

/// The flavor as the request carries it.
struct requested_flavor {
  std::string name{};
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t root_gb = 0;
  int64_t ephemeral_gb = 0;
  int64_t swap_mb = 0;
  /// "resources:CUSTOM_X=1", "trait:HW_CPU_X86_AVX2=required", ...
  std::map<std::string, std::string> extra_specs{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, requested_flavor& x) {
  return f(caf::meta::type_name("strato.scheduler.requested_flavor"), x.name,
           x.vcpus, x.memory_mb, x.root_gb, x.ephemeral_gb, x.swap_mb,
           x.extra_specs);
}

/// Nova's RequestSpec, reduced to what the filters read.
struct destination_request {
  /// One uuid per instance; their number is max_count.
  std::vector<std::string> instance_uuids{};
  uint32_t min_count = 1;
  std::string project_id{};
  std::string user_id{};
  requested_flavor flavor{};
  /// Image properties ("hw_architecture", "trait:CUSTOM_X" = "required").
  std::map<std::string, std::string> image_properties{};
  std::string availability_zone{}; ///< Empty: any zone.
  /// Server group uuid (empty: none), its policy ("affinity",
  /// "anti-affinity", "soft-affinity", "soft-anti-affinity"), its current
  /// members (instance uuids, including those being placed) and the
  /// anti-affinity max_server_per_host rule.
  std::string server_group{};
  std::string server_group_policy{};
  std::vector<std::string> server_group_members{};
  int64_t max_server_per_host = 1;
  /// Scheduler hints: instance uuids whose hosts to use / avoid.
  std::vector<std::string> same_host{};
  std::vector<std::string> different_host{};
  /// Host names; force_hosts is honoured for admins only (skips every
  /// filter but the resource fit), ignore_hosts for everyone.
  std::vector<std::string> force_hosts{};
  std::vector<std::string> ignore_hosts{};
  bool is_admin = false;
  /// For logs; also seeds the random host choice, so a decision repeats.
  std::string request_id{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, destination_request& x) {
  return f(caf::meta::type_name("strato.scheduler.destination_request"),
           x.instance_uuids, x.min_count, x.project_id, x.user_id, x.flavor,
           x.image_properties, x.availability_zone, x.server_group,
           x.server_group_policy, x.server_group_members,
           x.max_server_per_host, x.same_host, x.different_host,
           x.force_hosts, x.ignore_hosts, x.is_admin, x.request_id);
}

/// Where one instance goes and what was claimed for it.
struct destination {
  std::string instance_uuid{};
  std::string hostname{};
  std::string provider_uuid{}; ///< The host's root provider (Nova's node).
  std::string availability_zone{};
  allocation_map allocations{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, destination& x) {
  return f(caf::meta::type_name("strato.scheduler.destination"),
           x.instance_uuid, x.hostname, x.provider_uuid, x.availability_zone,
           x.allocations);
}

struct destinations {
  /// In the order of `instance_uuids`; min_count <= size <= max_count.
  std::vector<destination> placed{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, destinations& x) {
  return f(caf::meta::type_name("strato.scheduler.destinations"), x.placed);
}

/// A consumer's complete allocations (replace_allocations_atom).
struct consumer_claim {
  std::string consumer{};
  std::string project_id{};
  std::string user_id{};
  allocation_map allocations{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_claim& x) {
  return f(caf::meta::type_name("strato.scheduler.consumer_claim"),
           x.consumer, x.project_id, x.user_id, x.allocations);
}

} // namespace strato::scheduler
