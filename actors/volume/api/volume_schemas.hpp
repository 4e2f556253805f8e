#pragma once

/// Request body schemas, transcribed from cinder/api/schemas/*.py (custom
/// formats such as name_non_mandatory_remove_white_spaces become length
/// limits), compiled once.

#include "runtime/api/json_schema.hpp"
#include "runtime/core/error.hpp"

namespace strato::volume {

struct volume_schemas {
  api::schema volume_create;
  api::schema volume_update;
  api::schema extend;
  api::schema reset_status;
  api::schema snapshot_create;
  api::schema snapshot_update;
  api::schema backup_create;
  api::schema backup_update;
  api::schema backup_restore;
  api::schema attachment_create;
  api::schema attachment_update;
  api::schema type_create;
  api::schema type_update;
  api::schema extra_specs;
  api::schema quota_update;
  api::schema metadata_set;  ///< {"metadata": {...}}
  api::schema metadata_item; ///< {"meta": {"key": "value"}}
};

[[nodiscard]] const volume_schemas& schemas();

/// Cinder's volume size: a positive integer or a string holding one.
[[nodiscard]] result<uint64_t> parse_size(const nlohmann::json& value);

} // namespace strato::volume
