#include "drivers/imagestore/format_inspector.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

namespace strato::imagestore {

namespace {

constexpr size_t head_bytes = 64 * 1024;
constexpr size_t tail_bytes = 512;

bool has_at(std::string_view data, size_t offset, std::string_view magic) {
  return data.size() >= offset + magic.size()
         && data.substr(offset, magic.size()) == magic;
}

uint64_t big_endian64(std::string_view data, size_t offset) {
  uint64_t out = 0;
  for (size_t i = 0; i < 8; ++i) {
    out = (out << 8) | static_cast<unsigned char>(data[offset + i]);
  }
  return out;
}

uint64_t little_endian64(std::string_view data, size_t offset) {
  uint64_t out = 0;
  for (size_t i = 8; i > 0; --i) {
    out = (out << 8) | static_cast<unsigned char>(data[offset + i - 1]);
  }
  return out;
}

/// Formats whose header a hypervisor parses: data in these must never be
/// accepted under another name.
bool is_structured(std::string_view format) {
  return format == "qcow2" || format == "vmdk" || format == "vhd"
         || format == "vhdx" || format == "vdi" || format == "ploop";
}

/// qemu-img's driver name for a Glance disk format.
std::string_view qemu_driver(std::string_view format) {
  return format == "vhd" ? "vpc" : format;
}

result<std::string> read_range(int fd, uint64_t offset, size_t length) {
  std::string out(length, '\0');
  size_t got = 0;
  while (got < length) {
    auto n = ::pread(fd, out.data() + got, length - got,
                     static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return status{errc::io_error,
                    std::string{"cannot read image data: "}
                      + std::strerror(errno)};
    }
    if (n == 0) {
      break;
    }
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

/// Runs `qemu-img info` and returns its JSON output.
result<nlohmann::json> qemu_img_info(const std::string& path,
                                     std::string_view driver) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return status{errc::unavailable, "cannot run qemu-img: pipe failed"};
  }
  std::string format{driver};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO);
    ::execlp("qemu-img", "qemu-img", "info", "-f", format.c_str(),
             "--output=json", path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string output;
  char buffer[4096];
  for (;;) {
    auto n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    output.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int wstatus = 0;
  if (pid < 0 || ::waitpid(pid, &wstatus, 0) < 0 || !WIFEXITED(wstatus)
      || WEXITSTATUS(wstatus) != 0) {
    return status{errc::invalid_argument,
                  "Image data is not a valid " + format + " image."};
  }
  auto parsed = nlohmann::json::parse(output, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return status{errc::unavailable, "qemu-img info gave no JSON"};
  }
  return parsed;
}

status refuse_references(const nlohmann::json& info) {
  if (info.contains("backing-filename")) {
    return {errc::invalid_argument,
            "Image has a backing file, which is not allowed."};
  }
  auto specific = info.value("format-specific", nlohmann::json::object());
  auto data = specific.value("data", nlohmann::json::object());
  if (data.contains("data-file")) {
    return {errc::invalid_argument,
            "Image has an external data file, which is not allowed."};
  }
  return {};
}

} // namespace

std::string detect_format(std::string_view head, std::string_view tail) {
  if (has_at(head, 0, "QFI\xfb")) {
    return "qcow2";
  }
  if (has_at(head, 0, "KDMV") || has_at(head, 0, "# Disk DescriptorFile")) {
    return "vmdk";
  }
  if (has_at(head, 0, "vhdxfile")) {
    return "vhdx";
  }
  if (has_at(head, 0, "conectix") || has_at(tail, 0, "conectix")) {
    return "vhd";
  }
  if (has_at(head, 64, "\x7f\x10\xda\xbe")) {
    return "vdi";
  }
  if (has_at(head, 0, "WithoutFreeSpace") || has_at(head, 0, "WithouFreSpacExt")) {
    return "ploop";
  }
  if (has_at(head, 0x8001, "CD001")) {
    return "iso";
  }
  return "raw";
}

uint64_t header_virtual_size(std::string_view format, std::string_view head,
                             std::string_view tail) {
  if (format == "qcow2" && head.size() >= 32) {
    return big_endian64(head, 24);
  }
  if (format == "vmdk" && has_at(head, 0, "KDMV") && head.size() >= 20) {
    return little_endian64(head, 12) * 512;
  }
  if (format == "vhd") {
    auto footer = has_at(tail, 0, "conectix") ? tail : head;
    return footer.size() >= 56 ? big_endian64(footer, 48) : 0;
  }
  if (format == "vdi" && head.size() >= 376) {
    return little_endian64(head, 368);
  }
  return 0;
}

result<inspection> inspect_image(const std::string& path,
                                 const std::string& declared_format,
                                 uint64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return status{errc::io_error, "cannot open " + path};
  }
  auto head = read_range(fd, 0, head_bytes);
  auto tail = size >= tail_bytes ? read_range(fd, size - tail_bytes, tail_bytes)
                                 : result<std::string>{std::string{}};
  ::close(fd);
  if (!head || !tail) {
    return head ? tail.error() : head.error();
  }
  inspection out;
  out.detected_format = detect_format(*head, *tail);
  const auto& detected = out.detected_format;
  auto mismatch = [&] {
    return status{errc::invalid_argument,
                  "Image data does not match the declared disk_format '"
                    + declared_format + "': it looks like " + detected + "."};
  };
  if (is_structured(declared_format) || declared_format == "iso") {
    if (detected != declared_format) {
      return mismatch();
    }
  } else if (is_structured(detected)) {
    // raw, ami, aki, ari carrying a structured image: a hypervisor told
    // "raw" would still probe it, so the label is refused.
    return mismatch();
  }
  out.virtual_size = header_virtual_size(detected, *head, *tail);
  if (detected == "raw" || detected == "iso") {
    out.virtual_size = size;
    return out;
  }
  if (detected == "ploop") {
    return out;
  }
  auto info = qemu_img_info(path, qemu_driver(detected));
  if (!info) {
    return info.error();
  }
  if (auto ok = refuse_references(*info); !ok.ok()) {
    return ok;
  }
  if (auto it = info->find("virtual-size"); it != info->end()
                                            && it->is_number_unsigned()) {
    out.virtual_size = it->get<uint64_t>();
  }
  return out;
}

} // namespace strato::imagestore
