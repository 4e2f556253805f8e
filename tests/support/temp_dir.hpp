#pragma once

// A directory under $TMPDIR that exists for one test and is removed after it.

#include <filesystem>
#include <string>

namespace strato::testing {

class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const {
    return path_;
  }
  [[nodiscard]] std::string str() const {
    return path_.string();
  }

private:
  std::filesystem::path path_;
};

} // namespace strato::testing
