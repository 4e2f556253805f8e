#include "actors/scheduler/core/changes.hpp"

namespace strato::scheduler {

namespace {

template <class... Fs>
struct overload : Fs... {
  using Fs::operator()...;
};

} // namespace

std::string_view change_name(const change& c) noexcept {
  return std::visit(
    overload{
      [](const provider_created&) { return std::string_view{"provider_created"}; },
      [](const inventory_set&) { return std::string_view{"inventory_set"}; },
      [](const traits_set&) { return std::string_view{"traits_set"}; },
      [](const aggregates_set&) { return std::string_view{"aggregates_set"}; },
      [](const allocations_claimed&) {
        return std::string_view{"allocations_claimed"};
      },
      [](const allocations_replaced&) {
        return std::string_view{"allocations_replaced"};
      },
      [](const allocations_freed&) { return std::string_view{"allocations_freed"}; },
      [](const host_state_set&) { return std::string_view{"host_state_set"}; },
      [](const aggregate_metadata_set&) {
        return std::string_view{"aggregate_metadata_set"};
      },
      [](const server_group_set&) { return std::string_view{"server_group_set"}; },
    },
    c);
}

} // namespace strato::scheduler
