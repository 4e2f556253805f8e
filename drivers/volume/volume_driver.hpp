#pragma once

/// Block storage as the volume service sees it: files (or fakes of them)
/// that hold volumes, snapshots and backups. Every call blocks (`qemu-img`
/// runs as a subprocess), so the volume entities run them on the blocking
/// pool and turn the outcome into a message; never call them on an actor
/// thread. Calls for different ids may run concurrently; the entity makes
/// sure one id sees one call at a time.
///
/// Idempotency: creating something that exists with the same size succeeds
/// (a create retried after a crash), removing something missing succeeds.
/// Errors: errc::invalid_argument (bad sizes, unreadable source image),
/// errc::not_found (the source of a copy is missing), errc::io_error
/// (qemu-img or the file system failed; the message carries its stderr).
///
/// Kinds: "file" (qcow2 files under a directory, made with `qemu-img`) and
/// "fake" (nothing on disk, configurable latency; for benchmarks and tests).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/core/error.hpp"

namespace strato::volume {

/// A volume's, snapshot's or backup's file as the hypervisor would open it.
struct volume_file {
  std::string path;
  std::string format; ///< "qcow2" or "raw".
  uint64_t virtual_size_bytes = 0;
  uint64_t stored_bytes = 0; ///< Space it takes on disk.
};

class volume_driver {
public:
  virtual ~volume_driver() = default;

  /// A blank volume of `size_gb`.
  [[nodiscard]] virtual result<volume_file> create(const std::string& id,
                                                   uint64_t size_gb) = 0;
  /// A volume holding a copy of `source_path` (a volume or snapshot file),
  /// grown to `size_gb` when that is larger than the source.
  [[nodiscard]] virtual result<volume_file>
  clone(const std::string& source_path, const std::string& id,
        uint64_t size_gb) = 0;
  /// A volume converted from an image file of `image_format`.
  [[nodiscard]] virtual result<volume_file>
  from_image(const std::string& image_path, const std::string& image_format,
             const std::string& id, uint64_t size_gb) = 0;
  /// Grows the volume's virtual size; never shrinks.
  [[nodiscard]] virtual status extend(const std::string& id,
                                      uint64_t new_size_gb) = 0;
  [[nodiscard]] virtual status remove(const std::string& id) = 0;

  /// A point-in-time copy of the volume at `volume_path`.
  [[nodiscard]] virtual result<volume_file>
  snapshot(const std::string& volume_path, const std::string& snapshot_id) = 0;
  [[nodiscard]] virtual status remove_snapshot(const std::string& snapshot_id) = 0;

  /// A compressed full copy of `volume_path`, kept apart from the volumes.
  [[nodiscard]] virtual result<volume_file>
  backup(const std::string& volume_path, const std::string& backup_id) = 0;
  /// Overwrites volume `volume_id` with the backup's content, keeping
  /// `size_gb` as its virtual size (at least the backup's).
  [[nodiscard]] virtual result<volume_file>
  restore(const std::string& backup_path, const std::string& volume_id,
          uint64_t size_gb) = 0;
  [[nodiscard]] virtual status remove_backup(const std::string& backup_id) = 0;
};

struct volume_driver_config {
  std::string kind = "file"; ///< "file" or "fake".
  /// Where the file driver keeps volumes and snapshots.
  std::string volumes_dir;
  /// Where the file driver keeps backups.
  std::string backups_dir;
  std::string qemu_img = "qemu-img";
  /// Added to every fake operation, to model a slow backend.
  std::chrono::microseconds fake_latency{0};
};

[[nodiscard]] result<std::shared_ptr<volume_driver>>
make_volume_driver(const volume_driver_config& config);

} // namespace strato::volume
