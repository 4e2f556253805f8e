#include "actors/scheduler/core/resources.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace strato::scheduler {

namespace {

constexpr std::array<std::string_view, 21> standard_classes{
  "VCPU",
  "MEMORY_MB",
  "DISK_GB",
  "PCPU",
  "PCI_DEVICE",
  "SRIOV_NET_VF",
  "NUMA_SOCKET",
  "NUMA_CORE",
  "NUMA_THREAD",
  "NUMA_MEMORY_MB",
  "IPV4_ADDRESS",
  "VGPU",
  "VGPU_DISPLAY_HEAD",
  "PGPU",
  "FPGA",
  "MEM_ENCRYPTION_CONTEXT",
  "NET_BW_EGR_KILOBIT_PER_SEC",
  "NET_BW_IGR_KILOBIT_PER_SEC",
  "NET_PACKET_RATE_KILOPACKET_PER_SEC",
  "NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC",
  "NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC",
};

bool is_upper_identifier(std::string_view name) {
  return !name.empty() && name.size() <= 255
         && std::all_of(name.begin(), name.end(), [](char c) {
              return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            });
}

} // namespace

bool is_valid_resource_class(std::string_view name) {
  if (name.starts_with("CUSTOM_")) {
    return name.size() > 7 && is_upper_identifier(name);
  }
  return std::find(standard_classes.begin(), standard_classes.end(), name)
         != standard_classes.end();
}

bool is_valid_trait(std::string_view name) {
  return is_upper_identifier(name) && name != "CUSTOM_";
}

int64_t capacity(const inventory& inv) noexcept {
  auto usable = static_cast<double>(inv.total - inv.reserved);
  return static_cast<int64_t>(std::floor(usable * inv.allocation_ratio));
}

status validate(const inventory& inv) {
  if (inv.total < 0 || inv.reserved < 0 || inv.reserved > inv.total) {
    return {errc::invalid_argument, "inventory needs 0 <= reserved <= total"};
  }
  if (inv.min_unit < 1 || inv.max_unit < inv.min_unit || inv.step_size < 1) {
    return {errc::invalid_argument,
            "inventory needs 1 <= min_unit <= max_unit and step_size >= 1"};
  }
  if (!(inv.allocation_ratio > 0) || !std::isfinite(inv.allocation_ratio)) {
    return {errc::invalid_argument, "allocation_ratio must be positive"};
  }
  return {};
}

bool respects_units(const inventory& inv, int64_t amount) noexcept {
  return amount >= inv.min_unit && amount <= inv.max_unit
         && amount % inv.step_size == 0;
}

} // namespace strato::scheduler
