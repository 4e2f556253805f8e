#pragma once

// Helpers shared by the registry's decision files.

#include <string>
#include <vector>

#include "actors/network/core/registry.hpp"

namespace strato::network::internal {

[[nodiscard]] status not_found(std::string_view type, std::string_view what,
                               const std::string& id);
[[nodiscard]] status invalid_input(std::string message);
[[nodiscard]] status bad_request(std::string message);

/// The fixed IPs a port gets and the IpAllocated events that take them.
struct ip_plan {
  std::vector<pb::FixedIp> fixed_ips;
  events allocations;
  events releases; ///< Addresses `current` held that the plan drops.
};

/// Decides the addresses of port `port_id` on `network`: `ips` entries
/// name a subnet, an address, or both; without `ips_given`, one address
/// per IP version from the network's subnets. `current` is the port being
/// updated (its own addresses may be asked for again), or null. Only a
/// router interface may take the subnet's gateway address.
[[nodiscard]] result<ip_plan>
plan_ips(const registry& reg, const pb::Network& network,
         const std::vector<ip_request>& ips, bool ips_given,
         const std::string& port_id, const pb::Port* current,
         bool allow_gateway = false);

/// The events that delete a port and free its addresses.
[[nodiscard]] events delete_port_events(const pb::Port& port);

} // namespace strato::network::internal

namespace strato::network::internal {

/// A version 4 UUID drawn from `rng` (decisions draw ids for the ports
/// they create themselves).
[[nodiscard]] std::string uuid_from(std::mt19937_64& rng);

/// A port Neutron makes for itself (router interface or gateway, floating
/// IP); `draft` needs its network, owner, device and project.
[[nodiscard]] result<events>
system_port(const registry& reg, pb::Port draft,
            const std::vector<ip_request>& ips, bool ips_given,
            std::mt19937_64& rng, bool allow_gateway = false);

} // namespace strato::network::internal
