#pragma once

/// Resource fit for one host, counting what earlier instances of the same
/// multi-create decision have already taken (the overlay), as Nova's
/// HostState.consume_from_request does between instances.

#include <cstdint>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "actors/scheduler/core/resource_query.hpp"
#include "actors/scheduler/core/scheduler_state.hpp"

namespace strato::scheduler {

/// What the instances placed so far in one decision hold. Decisions place a
/// handful of instances, so flat vectors beat hash maps here.
class overlay {
public:
  [[nodiscard]] int64_t pending(provider_id p, rc_id rc) const noexcept;
  [[nodiscard]] uint32_t instances_on(uint32_t host) const noexcept;
  [[nodiscard]] bool empty() const noexcept {
    return instances_.empty();
  }
  /// Hosts used so far, in placement order.
  [[nodiscard]] std::vector<uint32_t> hosts() const;

  void add(provider_id p, rc_id rc, int64_t amount);
  void add_instance(uint32_t host);

private:
  std::vector<std::tuple<provider_id, rc_id, int64_t>> pending_;
  std::vector<std::pair<uint32_t, uint32_t>> instances_;
};

/// Picks one provider per need for `host`: the tree first (root, then
/// descendants), then sharing providers. Appends the picks to `chosen` and
/// returns true when every need fits; otherwise leaves `chosen` as it was.
/// `lenders` is scratch space.
bool fit(const scheduler_state& s, std::span<const need> needs, uint32_t host,
         const overlay& ov, std::vector<provider_id>& chosen,
         std::vector<provider_id>& lenders);

/// Free amount of `rc` over the host's tree, net of the overlay.
[[nodiscard]] int64_t tree_free(const scheduler_state& s, uint32_t host, rc_id rc,
                                const overlay& ov);

} // namespace strato::scheduler
