#pragma once

/// One image as an event-sourced aggregate (stream "image/<id>"), with
/// Glance's status machine:
///
///            create           upload starts          data complete
///   (none) ─────────> queued ───────────────> saving ──────────────> active
///                       ▲                        │                   │  ▲
///                       └──── upload failed ─────┘        deactivate │  │ reactivate
///                                                                    ▼  │
///                                                                deactivated
///   delete: from every status but deleted -> deleted (refused while
///   protected, or while an instance or volume uses the image).
///   killed, uploading, importing and pending_delete exist for Glance's
///   vocabulary; the web-download/import flow that reaches them is not built.
///
/// `decide_*` check a command against the state and return the events that
/// carry it out (or the error, writing nothing); `apply` folds an event in
/// and is total. The state is the `ImageSnapshot` message itself, so the
/// snapshot is its serialization. No CAF, no I/O, no clock (callers pass
/// `now_us`).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/image/model/image_rules.hpp"
#include "runtime/core/error.hpp"
#include "strato/image/v1/image.pb.h"

namespace strato::image {

using image_events = std::vector<v1::ImageEvent>;

/// What a finished upload measured.
struct upload_outcome {
  std::string upload_id;
  int64_t size = 0;
  int64_t virtual_size = 0;
  std::string checksum;
  std::string os_hash_value;
  std::string location;
};

class image_model {
public:
  using event_type = v1::ImageEvent;
  static constexpr std::string_view kind = "image";

  void apply(const v1::ImageEvent& event);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);

  [[nodiscard]] const v1::ImageSnapshot& record() const noexcept {
    return record_;
  }
  /// Created and not deleted.
  [[nodiscard]] bool exists() const noexcept;

  [[nodiscard]] result<image_events>
  decide_create(const std::string& id, const std::string& owner,
                const v1::ImageAttributes& attrs, int64_t now_us) const;
  /// Replaces the user-settable attributes (the result of a JSON patch).
  [[nodiscard]] result<image_events>
  decide_update(const v1::ImageAttributes& attrs, int64_t now_us) const;
  [[nodiscard]] result<image_events>
  decide_upload_start(const std::string& upload_id, int64_t now_us) const;
  [[nodiscard]] result<image_events>
  decide_upload_complete(const upload_outcome& outcome, int64_t now_us) const;
  [[nodiscard]] result<image_events>
  decide_upload_fail(const std::string& upload_id, const std::string& reason,
                     int64_t now_us) const;
  [[nodiscard]] result<image_events> decide_deactivate(int64_t now_us) const;
  [[nodiscard]] result<image_events> decide_reactivate(int64_t now_us) const;
  [[nodiscard]] result<image_events> decide_delete(int64_t now_us) const;
  [[nodiscard]] result<image_events>
  decide_member_add(const std::string& member_id, int64_t now_us) const;
  /// Sets a member's status: "pending", "accepted" or "rejected".
  [[nodiscard]] result<image_events>
  decide_member_status(const std::string& member_id, const std::string& status,
                       int64_t now_us) const;
  [[nodiscard]] result<image_events>
  decide_member_remove(const std::string& member_id, int64_t now_us) const;
  /// Consumers are "instance/<id>" or "volume/<id>"; both are idempotent.
  [[nodiscard]] result<image_events>
  decide_use(const std::string& consumer) const;
  [[nodiscard]] result<image_events>
  decide_release(const std::string& consumer) const;

private:
  [[nodiscard]] status require_exists() const;

  v1::ImageSnapshot record_;
};

} // namespace strato::image
