#pragma once

/// `GET /v2/images`: Glance's filters (name, visibility, status, owner,
/// disk_format, container_format, tag, protected, os_hidden, member_status,
/// size_min, size_max, id=in:..., any other parameter as a property match),
/// sorting (sort_key/sort_dir or sort=key:dir,...), marker/limit pagination
/// and the `first`/`next` links, over the catalog.

#include "actors/image/service/image_service.hpp"

namespace strato::image {

void list_images(const std::shared_ptr<image_service>& svc,
                 const http::request& req, const http::responder& reply,
                 const identity::auth_context& who);

} // namespace strato::image
