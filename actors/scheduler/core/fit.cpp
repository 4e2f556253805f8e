#include "actors/scheduler/core/fit.hpp"

#include <algorithm>

namespace strato::scheduler {

int64_t overlay::pending(provider_id p, rc_id rc) const noexcept {
  int64_t total = 0;
  for (auto& [pp, prc, amount] : pending_) {
    if (pp == p && prc == rc) {
      total += amount;
    }
  }
  return total;
}

uint32_t overlay::instances_on(uint32_t host) const noexcept {
  for (auto [h, n] : instances_) {
    if (h == host) {
      return n;
    }
  }
  return 0;
}

std::vector<uint32_t> overlay::hosts() const {
  std::vector<uint32_t> out;
  for (auto [h, n] : instances_) {
    out.push_back(h);
  }
  return out;
}

void overlay::add(provider_id p, rc_id rc, int64_t amount) {
  pending_.emplace_back(p, rc, amount);
}

void overlay::add_instance(uint32_t host) {
  for (auto& [h, n] : instances_) {
    if (h == host) {
      ++n;
      return;
    }
  }
  instances_.emplace_back(host, 1);
}

bool fit(const scheduler_state& s, std::span<const need> needs, uint32_t host,
         const overlay& ov, std::vector<provider_id>& chosen,
         std::vector<provider_id>& lenders) {
  const auto& ps = s.placement();
  auto root = host;
  auto start = chosen.size();
  auto lenders_known = false;
  auto fits = [&](provider_id id, const need& n) {
    const auto* inv = ps.find_inventory(id, n.rc);
    return inv != nullptr && inv->fits(n.amount, ov.pending(id, n.rc));
  };
  for (const auto& n : needs) {
    auto pick = no_id;
    for (auto id : ps.tree(root)) {
      if (fits(id, n)) {
        pick = id;
        break;
      }
    }
    if (pick == no_id && ps.shared_anywhere(n.rc)) {
      if (!lenders_known) {
        lenders.clear();
        ps.sharing_providers(root, lenders);
        lenders_known = true;
      }
      auto it = std::find_if(lenders.begin(), lenders.end(),
                             [&](provider_id id) { return fits(id, n); });
      pick = it == lenders.end() ? no_id : *it;
    }
    if (pick == no_id) {
      chosen.resize(start);
      return false;
    }
    chosen.push_back(pick);
  }
  return true;
}

int64_t tree_free(const scheduler_state& s, uint32_t host, rc_id rc, const overlay& ov) {
  int64_t free = 0;
  for (auto id : s.placement().tree(host)) {
    if (const auto* inv = s.placement().find_inventory(id, rc)) {
      free += inv->free() - ov.pending(id, rc);
    }
  }
  return std::max<int64_t>(free, 0);
}

} // namespace strato::scheduler
