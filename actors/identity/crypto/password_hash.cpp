#include "actors/identity/crypto/password_hash.hpp"

#include <charconv>
#include <climits>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "actors/identity/crypto/base64.hpp"

namespace strato::identity {

namespace {

using internal::base64_alphabet;

constexpr std::string_view scheme_prefix = "$pbkdf2-sha512$";
constexpr size_t checksum_size = 64;
/// passlib's own ceiling; anything longer is not a salt we wrote.
constexpr size_t max_salt_size = 1024;

struct parsed_hash {
  uint32_t rounds = 0;
  std::string salt;
  std::string checksum;
};

status corrupt(std::string_view why) {
  return {errc::corruption,
          "malformed pbkdf2-sha512 hash: " + std::string{why}};
}

/// Splits off the text up to the next '$'; the whole rest if there is none.
std::string_view next_field(std::string_view& rest) {
  auto end = rest.find('$');
  auto field = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{}
                                       : rest.substr(end + 1);
  return field;
}

result<uint32_t> parse_rounds(std::string_view text) {
  // passlib rejects zero-padded rounds, so two spellings never share a hash.
  if (text.empty() || (text.size() > 1 && text[0] == '0')) {
    return corrupt("bad rounds");
  }
  uint32_t rounds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   rounds);
  if (ec != std::errc{} || end != text.data() + text.size() || rounds == 0
      || rounds > INT_MAX) {
    return corrupt("bad rounds");
  }
  return rounds;
}

/// ab64 never pads, so a '=' means the text was not written by passlib.
std::optional<std::string> decode_ab64(std::string_view text) {
  if (text.find('=') != text.npos) {
    return std::nullopt;
  }
  return internal::base64_decode(text, base64_alphabet::adapted);
}

result<parsed_hash> parse(std::string_view stored) {
  if (!stored.starts_with(scheme_prefix)) {
    if (stored.starts_with("$")) {
      auto end = stored.find('$', 1);
      auto ident = stored.substr(0, end == stored.npos ? 16 : end + 1);
      return status{errc::unsupported_format,
                    "unsupported password hash scheme '" + std::string{ident}
                      + "'"};
    }
    return corrupt("missing $pbkdf2-sha512$ prefix");
  }
  auto rest = stored.substr(scheme_prefix.size());
  auto rounds = parse_rounds(next_field(rest));
  if (!rounds) {
    return rounds.error();
  }
  auto salt_text = next_field(rest);
  auto checksum_text = next_field(rest);
  if (!rest.empty() || stored.ends_with('$')) {
    return corrupt("wrong number of fields");
  }
  auto salt = decode_ab64(salt_text);
  if (!salt || salt->size() > max_salt_size) {
    return corrupt("bad salt");
  }
  auto checksum = decode_ab64(checksum_text);
  if (!checksum || checksum->size() != checksum_size) {
    return corrupt("bad checksum");
  }
  return parsed_hash{*rounds, std::move(*salt), std::move(*checksum)};
}

result<std::string> derive(std::string_view secret, std::string_view salt,
                           uint32_t rounds) {
  std::string out(checksum_size, '\0');
  auto ok = PKCS5_PBKDF2_HMAC(
    secret.data(), static_cast<int>(secret.size()),
    reinterpret_cast<const unsigned char*>(salt.data()),
    static_cast<int>(salt.size()), static_cast<int>(rounds), EVP_sha512(),
    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  if (ok != 1) {
    return status{errc::unavailable, "PBKDF2 derivation failed"};
  }
  return out;
}

} // namespace

result<std::string> hash_password(std::string_view secret,
                                  uint32_t iterations) {
  if (iterations == 0 || iterations > INT_MAX) {
    return status{errc::invalid_argument, "pbkdf2 rounds must be between 1 and "
                                            + std::to_string(INT_MAX)};
  }
  if (secret.size() > INT_MAX) {
    return status{errc::invalid_argument, "secret too long"};
  }
  std::string salt(pbkdf2_salt_size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()),
                 static_cast<int>(salt.size()))
      != 1) {
    return status{errc::unavailable, "system random source failed"};
  }
  auto checksum = derive(secret, salt, iterations);
  if (!checksum) {
    return checksum.error();
  }
  return std::string{scheme_prefix} + std::to_string(iterations) + "$"
         + internal::base64_encode(salt, base64_alphabet::adapted, false) + "$"
         + internal::base64_encode(*checksum, base64_alphabet::adapted, false);
}

result<bool> verify_password(std::string_view secret, std::string_view stored) {
  auto parsed = parse(stored);
  if (!parsed) {
    return parsed.error();
  }
  if (secret.size() > INT_MAX) {
    return false;
  }
  auto checksum = derive(secret, parsed->salt, parsed->rounds);
  if (!checksum) {
    return checksum.error();
  }
  return CRYPTO_memcmp(checksum->data(), parsed->checksum.data(),
                       checksum_size)
         == 0;
}

result<bool> needs_rehash(std::string_view stored, uint32_t iterations) {
  auto parsed = parse(stored);
  if (!parsed) {
    return parsed.error();
  }
  return parsed->rounds != iterations
         || parsed->salt.size() < pbkdf2_salt_size;
}

} // namespace strato::identity
