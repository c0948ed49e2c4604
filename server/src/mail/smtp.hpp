#pragma once
// Sends one built message to one SMTP server through libcurl: plain, STARTTLS (required, never
// silently skipped) or TLS from the first byte, with optional AUTH. A failure comes back as an
// Error whose message says in words what went wrong, with the server's reply code when there was
// one ("Login denied (535)"), for the delivery log and the settings page's test button.

#include "core/error.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace guanxi::mail {

enum class Security { kNone, kStartTls, kTls };

std::string_view SecurityName(Security security);  // "none", "starttls", "tls"

struct SmtpSettings {
    std::string host;
    int port = 587;
    Security security = Security::kStartTls;
    std::string username;  // empty: no AUTH
    std::string password;
    std::string from_address;
    std::string from_name;
    // Off only for a server with a self-signed certificate (tests, an office relay).
    bool verify_certificate = true;
    std::chrono::seconds connect_timeout{15};
    std::chrono::seconds timeout{60};  // the whole conversation
};

// Sends `data` (mime::Build's output) from settings.from_address to `to`. Succeeds once the
// server accepted the message (250 after DATA). Errors are ErrorCode::kUnavailable.
Status Send(const SmtpSettings& settings, const std::string& to, const std::string& data);

}  // namespace guanxi::mail
