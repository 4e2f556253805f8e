#include "actors/scheduler/core/request.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

namespace strato::scheduler {

namespace {

void set_amount(std::vector<resource_amount>& out, std::string_view rc, int64_t n) {
  auto it = std::find_if(out.begin(), out.end(),
                         [&](auto& r) { return r.resource_class == rc; });
  if (it == out.end()) {
    out.push_back({std::string{rc}, n});
  } else {
    it->amount = n;
  }
}

void add_unique(std::vector<std::string>& out, std::string_view trait) {
  if (std::find(out.begin(), out.end(), trait) == out.end()) {
    out.emplace_back(trait);
  }
}

/// Splits "prefix:NAME" or "prefixN:NAME"; a numbered group is unsupported.
result<std::string_view> unnumbered(std::string_view key, std::string_view prefix) {
  auto rest = key.substr(prefix.size());
  if (!rest.starts_with(':')) {
    return status{errc::not_implemented,
                  "numbered request groups are not supported: " + std::string{key}};
  }
  return rest.substr(1);
}

status add_trait(resource_request& out, std::string_view name, std::string_view how,
                 std::string_view key) {
  if (how == "required") {
    add_unique(out.required_traits, name);
  } else if (how == "forbidden") {
    add_unique(out.forbidden_traits, name);
  } else {
    return {errc::invalid_argument,
            std::string{key} + " must be 'required' or 'forbidden'"};
  }
  return {};
}

status apply_extra_spec(resource_request& out, std::string_view key,
                        std::string_view value) {
  if (key.starts_with("resources")) {
    auto rc = unnumbered(key, "resources");
    if (!rc) {
      return rc.error();
    }
    int64_t n = -1;
    auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (err != std::errc{} || end != value.data() + value.size() || n < 0) {
      return {errc::invalid_argument, std::string{key} + " needs a count >= 0"};
    }
    if (!is_valid_resource_class(*rc)) {
      return {errc::invalid_argument, "unknown resource class in " + std::string{key}};
    }
    set_amount(out.resources, *rc, n);
  } else if (key.starts_with("trait")) {
    auto name = unnumbered(key, "trait");
    if (!name) {
      return name.error();
    }
    return add_trait(out, *name, value, key);
  }
  return {};
}

status apply_image_property(resource_request& out, std::string_view key,
                            std::string_view value) {
  if (key.starts_with("trait:")) {
    return add_trait(out, key.substr(6), value, key);
  }
  if (key == "hw_architecture") {
    std::string trait = "HW_ARCH_";
    for (auto c : value) {
      trait += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    add_unique(out.required_traits, trait);
  }
  return {};
}

} // namespace

result<resource_request> to_resource_request(const schedule_request& req) {
  const auto& f = req.flavor;
  if (f.vcpus < 0 || f.memory_mb < 0 || f.root_gb < 0 || f.ephemeral_gb < 0
      || f.swap_mb < 0) {
    return status{errc::invalid_argument, "flavor sizes must not be negative"};
  }
  resource_request out;
  set_amount(out.resources, vcpu_class, f.vcpus);
  set_amount(out.resources, memory_mb_class, f.memory_mb);
  set_amount(out.resources, disk_gb_class,
             f.root_gb + f.ephemeral_gb + (f.swap_mb + 1023) / 1024);
  for (auto& [key, value] : f.extra_specs) {
    if (auto st = apply_extra_spec(out, key, value); !st.ok()) {
      return st;
    }
  }
  for (auto& [key, value] : req.image_properties) {
    if (auto st = apply_image_property(out, key, value); !st.ok()) {
      return st;
    }
  }
  std::erase_if(out.resources, [](auto& r) { return r.amount == 0; });
  out.member_of = req.member_of;
  out.in_tree = req.in_tree;
  return out;
}

} // namespace strato::scheduler
