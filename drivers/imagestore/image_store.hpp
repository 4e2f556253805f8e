#pragma once

/// Where image data lives. An upload goes to a temporary object that becomes
/// the image's data only on `commit`, so an interrupted or rejected upload
/// never leaves data an active image could point at; `abort` (or destroying
/// an uncommitted writer) removes it.
///
/// Affinity: every call blocks on disk and runs on the blocking pool, never
/// on an actor or I/O thread. A writer or reader is used by one thread at a
/// time; the store itself may be used from several threads.
///
/// Errors: errc::io_error (disk full, unwritable directory),
/// errc::not_found (reading or removing data that is not there; removing is
/// otherwise idempotent).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace strato::imagestore {

/// What streaming the data measured: computed while writing, never by
/// reading the data again.
struct written_data {
  uint64_t size = 0;
  std::string md5_hex;
  std::string sha512_hex;
  /// A path where the complete data can be inspected before commit.
  std::string staged_path;
};

class image_writer {
public:
  virtual ~image_writer() = default;
  /// Appends a piece and feeds the digests.
  [[nodiscard]] virtual status write(std::string_view piece) = 0;
  /// Flushes to disk; the data is complete but not yet the image's.
  [[nodiscard]] virtual result<written_data> finish() = 0;
  /// Makes the finished data the image's; answers its location.
  [[nodiscard]] virtual result<std::string> commit() = 0;
  /// Drops the data; safe to call at any point, and more than once.
  virtual void abort() noexcept = 0;
};

class image_reader {
public:
  virtual ~image_reader() = default;
  /// Up to `max` bytes from the current position; empty at the end.
  [[nodiscard]] virtual result<std::string> read(size_t max) = 0;
};

class image_store {
public:
  virtual ~image_store() = default;
  /// Starts writing the data of `image_id` for upload `upload_id`.
  [[nodiscard]] virtual result<std::unique_ptr<image_writer>>
  begin_write(const std::string& image_id, const std::string& upload_id) = 0;
  /// Reads `length` bytes of the data at `location` from `offset`.
  [[nodiscard]] virtual result<std::unique_ptr<image_reader>>
  open_read(const std::string& location, uint64_t offset, uint64_t length)
    = 0;
  /// Removes the data at `location`; absent data is not an error.
  [[nodiscard]] virtual status remove(const std::string& location) = 0;
};

/// The default store: one file per image under `directory`
/// (`<directory>/<image_id>`), written as `<directory>/.staging/<upload_id>`
/// and renamed into place; staging leftovers of a crash are removed when the
/// store opens.
[[nodiscard]] result<std::unique_ptr<image_store>>
open_filesystem_store(const std::string& directory);

} // namespace strato::imagestore
