#include "actors/volume/volume_gateway.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "actors/image/image_protocol.hpp"
#include "actors/tenant/quota_protocol.hpp"
#include "actors/volume/entity/volume_entity.hpp"
#include "actors/volume/model/catalog.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::volume {

namespace {

constexpr auto call_timeout = std::chrono::seconds{60};
constexpr uint64_t gib = uint64_t{1} << 30;
/// As the API's reservations: a create that dies mid-way frees its quota.
constexpr int64_t reservation_ttl_ms = 600'000;

struct gateway_state {
  std::shared_ptr<volume_services> services;
  std::shared_ptr<volume_catalog> catalog;
  static inline const char* name = "strato.volume.gateway";
};

using gateway_actor = caf::stateful_actor<gateway_state>;
using summary_promise = caf::typed_response_promise<volume_summary>;

caf::error fail(status st) {
  return actor::to_caf_error(st);
}

bool visible_to(const std::string& owner, const std::string& project) {
  return project.empty() || owner == project;
}

/// A create on its way: the request and what it resolved to.
struct create_job {
  volume_create req;
  create_volume_spec spec;
  std::string reservation;
  summary_promise rp;
};

using job_ptr = std::shared_ptr<create_job>;

void reply_error(const job_ptr& job, const status& st) {
  job->rp.deliver(fail(st));
}

/// Records the create with the entity, then settles the reservation.
void record_create(gateway_actor* self, job_ptr job) {
  const auto& services = *self->state.services;
  volume_create_cmd cmd{job->spec, job->req.request_id};
  self->request(services.volumes, call_timeout, job->spec.id,
                caf::make_message(std::move(cmd)))
    .then(
      [self, job](volume_record& created) {
        const auto& tenant = self->state.services->tenant;
        if (tenant && !job->reservation.empty()) {
          caf::anon_send(tenant, job->spec.project_id,
                         caf::make_message(tenant::quota_commit_atom::value,
                                           job->reservation,
                                           job->req.request_id));
        }
        job->rp.deliver(summarize(created));
      },
      [self, job](caf::error& err) {
        const auto& tenant = self->state.services->tenant;
        if (tenant && !job->reservation.empty()) {
          caf::anon_send(tenant, job->spec.project_id,
                         caf::make_message(tenant::quota_rollback_atom::value,
                                           job->reservation,
                                           job->req.request_id));
        }
        job->rp.deliver(err);
      });
}

void reserve_then_create(gateway_actor* self, job_ptr job) {
  const auto& tenant = self->state.services->tenant;
  if (!tenant) {
    record_create(self, std::move(job));
    return;
  }
  tenant::quota_amounts deltas{
    {"volumes", 1}, {"gigabytes", static_cast<int64_t>(job->spec.size_gb)}};
  self
    ->request(tenant, call_timeout, job->spec.project_id,
              caf::make_message(tenant::quota_reserve_atom::value, deltas,
                                job->req.request_id, reservation_ttl_ms))
    .then(
      [self, job](std::string& reservation) {
        job->reservation = std::move(reservation);
        record_create(self, job);
      },
      [job](caf::error& err) { job->rp.deliver(err); });
}

/// The size the volume must have at least, as Cinder checks it.
status fit_size(create_volume_spec& spec, uint64_t source_gb,
                const char* what) {
  if (spec.size_gb == 0) {
    spec.size_gb = std::max<uint64_t>(source_gb, 1);
    return {};
  }
  if (spec.size_gb < source_gb) {
    return {errc::invalid_argument,
            "Invalid input received: Volume size '"
              + std::to_string(spec.size_gb) + "'GB cannot be smaller than "
              + "the " + what + " size " + std::to_string(source_gb)
              + "GB. They must be >= original " + what + " size."};
  }
  return {};
}

/// Fills the spec's type and snapshot source from the catalog.
status resolve_from_catalog(const catalog_contents& cat, create_job& job) {
  auto& spec = job.spec;
  const auto& req = job.req;
  const auto* type = cat.find_type(req.volume_type.empty()
                                     ? std::string{default_type_name}
                                     : req.volume_type);
  if (type == nullptr) {
    return {errc::not_found, "Volume type with name " + req.volume_type
                               + " could not be found."};
  }
  spec.volume_type_id = type->id;
  if (req.snapshot_id.empty()) {
    return {};
  }
  auto it = cat.snapshots.find(req.snapshot_id);
  if (it == cat.snapshots.end() || !it->second.exists()
      || !visible_to(it->second.project_id, req.project_id)) {
    return {errc::not_found,
            "Snapshot " + req.snapshot_id + " could not be found."};
  }
  if (it->second.status != pb::COPY_STATUS_AVAILABLE) {
    return {errc::invalid_argument,
            "Invalid snapshot: Originating snapshot status must be one of "
            "'available' values"};
  }
  spec.source.set_snapshot_id(req.snapshot_id);
  spec.source_path = it->second.path;
  spec.source_format = "qcow2";
  return fit_size(spec, it->second.size_gb, "snapshot");
}

void create_from_image(gateway_actor* self, job_ptr job) {
  const auto& image = self->state.services->image;
  if (!image) {
    reply_error(job, {errc::invalid_argument,
                      "Invalid input received: the image service is not "
                      "running on this node."});
    return;
  }
  image::image_use use{job->req.image_id, job->req.project_id, "volume",
                       job->spec.id, job->req.request_id};
  self->request(image, call_timeout, use)
    .then(
      [self, job](image::image_info& info) {
        auto bytes = std::max(info.virtual_size, info.size);
        auto image_gb = std::max<uint64_t>((bytes + gib - 1) / gib,
                                           info.min_disk);
        if (auto st = fit_size(job->spec, image_gb, "image"); !st.ok()) {
          caf::anon_send(self->state.services->image,
                         image::image_release{job->req.image_id, "volume",
                                              job->spec.id,
                                              job->req.request_id});
          reply_error(job, st);
          return;
        }
        job->spec.source.set_image_id(job->req.image_id);
        job->spec.source_path = info.file_path;
        job->spec.source_format
          = info.disk_format.empty() ? "raw" : info.disk_format;
        reserve_then_create(self, job);
      },
      [job](caf::error& err) {
        auto st = actor::from_caf_error(err);
        reply_error(job, st.code() == errc::not_found
                           ? status{errc::not_found,
                                    "Image " + job->req.image_id
                                      + " could not be found."}
                           : status{errc::invalid_argument,
                                    "Invalid image: " + st.message()});
      });
}

caf::result<volume_summary> create(gateway_actor* self, volume_create& req) {
  auto existing = self->state.catalog->read(
    [&](const catalog_contents& cat) -> std::optional<volume_summary> {
      auto it = cat.volumes.find(req.volume_id);
      if (it == cat.volumes.end() || it->second.status
                                       == pb::VOLUME_STATUS_UNSPECIFIED) {
        return std::nullopt;
      }
      return summarize(it->second);
    });
  if (existing) {
    return *existing; // A retried create: the first one was recorded.
  }
  auto job = std::make_shared<create_job>();
  job->req = req;
  job->rp = self->make_response_promise<volume_summary>();
  auto& spec = job->spec;
  spec.id = req.volume_id;
  spec.project_id = req.project_id;
  spec.user_id = req.user_id;
  spec.name = req.name;
  spec.size_gb = req.size_gb;
  spec.availability_zone
    = req.availability_zone.empty() ? "nova" : req.availability_zone;
  auto resolved = self->state.catalog->read(
    [&](const catalog_contents& cat) { return resolve_from_catalog(cat, *job); });
  if (!resolved.ok()) {
    return fail(resolved);
  }
  if (!req.image_id.empty()) {
    create_from_image(self, job);
  } else {
    if (req.snapshot_id.empty()) {
      spec.source.set_blank(true);
    }
    if (spec.size_gb == 0) {
      return fail({errc::invalid_argument,
                   "Invalid input received: a blank volume needs a size."});
    }
    reserve_then_create(self, job);
  }
  return job->rp;
}

caf::result<bool> remove(gateway_actor* self, volume_delete& req) {
  struct found {
    bool gone = false;
    bool visible = true;
    size_t snapshots = 0;
  };
  auto f = self->state.catalog->read([&](const catalog_contents& cat) {
    auto it = cat.volumes.find(req.volume_id);
    if (it == cat.volumes.end() || !it->second.exists()) {
      return found{true, true, 0};
    }
    return found{false, visible_to(it->second.project_id, req.project_id),
                 cat.snapshots_of(req.volume_id)};
  });
  if (f.gone) {
    return true;
  }
  if (!f.visible) {
    return fail(volume_not_found(req.volume_id));
  }
  auto rp = self->make_response_promise<bool>();
  self
    ->request(self->state.services->volumes, call_timeout, req.volume_id,
              caf::make_message(
                volume_delete_cmd{f.snapshots, false, req.request_id}))
    .then([rp](volume_record&) mutable { rp.deliver(true); },
          [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::result<snapshot_summary> find_snapshot(gateway_actor* self,
                                            const snapshot_lookup& req) {
  auto out = self->state.catalog->read(
    [&](const catalog_contents& cat) -> std::optional<snapshot_summary> {
      auto it = cat.snapshots.find(req.snapshot_id);
      if (it == cat.snapshots.end() || !it->second.exists()
          || !visible_to(it->second.project_id, req.project_id)) {
        return std::nullopt;
      }
      const auto& s = it->second;
      return snapshot_summary{s.id, s.volume_id, std::string{to_string(s.status)},
                              s.size_gb};
    });
  if (!out) {
    return fail({errc::not_found,
                 "Snapshot " + req.snapshot_id + " could not be found."});
  }
  return *out;
}

caf::behavior gateway(gateway_actor* self,
                      std::shared_ptr<volume_services> services,
                      std::shared_ptr<volume_catalog> catalog) {
  self->state.services = std::move(services);
  self->state.catalog = std::move(catalog);
  auto route = [self](const std::string& id, caf::message msg) {
    return self->delegate(self->state.services->volumes, id, std::move(msg));
  };
  return {
    [route](attach_reserve& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](attach_connect& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](attach_move& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](attach_complete& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](attach_unreserve& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](detach_begin& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](detach_complete& m) { return route(m.volume_id, caf::make_message(m)); },
    [route](volume_lookup& m) { return route(m.volume_id, caf::make_message(m)); },
    [self](volume_create& m) { return create(self, m); },
    [self](volume_delete& m) { return remove(self, m); },
    [self](snapshot_lookup& m) { return find_snapshot(self, m); },
  };
}

} // namespace

caf::actor spawn_volume_gateway(caf::actor_system& sys,
                                std::shared_ptr<volume_services> services,
                                std::shared_ptr<volume_catalog> catalog) {
  return sys.spawn(gateway, std::move(services), std::move(catalog));
}

} // namespace strato::volume
