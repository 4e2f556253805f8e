#pragma once

// The parts of POST /servers that read the request's block device mapping
// and networks (create_devices.cpp, create_networks.cpp) for create.cpp.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/compute/api/compute_api.hpp"

namespace strato::compute {

/// Nova's create schema for the negotiated microversion (networks and the
/// block device mapping's fields change with it).
[[nodiscard]] const api::schema& create_schema(const call& c);

/// What a block device mapping asks of each server (Nova's
/// nova/block_device.py from_api and compute/api.py _validate_bdm).
struct block_device_plan {
  /// The volumes, with ids only where the user named a volume; each
  /// server's copy gets fresh ids for the volumes compute creates.
  std::vector<pb::VolumeAttachment> volumes;
  /// A volume is the root disk (boot_index 0): the server's `image` is "".
  bool volume_backed = false;
  std::optional<int64_t> swap_mb;
  std::optional<int64_t> ephemeral_gb;
  /// What to look up before the servers are recorded.
  std::vector<std::string> image_ids;
  std::vector<std::string> snapshot_ids;
};

/// Reads `block_device_mapping_v2` (or the legacy `block_device_mapping`)
/// with Nova's format and boot-sequence rules; the 400s Nova answers.
[[nodiscard]] result<block_device_plan>
read_block_devices(const call& c, const json& server, const pb::Flavor& flavor,
                   int64_t max_count);

/// Checks the images, volumes and snapshots the mapping names with their
/// services (Nova's InvalidBDMImage/Volume/Snapshot, a volume not
/// available or not bootable), then runs `next`; a refusal is answered.
void check_block_devices_then(const compute_api& self, const call& c,
                              std::shared_ptr<const block_device_plan> plan,
                              std::function<void()> next);

/// The attachments one server starts with: fresh volume ids for the
/// volumes compute creates, new bdm uuids, the create's request id.
[[nodiscard]] std::vector<pb::VolumeAttachment>
volumes_for_server(const block_device_plan& plan,
                   const std::string& request_id);

/// The request's `networks`: a list, or Nova's "none"/"auto", or nothing.
struct network_choice {
  enum class kind : uint8_t { listed, none, automatic, omitted };
  kind how = kind::omitted;
  std::vector<pb::RequestedNetwork> networks;
};

[[nodiscard]] result<network_choice>
read_networks(const compute_api& self, const call& c, const json& server);

/// "auto" and an omitted `networks` become the project's one available
/// network (Nova's rule: NetworkAmbiguous 409 when there are several;
/// "auto" with none is UnableToAutoAllocateNetwork 400, since this Neutron
/// has no auto-allocated topology; omitted with none boots without ports).
void choose_network_then(
  const compute_api& self, const call& c, network_choice choice,
  std::function<void(std::vector<pb::RequestedNetwork>)> next);

} // namespace strato::compute
