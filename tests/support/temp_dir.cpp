#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace strato::testing {

temp_dir::temp_dir() {
  auto pattern = (std::filesystem::temp_directory_path() / "strato-test-XXXXXX")
                   .string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

} // namespace strato::testing
