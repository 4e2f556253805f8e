#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "drivers/imagestore/image_store.hpp"

namespace strato::imagestore {

namespace {

namespace fs = std::filesystem;

status io_failure(const std::string& what, const std::string& path) {
  return {errc::io_error, what + " " + path + ": " + std::strerror(errno)};
}

std::string hex(const unsigned char* bytes, unsigned size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (unsigned i = 0; i < size; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return out;
}

/// One EVP digest, owned.
class digest {
public:
  explicit digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_, md, nullptr);
  }
  ~digest() {
    EVP_MD_CTX_free(ctx_);
  }
  digest(const digest&) = delete;
  digest& operator=(const digest&) = delete;

  void update(std::string_view data) {
    EVP_DigestUpdate(ctx_, data.data(), data.size());
  }
  std::string hex_final() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned size = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &size);
    return hex(out.data(), size);
  }

private:
  EVP_MD_CTX* ctx_;
};

class file_writer final : public image_writer {
public:
  file_writer(int fd, std::string staged, std::string final_path)
    : fd_(fd), staged_(std::move(staged)), final_(std::move(final_path)) {
  }
  ~file_writer() override {
    abort();
  }
  file_writer(const file_writer&) = delete;
  file_writer& operator=(const file_writer&) = delete;

  status write(std::string_view piece) override {
    md5_.update(piece);
    sha512_.update(piece);
    size_ += piece.size();
    while (!piece.empty()) {
      auto n = ::write(fd_, piece.data(), piece.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return io_failure("cannot write", staged_);
      }
      piece.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  result<written_data> finish() override {
    if (::fdatasync(fd_) != 0) {
      return io_failure("cannot sync", staged_);
    }
    ::close(fd_);
    fd_ = -1;
    return written_data{size_, md5_.hex_final(), sha512_.hex_final(), staged_};
  }

  result<std::string> commit() override {
    if (::rename(staged_.c_str(), final_.c_str()) != 0) {
      return io_failure("cannot rename into", final_);
    }
    committed_ = true;
    // The rename is durable only once the directory is synced.
    auto dir = fs::path{final_}.parent_path().string();
    if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return final_;
  }

  void abort() noexcept override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!committed_) {
      ::unlink(staged_.c_str());
      committed_ = true; // Nothing left to drop.
    }
  }

private:
  int fd_;
  std::string staged_;
  std::string final_;
  bool committed_ = false;
  uint64_t size_ = 0;
  digest md5_{EVP_md5()};
  digest sha512_{EVP_sha512()};
};

class file_reader final : public image_reader {
public:
  file_reader(int fd, uint64_t offset, uint64_t length)
    : fd_(fd), offset_(offset), left_(length) {
  }
  ~file_reader() override {
    ::close(fd_);
  }
  file_reader(const file_reader&) = delete;
  file_reader& operator=(const file_reader&) = delete;

  result<std::string> read(size_t max) override {
    std::string out(std::min<uint64_t>(max, left_), '\0');
    size_t got = 0;
    while (got < out.size()) {
      auto n = ::pread(fd_, out.data() + got, out.size() - got,
                       static_cast<off_t>(offset_ + got));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        return io_failure("cannot read", "image data");
      }
      if (n == 0) {
        return status{errc::io_error, "image data ended early"};
      }
      got += static_cast<size_t>(n);
    }
    offset_ += got;
    left_ -= got;
    return out;
  }

private:
  int fd_;
  uint64_t offset_;
  uint64_t left_;
};

class filesystem_store final : public image_store {
public:
  explicit filesystem_store(std::string directory)
    : directory_(std::move(directory)), staging_(directory_ + "/.staging") {
  }

  result<std::unique_ptr<image_writer>>
  begin_write(const std::string& image_id,
              const std::string& upload_id) override {
    auto staged = staging_ + "/" + upload_id;
    int fd = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                    0640);
    if (fd < 0) {
      return io_failure("cannot create", staged);
    }
    return std::unique_ptr<image_writer>{
      std::make_unique<file_writer>(fd, staged, directory_ + "/" + image_id)};
  }

  result<std::unique_ptr<image_reader>>
  open_read(const std::string& location, uint64_t offset,
            uint64_t length) override {
    int fd = ::open(location.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) {
        return status{errc::not_found, "image data " + location + " is gone"};
      }
      return io_failure("cannot open", location);
    }
    ::posix_fadvise(fd, static_cast<off_t>(offset), static_cast<off_t>(length),
                    POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<image_reader>{
      std::make_unique<file_reader>(fd, offset, length)};
  }

  status remove(const std::string& location) override {
    if (::unlink(location.c_str()) != 0 && errno != ENOENT) {
      return io_failure("cannot remove", location);
    }
    return {};
  }

  status open() {
    std::error_code ec;
    fs::create_directories(staging_, ec);
    if (ec) {
      return {errc::io_error,
              "cannot create " + staging_ + ": " + ec.message()};
    }
    // Uploads a crash interrupted: their images went back to queued on
    // restart (their upload never completed), so the data is garbage.
    for (const auto& entry : fs::directory_iterator{staging_, ec}) {
      fs::remove(entry.path(), ec);
    }
    return {};
  }

private:
  std::string directory_;
  std::string staging_;
};

} // namespace

result<std::unique_ptr<image_store>>
open_filesystem_store(const std::string& directory) {
  auto store = std::make_unique<filesystem_store>(directory);
  if (auto ok = store->open(); !ok.ok()) {
    return ok;
  }
  return std::unique_ptr<image_store>{std::move(store)};
}

} // namespace strato::imagestore
