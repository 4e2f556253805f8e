#include "runtime/actor/caf_error.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace strato::actor {

namespace {

constexpr auto strato_category = caf::atom("strato");

std::string context_text(const caf::message& ctx) {
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) {
    return ctx.get_as<std::string>(0);
  }
  return {};
}

} // namespace

caf::error to_caf_error(const status& st) {
  return to_caf_error(st.code(), st.message());
}

caf::error to_caf_error(errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), strato_category,
                    caf::make_message(std::move(message))};
}

status from_caf_error(const caf::error& err) {
  if (!err) {
    return {};
  }
  if (err.category() == strato_category) {
    return {static_cast<errc>(err.code()), context_text(err.context())};
  }
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
        return {errc::timeout, "no answer in time"};
      case caf::sec::request_receiver_down:
        return {errc::unavailable, "the receiving actor is gone"};
      default:
        break;
    }
  }
  return {errc::unavailable, caf::to_string(err)};
}

void register_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(
    strato_category, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
      std::string out{"strato::"};
      out += to_string(static_cast<errc>(code));
      auto text = context_text(ctx);
      if (!text.empty()) {
        out += ": ";
        out += text;
      }
      return out;
    });
}

} // namespace strato::actor
