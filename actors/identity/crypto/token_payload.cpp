#include "actors/identity/crypto/token_payload.hpp"

#include <algorithm>
#include <tuple>

#include <openssl/rand.h>

#include "actors/identity/crypto/base64.hpp"
#include "actors/identity/crypto/payload_io.hpp"

namespace strato::identity {

namespace {

using internal::max_id_size;

constexpr uint8_t known_methods = 0b111;
constexpr uint8_t scope_mask = 0b0011;
constexpr uint8_t has_app_cred = 0b0100;
constexpr uint8_t has_trust = 0b1000;
constexpr size_t max_audit_ids = 8;
constexpr size_t audit_id_size = std::tuple_size_v<audit_id>;
/// 16 bytes in unpadded base64.
constexpr size_t audit_id_chars = 22;
/// Half the range, so issue time plus lifetime never overflows.
constexpr auto max_micros = static_cast<uint64_t>(INT64_MAX) / 2;

status check(const token_payload& p) {
  auto bad = [](std::string why) {
    return status{errc::invalid_argument, "invalid token payload: " + why};
  };
  auto bad_optional = [](const std::optional<std::string>& id) {
    return id && (id->empty() || id->size() > max_id_size);
  };
  if (p.user_id.empty() || p.user_id.size() > max_id_size
      || p.scope_id.size() > max_id_size) {
    return bad("user_id and scope_id must be 1 to 255 bytes");
  }
  if ((p.scope == scope_kind::unscoped) != p.scope_id.empty()) {
    return bad("scope_id must be set exactly when the token is scoped");
  }
  if (bad_optional(p.application_credential_id) || bad_optional(p.trust_id)) {
    return bad("optional ids must be 1 to 255 bytes");
  }
  if (p.audit_ids.size() > max_audit_ids) {
    return bad("too many audit ids");
  }
  if ((p.methods.bits() & ~known_methods) != 0) {
    return bad("unknown auth method");
  }
  auto issued = p.issued_at.time_since_epoch().count();
  auto expires = p.expires_at.time_since_epoch().count();
  if (issued < 0 || expires < issued
      || static_cast<uint64_t>(expires) > max_micros) {
    return bad("need 0 <= issued_at <= expires_at, within range");
  }
  return {};
}

} // namespace

std::vector<std::string_view> auth_methods::names() const {
  std::vector<std::string_view> out;
  if (has(auth_method::password)) {
    out.emplace_back("password");
  }
  if (has(auth_method::token)) {
    out.emplace_back("token");
  }
  if (has(auth_method::application_credential)) {
    out.emplace_back("application_credential");
  }
  return out;
}

std::optional<auth_methods> auth_methods::from_bits(uint8_t bits) {
  if ((bits & ~known_methods) != 0) {
    return std::nullopt;
  }
  auth_methods out;
  out.bits_ = bits;
  return out;
}

std::optional<auth_method> parse_auth_method(std::string_view name) {
  if (name == "password") {
    return auth_method::password;
  }
  if (name == "token") {
    return auth_method::token;
  }
  if (name == "application_credential") {
    return auth_method::application_credential;
  }
  return std::nullopt;
}

result<audit_id> random_audit_id() {
  audit_id id{};
  if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
    return status{errc::unavailable, "system random source failed"};
  }
  return id;
}

std::string format_audit_id(const audit_id& id) {
  return internal::base64_encode(
    {reinterpret_cast<const char*>(id.data()), id.size()},
    internal::base64_alphabet::url, false);
}

result<audit_id> parse_audit_id(std::string_view text) {
  std::optional<std::string> bytes;
  if (text.size() == audit_id_chars) {
    bytes = internal::base64_decode(text, internal::base64_alphabet::url);
  }
  if (!bytes || bytes->size() != audit_id_size) {
    return status{errc::invalid_argument,
                  "invalid audit id '" + std::string{text} + "'"};
  }
  audit_id id{};
  std::copy(bytes->begin(), bytes->end(), id.begin());
  return id;
}

result<std::string> pack_payload(const token_payload& p) {
  if (auto st = check(p); !st.ok()) {
    return st;
  }
  internal::payload_writer w;
  w.byte(p.methods.bits());
  w.byte(static_cast<uint8_t>(
    static_cast<uint8_t>(p.scope)
    | (p.application_credential_id ? has_app_cred : 0)
    | (p.trust_id ? has_trust : 0)));
  w.id(p.user_id);
  if (p.scope != scope_kind::unscoped) {
    w.id(p.scope_id);
  }
  // Issue time plus lifetime: the lifetime is a short varint, two absolute
  // times would cost three more bytes.
  w.varint(static_cast<uint64_t>(p.issued_at.time_since_epoch().count()));
  w.varint(static_cast<uint64_t>((p.expires_at - p.issued_at).count()));
  w.varint(p.audit_ids.size());
  for (const auto& id : p.audit_ids) {
    w.raw(id.data(), id.size());
  }
  if (p.application_credential_id) {
    w.id(*p.application_credential_id);
  }
  if (p.trust_id) {
    w.id(*p.trust_id);
  }
  return w.take();
}

result<token_payload> unpack_payload(std::string_view bytes) {
  internal::payload_reader r{bytes};
  token_payload p;
  auto methods = auth_methods::from_bits(r.byte());
  auto flags = r.byte();
  if (!methods || (flags & ~(scope_mask | has_app_cred | has_trust)) != 0) {
    return status{errc::corruption, "token payload has unknown bits"};
  }
  p.methods = *methods;
  p.scope = static_cast<scope_kind>(flags & scope_mask);
  p.user_id = r.id();
  if (p.scope != scope_kind::unscoped) {
    p.scope_id = r.id();
  }
  auto issued = r.varint();
  auto lifetime = r.varint();
  p.issued_at = timestamp{std::chrono::microseconds{
    static_cast<int64_t>(std::min(issued, max_micros))}};
  p.expires_at = p.issued_at + std::chrono::microseconds{
    static_cast<int64_t>(std::min(lifetime, max_micros))};
  auto count = r.varint();
  for (uint64_t i = 0; i < count && i < max_audit_ids && r.ok(); ++i) {
    auto raw = r.raw(audit_id_size);
    auto& id = p.audit_ids.emplace_back();
    std::copy(raw.begin(), raw.end(), id.begin());
  }
  if (flags & has_app_cred) {
    p.application_credential_id = r.id();
  }
  if (flags & has_trust) {
    p.trust_id = r.id();
  }
  if (!r.done() || count > max_audit_ids || issued > max_micros
      || lifetime > max_micros) {
    return status{errc::corruption, "token payload is malformed"};
  }
  return p;
}

} // namespace strato::identity
