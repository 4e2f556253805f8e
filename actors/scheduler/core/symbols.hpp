#pragma once

/// Dense ids for the names Placement deals in (resource classes, traits,
/// aggregates) and for providers. Names travel in changes and requests, so
/// events stay readable and independent of any one instance; inside a state
/// they are interned once, so the hot path compares integers.
///
/// Ids depend on the order names were first seen, which is the order changes
/// were applied: replaying the same changes yields the same ids.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strato::scheduler {

using provider_id = uint32_t;
using rc_id = uint32_t;
using trait_id = uint32_t;
using aggregate_id = uint32_t;

inline constexpr uint32_t no_id = UINT32_MAX;

/// Lets string-keyed maps be searched with a `string_view` without copying.
struct string_hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <class T>
using string_map = std::unordered_map<std::string, T, string_hash, std::equal_to<>>;

/// Names to dense ids and back.
class symbol_table {
public:
  uint32_t intern(std::string_view name) {
    if (auto it = ids_.find(name); it != ids_.end()) {
      return it->second;
    }
    auto id = static_cast<uint32_t>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(std::string{name}, id);
    return id;
  }

  [[nodiscard]] std::optional<uint32_t> find(std::string_view name) const {
    if (auto it = ids_.find(name); it != ids_.end()) {
      return it->second;
    }
    return std::nullopt;
  }

  [[nodiscard]] const std::string& name(uint32_t id) const {
    return names_[id];
  }

  [[nodiscard]] size_t size() const noexcept {
    return names_.size();
  }

private:
  string_map<uint32_t> ids_;
  std::vector<std::string> names_;
};

} // namespace strato::scheduler
