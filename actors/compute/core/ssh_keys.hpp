#pragma once

/// SSH public keys as Nova handles them (nova/crypto.py): the fingerprint
/// is the MD5 of the key blob as colon-separated hex, and a generated
/// keypair is RSA 2048 with the private key in PEM and the public key in
/// OpenSSH form ("ssh-rsa AAAA... Generated-by-Nova").

#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace strato::compute {

/// The fingerprint of an OpenSSH public key line ("ssh-ed25519 AAAA...
/// comment"); fails with Nova's "Keypair data is invalid: failed to
/// generate fingerprint" for anything that is not one.
[[nodiscard]] result<std::string> ssh_fingerprint(std::string_view public_key);

struct generated_keypair {
  std::string private_key; ///< PEM.
  std::string public_key;  ///< OpenSSH line.
  std::string fingerprint;
};

[[nodiscard]] result<generated_keypair> generate_rsa_keypair();

} // namespace strato::compute
