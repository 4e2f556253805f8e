#pragma once

/// Request ids in the form OpenStack services use: "req-" followed by a
/// random (version 4) UUID. Generation is lock-free: every thread has its own
/// generator, seeded once from the OS.

#include <string>

namespace strato::http {

/// A fresh "req-xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"; thread-safe.
[[nodiscard]] std::string make_request_id();

/// A fresh random UUID (version 4) in canonical lowercase form; thread-safe.
[[nodiscard]] std::string make_uuid4();

} // namespace strato::http
