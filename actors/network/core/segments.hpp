#pragma once

/// Segmentation ids (VLAN tags, VXLAN VNIs, GRE keys) of networks. Project
/// networks get the lowest free id of the tenant type's configured range;
/// admins may ask for any valid id of a type (provider networks). An id is
/// held by at most one network: the registry changes this state only by
/// applying SegmentAllocated/SegmentReleased events. Not thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace strato::network {

struct segment_ranges {
  /// The type project networks get ("vxlan", "vlan", "gre"; "local": none).
  std::string tenant_network_type = "vxlan";
  /// Physical network of VLAN project networks.
  std::string tenant_physical_network = "physnet1";
  std::pair<int64_t, int64_t> vlan{100, 4094};
  std::pair<int64_t, int64_t> vxlan{1, 1000};
  std::pair<int64_t, int64_t> gre{1, 1000};
};

/// Whether `id` is a valid id of `type` at all (VLAN 1-4094, VXLAN and GRE
/// 1-2^24-1 / 2^32-1); flat and local have none.
[[nodiscard]] bool valid_segmentation_id(const std::string& type, int64_t id);
[[nodiscard]] bool has_segmentation_ids(const std::string& type);

class segment_allocator {
public:
  segment_allocator() = default;
  explicit segment_allocator(segment_ranges ranges)
    : ranges_(std::move(ranges)) {
  }

  /// The lowest free id of `type`'s tenant range, without taking it.
  [[nodiscard]] std::optional<int64_t>
  next_free(const std::string& type, const std::string& physnet) const;
  [[nodiscard]] bool in_use(const std::string& type,
                            const std::string& physnet, int64_t id) const;
  /// Marks the id taken; false if it already was.
  bool take(const std::string& type, const std::string& physnet, int64_t id);
  void release(const std::string& type, const std::string& physnet,
               int64_t id);
  [[nodiscard]] const segment_ranges& ranges() const {
    return ranges_;
  }

private:
  // VXLAN/GRE ids are global; VLAN tags are per physical network.
  [[nodiscard]] static std::string key(const std::string& type,
                                       const std::string& physnet);
  segment_ranges ranges_;
  std::map<std::string, std::set<int64_t>> used_;
};

} // namespace strato::network

namespace strato::network {

/// Reads the node's settings: `type` as tenant_network_type,
/// "PHYSNET:MIN:MAX" VLAN tags and "MIN:MAX" tunnel ids (VXLAN and GRE);
/// nullopt when a range is malformed or outside its type's ids.
[[nodiscard]] std::optional<segment_ranges>
parse_segment_ranges(const std::string& type, const std::string& vlan,
                     const std::string& tunnel);

} // namespace strato::network
