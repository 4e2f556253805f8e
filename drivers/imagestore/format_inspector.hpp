#pragma once

/// Checks uploaded image data against the disk format the user declared, as
/// Glance's format inspector does: a "qcow2" that is not a qcow2 (or a
/// "raw" that is really a qcow2 or vmdk, which a hypervisor would then parse)
/// is rejected, and the virtual size is read from the format's header.
///
/// `detect_format` looks only at header bytes. `inspect_image` also runs
/// `qemu-img info --output=json` for the formats qemu understands, to read
/// the virtual size and to refuse images that reference other files (a
/// backing file or an external data file could expose host files). Both
/// block on disk or a subprocess: call them on the blocking pool.

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace strato::imagestore {

/// "qcow2", "vmdk", "vhd", "vhdx", "vdi", "iso", "ploop" or "raw" (nothing
/// recognised), from the first bytes of the data (at least 64 KiB for iso)
/// and, for fixed VHDs, its last 512 bytes (`tail`, may be empty).
[[nodiscard]] std::string detect_format(std::string_view head,
                                        std::string_view tail);

/// The virtual size the header declares, 0 if the format has none there.
[[nodiscard]] uint64_t header_virtual_size(std::string_view format,
                                           std::string_view head,
                                           std::string_view tail);

struct inspection {
  std::string detected_format;
  uint64_t virtual_size = 0;
};

/// Checks the file at `path` (the complete upload) against
/// `declared_format`. errc::invalid_argument names the mismatch (HTTP 400).
[[nodiscard]] result<inspection>
inspect_image(const std::string& path, const std::string& declared_format,
              uint64_t size);

} // namespace strato::imagestore
