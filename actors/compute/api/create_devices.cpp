// POST /servers: the block device mapping (boot from volume). The rules and
// messages are Nova's: nova/block_device.py (from_api, from_legacy_mapping)
// and nova/compute/api.py (_check_and_transform_bdm, _validate_bdm).

#include <algorithm>
#include <cctype>

#include "actors/compute/api/create_request.hpp"
#include "actors/image/image_protocol.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/core/ids.hpp"

namespace strato::compute {

namespace {

/// Nova's max_local_block_devices default.
constexpr size_t max_local_devices = 3;

/// One mapping after from_api: the fields the rules look at.
struct mapping {
  std::string source;
  std::string destination;
  std::string uuid;
  std::string device_name;
  std::string guest_format;
  std::string tag;
  std::string volume_type;
  int64_t boot_index = -1;
  uint64_t size = 0;
  bool delete_on_termination = false;
};

status bad(std::string message) {
  return {errc::invalid_argument, std::move(message)};
}

status invalid_format(const std::string& details) {
  return bad("Block Device Mapping is Invalid: " + details);
}

std::string text_of(const json& item, const char* key) {
  return item.contains(key) && item[key].is_string()
           ? item[key].get<std::string>()
           : std::string{};
}

/// oslo's bool_from_string over the schema's accepted spellings.
bool truthy(const json& v) {
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  auto s = v.is_string() ? v.get<std::string>() : std::string{};
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  return s == "true" || s == "1" || s == "on" || s == "yes";
}

int64_t integer_of(const json& v, int64_t fallback) {
  if (v.is_number_integer()) {
    return v.get<int64_t>();
  }
  if (v.is_string() && !v.get<std::string>().empty()) {
    return std::stoll(v.get<std::string>());
  }
  return fallback;
}

std::string strip_dev(const std::string& name) {
  return name.rfind("/dev/", 0) == 0 ? name.substr(5) : name;
}

/// BlockDeviceDict.from_api for one v2 item.
result<mapping> from_v2(const json& item, bool image_given) {
  mapping m;
  if (!item.contains("source_type")) {
    return invalid_format("Some required fields are missing");
  }
  m.source = text_of(item, "source_type");
  m.uuid = text_of(item, "uuid");
  m.destination = text_of(item, "destination_type");
  if (m.destination.empty()) {
    m.destination = m.source == "volume" || m.source == "snapshot"
                      ? "volume"
                      : "local";
  }
  m.device_name = text_of(item, "device_name");
  m.guest_format = text_of(item, "guest_format");
  m.tag = text_of(item, "tag");
  m.volume_type = text_of(item, "volume_type");
  m.boot_index = item.contains("boot_index")
                   ? integer_of(item["boot_index"], -1)
                   : -1;
  m.size = static_cast<uint64_t>(
    item.contains("volume_size") ? integer_of(item["volume_size"], 0) : 0);
  m.delete_on_termination = item.contains("delete_on_termination")
                            && truthy(item["delete_on_termination"]);
  if (m.source == "blank" && !m.uuid.empty()) {
    return invalid_format("Invalid device UUID.");
  }
  if (m.source != "blank" && m.uuid.empty()) {
    return invalid_format("Missing device UUID.");
  }
  if (m.source == "image" && m.destination == "local"
      && !(image_given && m.boot_index == 0)) {
    return invalid_format("Mapping image to local is not supported.");
  }
  if (m.destination == "local" && !m.volume_type.empty()) {
    return invalid_format("Specifying a volume_type with destination_type="
                          "local is not supported.");
  }
  if (m.source == "volume" && !m.volume_type.empty()) {
    return invalid_format("Specifying volume type to existing volume is not "
                          "supported.");
  }
  return m;
}

/// from_legacy_mapping: volume_id/snapshot_id entries become volumes; the
/// one on the root device (vda) boots, or the first when there is no image.
std::vector<mapping> from_legacy(const json& items, bool image_given) {
  std::vector<mapping> out;
  bool volume_backed = false;
  for (const auto& item : items) {
    if (item.contains("no_device") && truthy(item["no_device"])) {
      continue;
    }
    mapping m;
    m.device_name = text_of(item, "device_name");
    m.delete_on_termination = item.contains("delete_on_termination")
                              && truthy(item["delete_on_termination"]);
    m.size = static_cast<uint64_t>(
      item.contains("volume_size") ? integer_of(item["volume_size"], 0) : 0);
    if (auto id = text_of(item, "volume_id"); !id.empty()) {
      m.source = "volume";
      m.uuid = id;
    } else if (auto snap = text_of(item, "snapshot_id"); !snap.empty()) {
      m.source = "snapshot";
      m.uuid = snap;
    } else {
      m.source = "blank";
      m.guest_format = text_of(item, "virtual_name") == "swap" ? "swap" : "";
    }
    m.destination = m.source == "blank" ? "local" : "volume";
    if (m.source != "blank" && strip_dev(m.device_name) == "vda") {
      m.boot_index = 0;
      volume_backed = true;
    }
    out.push_back(std::move(m));
  }
  if (!image_given && !volume_backed) {
    for (auto& m : out) {
      if (m.source != "blank") {
        m.boot_index = 0;
        break;
      }
    }
  }
  return out;
}

/// Each bootable device needs a unique index from 0 up, and one must be 0.
status check_boot_sequence(const std::vector<mapping>& all) {
  std::vector<int64_t> indexes;
  for (const auto& m : all) {
    if (m.boot_index >= 0) {
      indexes.push_back(m.boot_index);
    }
  }
  std::sort(indexes.begin(), indexes.end());
  bool ordered = !indexes.empty();
  for (size_t i = 0; i < indexes.size(); ++i) {
    ordered = ordered && indexes[i] == static_cast<int64_t>(i);
  }
  if (!ordered) {
    return invalid_format("Boot sequence for the instance and image/block "
                          "device mapping combination is not valid.");
  }
  return {};
}

/// The local disks against the flavor (swap, ephemeral, their count).
status check_local_disks(const std::vector<mapping>& all,
                         const pb::Flavor& flavor, block_device_plan& plan) {
  int64_t ephemeral = 0;
  bool any_ephemeral = false;
  size_t swaps = 0;
  size_t locals = 0;
  for (const auto& m : all) {
    if (m.destination != "local") {
      continue;
    }
    ++locals;
    if (m.source != "blank") {
      continue;
    }
    if (m.guest_format == "swap") {
      ++swaps;
      plan.swap_mb = m.size != 0 ? static_cast<int64_t>(m.size)
                                 : flavor.swap_mb();
    } else {
      any_ephemeral = true;
      ephemeral += m.size != 0 ? static_cast<int64_t>(m.size)
                               : flavor.ephemeral_gb();
    }
  }
  if (ephemeral > flavor.ephemeral_gb()) {
    return bad("Ephemeral disks requested are larger than the instance type "
               "allows. If no size is given in one block device mapping, "
               "flavor ephemeral size will be used.");
  }
  if (swaps > 1) {
    return invalid_format("More than one swap drive requested.");
  }
  if (plan.swap_mb && *plan.swap_mb > flavor.swap_mb()) {
    return bad("Swap drive requested is larger than instance type allows.");
  }
  if (locals > max_local_devices) {
    return invalid_format("You specified more local devices than the limit "
                          "allows");
  }
  if (any_ephemeral) {
    plan.ephemeral_gb = ephemeral;
  }
  return {};
}

/// Checks what needs no other service and turns the volumes into the
/// server's attachments (ids of created volumes left empty).
status plan_volumes(const std::vector<mapping>& all, bool image_given,
                    block_device_plan& plan) {
  std::vector<std::string> devices{"vda"};
  for (const auto& m : all) {
    if (m.destination != "volume") {
      if (m.source == "image") {
        plan.image_ids.push_back(m.uuid);
      }
      continue;
    }
    if (image_given && strip_dev(m.device_name) == "vda") {
      return bad("The volume cannot be assigned the same device name as the "
                 "root device vda");
    }
    if (m.source == "image" && m.size == 0) {
      return bad("Images with destination_type 'volume' need to have a "
                 "non-zero size specified");
    }
    if (m.source == "blank" && m.size == 0) {
      return bad("Blank volumes (source: 'blank', dest: 'volume') need to "
                 "have non-zero size");
    }
    pb::VolumeAttachment v;
    v.set_boot(true);
    v.set_boot_index(static_cast<int32_t>(m.boot_index));
    v.set_tag(m.tag);
    v.set_delete_on_termination(m.delete_on_termination);
    if (m.source == "volume") {
      v.set_volume_id(m.uuid);
      v.set_phase("reserving");
    } else {
      v.set_phase("creating");
      auto* want = v.mutable_create();
      want->set_size_gb(m.size);
      want->set_volume_type(m.volume_type);
      if (m.source == "image") {
        want->set_image_id(m.uuid);
        plan.image_ids.push_back(m.uuid);
      } else if (m.source == "snapshot") {
        want->set_snapshot_id(m.uuid);
        plan.snapshot_ids.push_back(m.uuid);
      }
    }
    auto device = m.boot_index == 0 ? std::string{"vda"}
                                    : strip_dev(m.device_name);
    v.set_device(device.empty() ? std::string{} : "/dev/" + device);
    if (!device.empty()) {
      devices.push_back(device);
    }
    plan.volume_backed = plan.volume_backed || m.boot_index == 0;
    plan.volumes.push_back(std::move(v));
  }
  // Volumes without a device name take the next free ones, as the guest
  // sees them (vdb, vdc, ...).
  for (auto& v : plan.volumes) {
    for (char letter = 'b'; v.device().empty() && letter <= 'z'; ++letter) {
      auto name = std::string{"vd"} + letter;
      if (std::find(devices.begin(), devices.end(), name) == devices.end()) {
        devices.push_back(name);
        v.set_device("/dev/" + name);
      }
    }
  }
  return {};
}

} // namespace

result<block_device_plan> read_block_devices(const call& c, const json& server,
                                             const pb::Flavor& flavor,
                                             int64_t max_count) {
  bool legacy = server.contains("block_device_mapping")
                && !server["block_device_mapping"].empty();
  bool v2 = server.contains("block_device_mapping_v2")
            && !server["block_device_mapping_v2"].empty();
  bool image_given = server.contains("imageRef")
                     && !server["imageRef"].is_null();
  block_device_plan plan;
  if (legacy && v2) {
    return bad("Using different block_device_mapping syntaxes is not allowed "
               "in the same request.");
  }
  if (!legacy && !v2) {
    return plan;
  }
  std::vector<mapping> all;
  if (legacy) {
    all = from_legacy(server["block_device_mapping"], image_given);
  } else {
    for (const auto& item : server["block_device_mapping_v2"]) {
      auto m = from_v2(item, image_given);
      if (!m) {
        return m.error();
      }
      all.push_back(std::move(*m));
    }
  }
  (void)c;
  bool has_user_volume = std::any_of(all.begin(), all.end(), [](const auto& m) {
    return m.source == "volume";
  });
  if (max_count > 1 && has_user_volume) {
    return bad("Cannot attach one or more volumes to multiple instances");
  }
  if (!legacy || !image_given) {
    if (auto st = check_boot_sequence(all); !st.ok()) {
      return st;
    }
  }
  if (auto st = plan_volumes(all, image_given, plan); !st.ok()) {
    return st;
  }
  if (auto st = check_local_disks(all, flavor, plan); !st.ok()) {
    return st;
  }
  return plan;
}

std::vector<pb::VolumeAttachment>
volumes_for_server(const block_device_plan& plan,
                   const std::string& request_id) {
  auto out = plan.volumes;
  for (auto& v : out) {
    if (v.phase() == "creating") {
      v.set_volume_id(new_uuid());
    }
    v.set_bdm_uuid(new_uuid());
    v.set_request_id(request_id);
  }
  return out;
}

namespace {

namespace vol = strato::volume;

/// The lookups, one after another; the first refusal is answered.
struct device_checks {
  const compute_api* self;
  call c;
  std::shared_ptr<const block_device_plan> plan;
  std::function<void()> next;
  size_t index = 0;
};

using checks_ptr = std::shared_ptr<device_checks>;

void check_next(checks_ptr k);

void check_image(checks_ptr k, const std::string& id) {
  if (!k->self->image) {
    check_next(std::move(k));
    return;
  }
  image::image_lookup lookup{id, k->c.admin() ? "" : k->c.caller.project_id};
  actor::ask<image::image_info>(
    *k->self->sys, k->self->image, caf::make_message(lookup),
    std::chrono::seconds{30}, [k, id](result<image::image_info> r) {
      if (!r) {
        k->c.fail(invalid_format("failed to get image " + id + "."));
        return;
      }
      check_next(k);
    });
}

void check_volume(checks_ptr k, const pb::VolumeAttachment& v) {
  vol::volume_lookup lookup{v.volume_id(),
                            k->c.admin() ? "" : k->c.caller.project_id};
  auto boots = v.boot_index() == 0;
  actor::ask<vol::volume_summary>(
    *k->self->sys, k->self->volume, caf::make_message(lookup),
    std::chrono::seconds{30},
    [k, id = v.volume_id(), boots](result<vol::volume_summary> r) {
      if (!r) {
        k->c.fail(invalid_format("failed to get volume " + id + "."));
      } else if (r->status != "available") {
        k->c.fail(bad("Invalid volume: Volume " + id
                      + " status must be available to reserve, but the "
                        "status is "
                      + r->status + "."));
      } else if (boots && !r->bootable) {
        k->c.fail(bad("Block Device " + id + " is not bootable."));
      } else {
        check_next(k);
      }
    });
}

void check_snapshot(checks_ptr k, const std::string& id) {
  vol::snapshot_lookup lookup{id, k->c.admin() ? "" : k->c.caller.project_id};
  actor::ask<vol::snapshot_summary>(
    *k->self->sys, k->self->volume, caf::make_message(lookup),
    std::chrono::seconds{30}, [k, id](result<vol::snapshot_summary> r) {
      if (!r) {
        k->c.fail(invalid_format("failed to get snapshot " + id + "."));
        return;
      }
      check_next(k);
    });
}

void check_next(checks_ptr k) {
  const auto& p = *k->plan;
  auto i = k->index++;
  if (i < p.image_ids.size()) {
    check_image(k, p.image_ids[i]);
    return;
  }
  i -= p.image_ids.size();
  if (i < p.snapshot_ids.size()) {
    check_snapshot(k, p.snapshot_ids[i]);
    return;
  }
  i -= p.snapshot_ids.size();
  // The user's volumes (the rest are made by the boot).
  size_t seen = 0;
  for (const auto& v : p.volumes) {
    if (v.phase() != "reserving") {
      continue;
    }
    if (seen++ == i) {
      check_volume(k, v);
      return;
    }
  }
  k->next();
}

} // namespace

void check_block_devices_then(const compute_api& self, const call& c,
                              std::shared_ptr<const block_device_plan> plan,
                              std::function<void()> next) {
  if (!plan->volumes.empty() && !self.has_volume) {
    c.fail(bad("Block device mappings with volumes cannot be used: this "
               "Strato node has no block storage service."));
    return;
  }
  auto k = std::make_shared<device_checks>(
    device_checks{&self, c, std::move(plan), std::move(next)});
  check_next(std::move(k));
}

} // namespace strato::compute
