#pragma once

// A private ovsdb-server for one test: a fresh Open_vSwitch database made
// with ovsdb-tool from the packaged schema, served on a unix socket in the
// test's temporary directory, killed when the fixture goes.

#include <memory>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::testing {

class ovsdb_fixture {
public:
  ovsdb_fixture();

  /// False when Open vSwitch is not installed: the test should skip.
  [[nodiscard]] bool available() const {
    return server_ != nullptr;
  }
  /// "unix:DIR/db.sock".
  [[nodiscard]] std::string remote() const {
    return "unix:" + dir_.str() + "/db.sock";
  }
  [[nodiscard]] std::string dir() const {
    return dir_.str();
  }
  /// Why the server is not available, for the skip message.
  [[nodiscard]] const std::string& reason() const {
    return reason_;
  }

private:
  temp_dir dir_;
  std::string reason_;
  std::unique_ptr<child_process> server_;
};

/// The doctest idiom for a skip: prints why and leaves the case passing.
#define STRATO_SKIP_WITHOUT_OVSDB(fixture)                                    \
  if (!(fixture).available()) {                                                \
    MESSAGE("skipped: " << (fixture).reason());                                \
    return;                                                                    \
  }

} // namespace strato::testing
