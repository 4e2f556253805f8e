#include "actors/image/service/image_entity.hpp"

#include <caf/all.hpp>

#include <chrono>

#include <nlohmann/json.hpp>

#include "actors/image/image_protocol.hpp"
#include "actors/image/model/image_patch.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::image {

namespace {

using self_ptr = actor::entity_actor<image_model>*;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

result<image_events> decide_patch(const image_model& model,
                                  const std::string& patch, int64_t now) {
  auto ops = nlohmann::json::parse(patch, nullptr, false);
  if (ops.is_discarded()) {
    return status{errc::invalid_argument, "Malformed JSON in request body."};
  }
  auto attrs = apply_patch(model.record().attributes(), ops);
  if (!attrs) {
    return attrs.error();
  }
  return model.decide_update(*attrs, now);
}

result<image_events> decide(const image_model& model, const image_command& c) {
  auto now = now_us();
  if (c.op == "create") {
    v1::ImageAttributes attrs;
    if (!attrs.ParseFromString(c.attributes)) {
      return status{errc::invalid_argument, "unreadable image attributes"};
    }
    return model.decide_create(c.image_id, c.owner, attrs, now);
  }
  if (c.op == "patch") {
    return decide_patch(model, c.patch, now);
  }
  if (c.op == "upload_start") {
    return model.decide_upload_start(c.upload_id, now);
  }
  if (c.op == "upload_complete") {
    return model.decide_upload_complete({c.upload_id, c.size, c.virtual_size,
                                         c.checksum, c.os_hash_value,
                                         c.location},
                                        now);
  }
  if (c.op == "upload_fail") {
    return model.decide_upload_fail(c.upload_id, c.text, now);
  }
  if (c.op == "deactivate") {
    return model.decide_deactivate(now);
  }
  if (c.op == "reactivate") {
    return model.decide_reactivate(now);
  }
  if (c.op == "delete") {
    return model.decide_delete(now);
  }
  if (c.op == "member_add") {
    return model.decide_member_add(c.member_id, now);
  }
  if (c.op == "member_status") {
    return model.decide_member_status(c.member_id, c.text, now);
  }
  if (c.op == "member_remove") {
    return model.decide_member_remove(c.member_id, now);
  }
  return status{errc::invalid_argument, "unknown image command " + c.op};
}

image_info to_info(const v1::ImageSnapshot& r) {
  image_info info;
  info.id = r.id();
  info.name = r.attributes().name();
  info.owner = r.owner();
  info.visibility = r.attributes().visibility();
  info.status = std::string{to_string(r.status())};
  info.disk_format = r.attributes().disk_format();
  info.container_format = r.attributes().container_format();
  info.size = static_cast<uint64_t>(r.size());
  info.virtual_size = static_cast<uint64_t>(r.virtual_size());
  info.min_disk = static_cast<uint64_t>(r.attributes().min_disk());
  info.min_ram = static_cast<uint64_t>(r.attributes().min_ram());
  info.is_protected = r.attributes().protected_();
  info.checksum = r.checksum();
  info.properties = {r.attributes().properties().begin(),
                     r.attributes().properties().end()};
  info.file_path = r.status() == v1::IMAGE_STATUS_ACTIVE ? r.location() : "";
  info.consumers = {r.consumers().begin(), r.consumers().end()};
  return info;
}

/// Persists `decided` (if it holds events) and answers `make_reply(model)`.
template <class MakeReply>
auto run(self_ptr self, result<image_events> decided, std::string request_id,
         MakeReply make_reply)
  -> caf::result<std::invoke_result_t<MakeReply, const image_model&>> {
  if (!decided) {
    return actor::to_caf_error(decided.error());
  }
  if (decided->empty()) {
    return make_reply(self->state.model);
  }
  return actor::persist(self, std::move(*decided), std::move(request_id),
                        std::move(make_reply));
}

status require_visible(const image_model& model, const std::string& project) {
  viewer who{project, project.empty()};
  if (!model.exists() || !visible_to(model.record(), who)) {
    return {errc::not_found, "No image found with ID " + model.record().id()};
  }
  return {};
}

caf::message_handler image_behavior(self_ptr self) {
  auto record = [](const image_model& m) {
    return m.record().SerializeAsString();
  };
  auto info = [](const image_model& m) { return to_info(m.record()); };
  return {
    [self, record](image_command& c) -> caf::result<std::string> {
      return run(self, decide(self->state.model, c), c.request_id, record);
    },
    [self, info](image_lookup& q) -> caf::result<image_info> {
      if (auto ok = require_visible(self->state.model, q.project_id); !ok.ok()) {
        return actor::to_caf_error(ok);
      }
      return info(self->state.model);
    },
    [self, info](image_use& u) -> caf::result<image_info> {
      if (auto ok = require_visible(self->state.model, u.project_id); !ok.ok()) {
        return actor::to_caf_error(ok);
      }
      auto consumer = u.consumer_kind + "/" + u.consumer_id;
      return run(self, self->state.model.decide_use(consumer), u.request_id,
                 info);
    },
    [self](image_release& r) -> caf::result<bool> {
      auto consumer = r.consumer_kind + "/" + r.consumer_id;
      const auto& held = self->state.model.record().consumers();
      bool holds = std::find(held.begin(), held.end(), consumer) != held.end();
      return run(self, self->state.model.decide_release(consumer),
                 r.request_id, [holds](const image_model&) { return holds; });
    },
  };
}

} // namespace

actor::entity_spawner image_entity_spawner(actor::entity_env env) {
  return actor::make_spawner<image_model>(env, image_behavior);
}

caf::actor spawn_image_front(caf::actor_system& sys, caf::actor region) {
  return actor::spawn_function(sys, [region](caf::event_based_actor* self) -> caf::behavior {
    return {
      [self, region](image_lookup& q) {
        auto id = q.image_id;
        return self->delegate(region, std::move(id),
                              caf::make_message(std::move(q)));
      },
      [self, region](image_use& u) {
        auto id = u.image_id;
        return self->delegate(region, std::move(id),
                              caf::make_message(std::move(u)));
      },
      [self, region](image_release& r) {
        auto id = r.image_id;
        return self->delegate(region, std::move(id),
                              caf::make_message(std::move(r)));
      },
      [](continuation& c) { c.run(); },
    };
  });
}

} // namespace strato::image
