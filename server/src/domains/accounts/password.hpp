#pragma once
// Passwords are stored as argon2id hashes (libsodium's encoded string, which carries its own salt
// and cost). Session tokens are 32 random bytes; only their BLAKE2b hash is stored.

#include <string>
#include <string_view>

namespace guanxi::accounts {

enum class PasswordCost {
    kInteractive,  // libsodium's interactive limits: the default for every real deployment
    kMinimum,      // the smallest argon2id cost; only tests select it, to keep them fast
};

void SetPasswordCost(PasswordCost cost);

std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

// A new opaque token (URL-safe base64, 43 characters).
std::string NewToken();
// The stored form of a token (hex BLAKE2b-256).
std::string HashToken(std::string_view token);
// A random password for the first admin when none is given.
std::string GeneratePassword();

}  // namespace guanxi::accounts
