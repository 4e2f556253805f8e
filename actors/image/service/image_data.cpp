// Image data: `PUT /v2/images/{id}/file` streams the body into the store
// (digests computed while writing, the format checked before the data
// becomes the image's) and `GET /v2/images/{id}/file` streams it back, with
// Range support. Neither holds more than one piece of an image in memory.

#include <spdlog/spdlog.h>

#include "actors/image/service/image_service.hpp"
#include "drivers/imagestore/format_inspector.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/http/request_id.hpp"

namespace strato::image {

namespace {

using svc_ptr = std::shared_ptr<image_service>;

/// One upload, from the first body piece to the answer. Steps hop between
/// the I/O threads (body pieces), the blocking pool (disk, qemu-img) and the
/// front actor (entity commands); one step runs at a time.
struct upload_job : std::enable_shared_from_this<upload_job> {
  svc_ptr svc;
  http::responder reply;
  std::shared_ptr<http::body_reader> body;
  std::string image_id;
  std::string upload_id;
  std::string request_id;
  std::string disk_format;
  std::unique_ptr<imagestore::image_writer> writer;

  void start() {
    image_command cmd;
    cmd.op = "upload_start";
    cmd.image_id = image_id;
    cmd.upload_id = upload_id;
    cmd.request_id = request_id;
    svc->command(std::move(cmd), [self = shared_from_this()](
                                   result<v1::ImageSnapshot> started) {
      if (!started) {
        self->reply.fail(started.error());
        return;
      }
      self->svc->context->pool.post([self] { self->open(); });
    });
  }

  void open() {
    auto opened = svc->store->begin_write(image_id, upload_id);
    if (!opened) {
      fail(opened.error());
      return;
    }
    writer = std::move(*opened);
    read_next();
  }

  void read_next() {
    body->read([self = shared_from_this()](std::optional<std::string> piece) {
      self->on_piece(std::move(piece));
    });
  }

  void on_piece(std::optional<std::string> piece) {
    if (!piece) {
      fail(body->exceeded_limit()
             ? status{errc::quota_exceeded, "Image exceeds the storage quota."}
             : status{errc::invalid_argument,
                      "Error in store: the upload was interrupted."});
      return;
    }
    svc->context->pool.post(
      [self = shared_from_this(), piece = std::move(*piece)] {
        if (piece.empty()) {
          self->finish();
        } else if (auto ok = self->writer->write(piece); !ok.ok()) {
          self->fail(ok);
        } else {
          self->read_next();
        }
      });
  }

  /// On the pool: digests are final; check the format, then commit.
  void finish() {
    auto written = writer->finish();
    if (!written) {
      fail(written.error());
      return;
    }
    auto checked = imagestore::inspect_image(written->staged_path, disk_format,
                                             written->size);
    if (!checked) {
      fail(checked.error());
      return;
    }
    auto location = writer->commit();
    if (!location) {
      fail(location.error());
      return;
    }
    image_command cmd;
    cmd.op = "upload_complete";
    cmd.image_id = image_id;
    cmd.upload_id = upload_id;
    cmd.request_id = request_id;
    cmd.size = static_cast<int64_t>(written->size);
    cmd.virtual_size = static_cast<int64_t>(checked->virtual_size);
    cmd.checksum = written->md5_hex;
    cmd.os_hash_value = written->sha512_hex;
    cmd.location = *location;
    svc->on_actor([self = shared_from_this(), cmd = std::move(cmd)]() mutable {
      self->complete(std::move(cmd));
    });
  }

  void complete(image_command cmd) {
    auto location = cmd.location;
    svc->command(std::move(cmd), [self = shared_from_this(), location](
                                   result<v1::ImageSnapshot> done) {
      if (done) {
        self->reply.send(http::response::empty(204));
        return;
      }
      // Deleted (or re-uploaded) meanwhile: the data belongs to no one.
      self->svc->context->pool.post([self, location] {
        if (auto ok = self->svc->store->remove(location); !ok.ok()) {
          spdlog::warn("image {}: orphaned data {} not removed: {}",
                       self->image_id, location, ok.describe());
        }
      });
      self->reply.fail(410, "Image " + self->image_id
                              + " could not be found after upload. The "
                                "image may have been deleted during the "
                                "upload.");
    });
  }

  /// Drops the data, records the failure (the image goes back to queued),
  /// then answers with `why`.
  void fail(status why) {
    svc->context->pool.post([self = shared_from_this(), why = std::move(why)] {
      if (self->writer) {
        self->writer->abort();
      }
      self->record_failure(why);
    });
  }

  void record_failure(status why) {
    svc->on_actor([self = shared_from_this(), why = std::move(why)] {
      image_command cmd;
      cmd.op = "upload_fail";
      cmd.image_id = self->image_id;
      cmd.upload_id = self->upload_id;
      cmd.request_id = self->request_id;
      cmd.text = why.message();
      self->svc->command(std::move(cmd),
                         [self, why](result<v1::ImageSnapshot>) {
                           if (why.code() == errc::quota_exceeded) {
                             self->reply.fail(413, why.message());
                           } else {
                             self->reply.fail(why);
                           }
                         });
    });
  }
};

void upload(const svc_ptr& svc, const std::shared_ptr<http::request>& req,
            const http::responder& reply, const identity::auth_context& who) {
  auto id = std::string{req->path_param("image_id")};
  auto image = svc->owned_image(id, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  auto type = req->header("Content-Type").value_or("application/octet-stream");
  if (type.find("application/octet-stream") != 0) {
    reply.fail(415, "Content-Type must be application/octet-stream");
    return;
  }
  auto job = std::make_shared<upload_job>();
  job->svc = svc;
  job->reply = reply;
  job->body = req->body_stream;
  job->image_id = id;
  job->upload_id = http::make_uuid4();
  job->request_id = req->request_id;
  job->disk_format = image->attributes().disk_format();
  job->start();
}

} // namespace

void install_upload_route(const svc_ptr& svc, http::router& routes) {
  routes.add_streaming(
    http::method::put, "/image/v2/images/{image_id}/file",
    svc->image_size_cap, [svc](http::request req, http::responder reply) {
      auto shared = std::make_shared<http::request>(std::move(req));
      svc->with_caller(*shared, reply,
                       [svc, shared, reply](const identity::auth_context& who) {
                         upload(svc, shared, reply, who);
                       });
    });
}

} // namespace strato::image
