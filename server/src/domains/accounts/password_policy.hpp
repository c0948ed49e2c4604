#pragma once
// Which passwords may be set (create a user, reset a password, the first admin's password).
//
// Refused: fewer than 8 characters (10 for an administrator: a role with every permission and scope
// `all`); one character repeated; one of the most common passwords (a built-in list, compared
// without ASCII case); the user name or a trivial variant of it (any ASCII case, with or without
// its '.', '_' and '-', reversed, doubled, or with digits and punctuation before or after it).
// Allowed: passphrases — spaces and any Unicode count like other characters (code points).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace guanxi::accounts {

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMinAdministratorPasswordLength = 10;

// Why a password is refused: a field message's key (core/error.cpp) and its parameters.
struct PasswordRefusal {
    std::string_view key;
    nlohmann::json params = nlohmann::json::object();
};

// The reason `password` is refused for `username`; nullopt when it is acceptable. `password` must
// be valid UTF-8.
std::optional<PasswordRefusal> PasswordComplaint(std::string_view password,
                                                 std::string_view username, bool administrator);

}  // namespace guanxi::accounts
