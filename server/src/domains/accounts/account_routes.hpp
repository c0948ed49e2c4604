#pragma once

#include "domains/accounts/account_service.hpp"
#include "http/router.hpp"

namespace guanxi::accounts {

struct CookieOptions {
    bool secure = false;  // set the Secure flag (behind HTTPS)
    std::int64_t max_age_seconds = 14 * 24 * 3600;
};

inline constexpr std::string_view kSessionCookie = "guanxi_session";

// The token a request carries: the Bearer header first, then the session cookie.
// `from_cookie` tells which, for the CSRF rule in the authenticator.
std::optional<std::string> RequestToken(const http::Request& request, bool* from_cookie = nullptr);

// Auth, me, departments, roles, permissions, users, settings, and their metadata.
void RegisterAccountRoutes(http::Router& router, AccountService& service, CookieOptions cookies);

// Wraps Authenticate for the router; also refuses cookie-authenticated writes that are not JSON
// (a cross-site form cannot send application/json without a CORS preflight, which we never allow).
http::Authenticator MakeAuthenticator(AccountService& service);

}  // namespace guanxi::accounts
