#include "actors/network/core/ipam.hpp"

#include <algorithm>

namespace strato::network {

std::vector<ip_range> default_pools(const ip_prefix& cidr,
                                    const std::optional<ip_address>& gateway) {
  int version = cidr.network.version;
  u128 first = cidr.first().value + 1;
  u128 last = cidr.last().value;
  if (version == 4 && cidr.length < 31) {
    last -= 1; // broadcast
  }
  if (cidr.length >= cidr.bits() - 1) {
    first = cidr.first().value; // /31, /32: every address is a host
  }
  std::vector<ip_range> pools;
  auto add = [&](u128 a, u128 b) {
    if (a <= b) {
      pools.push_back({{version, a}, {version, b}});
    }
  };
  if (gateway && cidr.contains(*gateway) && gateway->value >= first
      && gateway->value <= last) {
    if (gateway->value > first) {
      add(first, gateway->value - 1);
    }
    if (gateway->value < last) {
      add(gateway->value + 1, last);
    }
  } else {
    add(first, last);
  }
  return pools;
}

subnet_ipam::subnet_ipam(ip_prefix cidr, std::vector<ip_range> pools)
  : cidr_(cidr), pools_(std::move(pools)) {
  std::sort(pools_.begin(), pools_.end(),
            [](const ip_range& a, const ip_range& b) {
              return a.start.value < b.start.value;
            });
  if (!pools_.empty()) {
    hint_ = pools_.front().start.value;
  }
}

std::optional<u128> subnet_ipam::free_in(const ip_range& r, u128 from,
                                         const std::set<u128>& also) const {
  u128 a = std::max(from, r.start.value);
  if (a > r.end.value) {
    return std::nullopt;
  }
  // Walk the used addresses from `a` on: the first gap is the answer.
  auto it = used_.lower_bound(a);
  while (true) {
    while (it != used_.end() && *it < a) {
      ++it;
    }
    bool taken = (it != used_.end() && *it == a) || also.count(a) != 0;
    if (!taken) {
      return a;
    }
    if (a == r.end.value) {
      return std::nullopt;
    }
    ++a;
  }
}

std::optional<ip_address>
subnet_ipam::next_free(const std::set<u128>& also_taken) const {
  // First from the hint to the end of the pools, then from the start.
  for (int pass = 0; pass < 2; ++pass) {
    u128 from = pass == 0 ? hint_ : 0;
    for (const auto& r : pools_) {
      if (auto a = free_in(r, from, also_taken)) {
        return ip_address{cidr_.network.version, *a};
      }
    }
  }
  return std::nullopt;
}

bool subnet_ipam::assignable(const ip_address& a) const {
  if (!cidr_.contains(a)) {
    return false;
  }
  if (cidr_.length >= cidr_.bits() - 1) {
    return true;
  }
  if (a.value == cidr_.first().value) {
    return false;
  }
  return !(a.version == 4 && a.value == cidr_.last().value);
}

bool subnet_ipam::take(const ip_address& a) {
  if (!used_.insert(a.value).second) {
    return false;
  }
  hint_ = a.value + 1;
  return true;
}

void subnet_ipam::release(const ip_address& a) {
  used_.erase(a.value);
}

} // namespace strato::network
