#include "actors/image/model/image_view.hpp"

#include <ctime>

namespace strato::image {

namespace {

using json = nlohmann::json;

json optional_string(bool present, const std::string& value) {
  return present ? json(value) : json(nullptr);
}

json non_empty(const std::string& value) {
  return value.empty() ? json(nullptr) : json(value);
}

bool has_data(const v1::ImageSnapshot& image) {
  return !image.checksum().empty();
}

} // namespace

std::string glance_time(int64_t us) {
  auto seconds = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

json image_json(const v1::ImageSnapshot& image) {
  const auto& attrs = image.attributes();
  json out = json::object();
  for (const auto& [key, value] : attrs.properties()) {
    out[key] = value;
  }
  out["id"] = image.id();
  out["name"] = optional_string(attrs.has_name(), attrs.name());
  out["disk_format"] =
    optional_string(attrs.has_disk_format(), attrs.disk_format());
  out["container_format"] =
    optional_string(attrs.has_container_format(), attrs.container_format());
  out["visibility"] = attrs.visibility();
  out["size"] = has_data(image) ? json(image.size()) : json(nullptr);
  out["virtual_size"] = has_data(image) && image.virtual_size() > 0
                          ? json(image.virtual_size())
                          : json(nullptr);
  out["status"] = to_string(image.status());
  out["checksum"] = non_empty(image.checksum());
  out["protected"] = attrs.protected_();
  out["min_ram"] = attrs.min_ram();
  out["min_disk"] = attrs.min_disk();
  out["owner"] = image.owner();
  out["os_hidden"] = attrs.os_hidden();
  out["os_hash_algo"] = non_empty(image.os_hash_algo());
  out["os_hash_value"] = non_empty(image.os_hash_value());
  out["created_at"] = glance_time(image.created_at_us());
  out["updated_at"] = glance_time(image.updated_at_us());
  out["tags"] = json(std::vector<std::string>(attrs.tags().begin(),
                                              attrs.tags().end()));
  out["self"] = "/v2/images/" + image.id();
  out["file"] = "/v2/images/" + image.id() + "/file";
  out["schema"] = "/v2/schemas/image";
  return out;
}

json member_json(const v1::ImageSnapshot& image, const std::string& member_id) {
  const auto& member = image.members().at(member_id);
  return {{"image_id", image.id()},
          {"member_id", member_id},
          {"status", member.status()},
          {"created_at", glance_time(member.created_at_us())},
          {"updated_at", glance_time(member.updated_at_us())},
          {"schema", "/v2/schemas/member"}};
}

} // namespace strato::image
