// `GET /v2/images/{id}/file`: the data streamed from the store a piece at a
// time on the blocking pool, whole (200, with Content-MD5) or one byte range
// (206, with Content-Range; 416 when the range is unsatisfiable).

#include <charconv>

#include "actors/image/service/image_service.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/service/policy.hpp"

namespace strato::image {

namespace {

using svc_ptr = std::shared_ptr<image_service>;
constexpr size_t piece_bytes = 1 << 20;

class store_source final : public http::body_source {
public:
  store_source(std::shared_ptr<imagestore::image_reader> reader,
               blocking_pool& pool)
    : reader_(std::move(reader)), pool_(pool) {
  }

  void read(std::function<void(std::optional<std::string>)> done) override {
    pool_.post([reader = reader_, done = std::move(done)] {
      auto piece = reader->read(piece_bytes);
      done(piece ? std::optional<std::string>{std::move(*piece)}
                 : std::nullopt);
    });
  }

private:
  std::shared_ptr<imagestore::image_reader> reader_;
  blocking_pool& pool_;
};

struct byte_range {
  uint64_t first = 0;
  uint64_t length = 0;
};

bool parse_number(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{}
         && end == text.data() + text.size();
}

/// "bytes=a-b", "bytes=a-" or "bytes=-n" against `size`; nullopt when
/// unsatisfiable or not understood (Glance answers 416 for both).
std::optional<byte_range> parse_range(std::string_view header, uint64_t size) {
  constexpr std::string_view unit = "bytes=";
  if (header.substr(0, unit.size()) != unit) {
    return std::nullopt;
  }
  auto spec = header.substr(unit.size());
  auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  auto from = spec.substr(0, dash);
  auto to = spec.substr(dash + 1);
  uint64_t a = 0;
  uint64_t b = size == 0 ? 0 : size - 1;
  if (from.empty()) {
    uint64_t suffix = 0;
    if (!parse_number(to, suffix) || suffix == 0 || size == 0) {
      return std::nullopt;
    }
    a = suffix >= size ? 0 : size - suffix;
  } else if (!parse_number(from, a) || (!to.empty() && !parse_number(to, b))) {
    return std::nullopt;
  }
  b = std::min(b, size == 0 ? 0 : size - 1);
  if (a >= size || b < a) {
    return std::nullopt;
  }
  return byte_range{a, b - a + 1};
}

void download(const svc_ptr& svc, const http::request& req,
              const http::responder& reply, const identity::auth_context& who) {
  auto image = svc->visible_image(std::string{req.path_param("image_id")}, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  if (image->status() == v1::IMAGE_STATUS_DEACTIVATED
      && !service::is_admin(who)) {
    reply.fail(403, "The requested image has been deactivated. Image data "
                    "download is prohibited.");
    return;
  }
  if (image->status() != v1::IMAGE_STATUS_ACTIVE
      && image->status() != v1::IMAGE_STATUS_DEACTIVATED) {
    reply.send(http::response::empty(204)); // No data yet.
    return;
  }
  auto size = static_cast<uint64_t>(image->size());
  byte_range range{0, size};
  int code = 200;
  if (auto header = req.header("Range")) {
    auto parsed = parse_range(*header, size);
    if (!parsed) {
      auto r = http::response::empty(416);
      r.headers.add("Content-Range", "bytes */" + std::to_string(size));
      reply.send(std::move(r));
      return;
    }
    range = *parsed;
    code = 206;
  }
  svc->context->pool.post([svc, reply, range, code, size,
                           image = std::move(*image)] {
    auto reader = svc->store->open_read(image.location(), range.first,
                                        range.length);
    if (!reader) {
      reply.fail(reader.error());
      return;
    }
    http::response r;
    r.status = code;
    r.content_type = "application/octet-stream";
    if (code == 200) {
      r.headers.add("Content-MD5", image.checksum());
    } else {
      r.headers.add("Content-Range",
                    "bytes " + std::to_string(range.first) + "-"
                      + std::to_string(range.first + range.length - 1) + "/"
                      + std::to_string(size));
    }
    r.stream_length = range.length;
    r.body_stream = std::make_shared<store_source>(
      std::shared_ptr<imagestore::image_reader>{std::move(*reader)},
      svc->context->pool);
    reply.send(std::move(r));
  });
}

} // namespace

void install_download_route(const svc_ptr& svc, http::router& routes) {
  routes.add(http::method::get, "/image/v2/images/{image_id}/file",
             [svc](http::request req, http::responder reply) {
               auto shared = std::make_shared<http::request>(std::move(req));
               svc->with_caller(
                 *shared, reply,
                 [svc, shared, reply](const identity::auth_context& who) {
                   download(svc, *shared, reply, who);
                 });
             });
}

} // namespace strato::image
