#include "actors/network/core/segments.hpp"

namespace strato::network {

bool has_segmentation_ids(const std::string& type) {
  return type == "vlan" || type == "vxlan" || type == "gre"
         || type == "geneve";
}

bool valid_segmentation_id(const std::string& type, int64_t id) {
  if (type == "vlan") {
    return id >= 1 && id <= 4094;
  }
  if (type == "vxlan" || type == "geneve") {
    return id >= 1 && id <= (1LL << 24) - 1;
  }
  if (type == "gre") {
    return id >= 1 && id <= (1LL << 32) - 1;
  }
  return false;
}

std::string segment_allocator::key(const std::string& type,
                                   const std::string& physnet) {
  return type == "vlan" || type == "flat" ? type + ":" + physnet : type;
}

std::optional<int64_t>
segment_allocator::next_free(const std::string& type,
                             const std::string& physnet) const {
  std::pair<int64_t, int64_t> range;
  if (type == "vlan") {
    range = ranges_.vlan;
  } else if (type == "vxlan") {
    range = ranges_.vxlan;
  } else if (type == "gre") {
    range = ranges_.gre;
  } else {
    return std::nullopt;
  }
  auto it = used_.find(key(type, physnet));
  for (int64_t id = range.first; id <= range.second; ++id) {
    if (it == used_.end() || it->second.count(id) == 0) {
      return id;
    }
  }
  return std::nullopt;
}

bool segment_allocator::in_use(const std::string& type,
                               const std::string& physnet, int64_t id) const {
  auto it = used_.find(key(type, physnet));
  return it != used_.end() && it->second.count(id) != 0;
}

bool segment_allocator::take(const std::string& type,
                             const std::string& physnet, int64_t id) {
  return used_[key(type, physnet)].insert(id).second;
}

void segment_allocator::release(const std::string& type,
                                const std::string& physnet, int64_t id) {
  auto it = used_.find(key(type, physnet));
  if (it != used_.end()) {
    it->second.erase(id);
  }
}

} // namespace strato::network

namespace strato::network {

namespace {

std::optional<std::pair<int64_t, int64_t>> parse_range(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  try {
    size_t used = 0;
    auto lo = std::stoll(text.substr(0, colon), &used);
    if (used != colon) {
      return std::nullopt;
    }
    auto hi_text = text.substr(colon + 1);
    auto hi = std::stoll(hi_text, &used);
    if (used != hi_text.size() || lo > hi) {
      return std::nullopt;
    }
    return std::pair{lo, hi};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace

std::optional<segment_ranges> parse_segment_ranges(const std::string& type,
                                                   const std::string& vlan,
                                                   const std::string& tunnel) {
  segment_ranges out;
  out.tenant_network_type = type;
  auto colon = vlan.find(':');
  if (colon == std::string::npos || colon == 0) {
    return std::nullopt;
  }
  out.tenant_physical_network = vlan.substr(0, colon);
  auto tags = parse_range(vlan.substr(colon + 1));
  auto ids = parse_range(tunnel);
  if (!tags || !ids || !valid_segmentation_id("vlan", tags->first)
      || !valid_segmentation_id("vlan", tags->second)
      || !valid_segmentation_id("vxlan", ids->first)
      || !valid_segmentation_id("vxlan", ids->second)) {
    return std::nullopt;
  }
  out.vlan = *tags;
  out.vxlan = *ids;
  out.gre = *ids;
  return out;
}

} // namespace strato::network
