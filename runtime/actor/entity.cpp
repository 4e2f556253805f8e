#include "runtime/actor/entity.hpp"

namespace strato::actor {

caf::result<caf::message> reject_unexpected(caf::scheduled_actor* self,
                                            caf::message_view& msg) {
  spdlog::debug("{} dropped an unexpected message: {}", self->name(),
                caf::to_string(msg.copy_content_to_message()));
  return caf::sec::unexpected_message;
}

caf::error log_exception(caf::scheduled_actor* self,
                         std::exception_ptr& eptr) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& ex) {
    what = ex.what();
  } catch (...) {
    // Keep the generic description.
  }
  spdlog::error("{} (actor {}) crashed: {}", self->name(), self->id(), what);
  return to_caf_error(errc::unavailable, "entity crashed: " + what);
}

} // namespace strato::actor
