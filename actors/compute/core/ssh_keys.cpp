#include "actors/compute/core/ssh_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <optional>
#include <vector>

namespace strato::compute {

namespace {

status invalid_key() {
  return {errc::invalid_argument,
          "Keypair data is invalid: failed to generate fingerprint"};
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  auto n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(text.data()),
                           static_cast<int>(text.size()));
  if (n < 0) {
    return std::nullopt;
  }
  auto pad = text.size() - text.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

/// The first length-prefixed string of an SSH key blob.
std::optional<std::string_view> first_string(std::string_view blob) {
  if (blob.size() < 4) {
    return std::nullopt;
  }
  auto b = reinterpret_cast<const unsigned char*>(blob.data());
  size_t len = (size_t{b[0]} << 24) | (size_t{b[1]} << 16)
               | (size_t{b[2]} << 8) | size_t{b[3]};
  if (len > blob.size() - 4) {
    return std::nullopt;
  }
  return blob.substr(4, len);
}

std::string md5_colon_hex(std::string_view blob) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(blob.data(), blob.size(), digest, &len, EVP_md5(), nullptr);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i != 0) {
      out += ':';
    }
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

void put_string(std::string& out, std::string_view s) {
  auto n = static_cast<uint32_t>(s.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>((n >> 16) & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  out += static_cast<char>(n & 0xff);
  out += s;
}

/// An SSH mpint: big-endian, with a zero byte when the top bit is set.
std::string mpint(const BIGNUM* bn) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0) {
    bytes.insert(bytes.begin(), '\0');
  }
  return bytes;
}

} // namespace

result<std::string> ssh_fingerprint(std::string_view public_key) {
  auto start = public_key.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return invalid_key();
  }
  auto line = public_key.substr(start);
  auto space = line.find(' ');
  if (space == std::string_view::npos) {
    return invalid_key();
  }
  auto type = line.substr(0, space);
  auto rest = line.substr(space + 1);
  auto data = rest.substr(0, rest.find_first_of(" \t\r\n"));
  auto blob = base64_decode(data);
  if (!blob) {
    return invalid_key();
  }
  auto inner = first_string(*blob);
  if (!inner || *inner != type) {
    return invalid_key();
  }
  return md5_colon_hex(*blob);
}

result<generated_keypair> generate_rsa_keypair() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
    EVP_RSA_gen(2048), EVP_PKEY_free};
  if (!key) {
    return status{errc::unavailable, "RSA key generation failed"};
  }
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1
      || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    BN_free(e);
    return status{errc::unavailable, "RSA key parameters are unreadable"};
  }
  std::string blob;
  put_string(blob, "ssh-rsa");
  put_string(blob, mpint(e));
  put_string(blob, mpint(n));
  BN_free(n);
  BN_free(e);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()),
                                                BIO_free};
  if (!bio
      || PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr,
                                              nullptr, 0, nullptr, nullptr)
           != 1) {
    return status{errc::unavailable, "the private key cannot be written"};
  }
  char* pem = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &pem);
  generated_keypair out;
  out.private_key.assign(pem, static_cast<size_t>(len));
  out.public_key = "ssh-rsa " + base64_encode(blob) + " Generated-by-Nova";
  out.fingerprint = md5_colon_hex(blob);
  return out;
}

} // namespace strato::compute
