#include "domains/accounts/account_routes.hpp"

#include "core/text.hpp"
#include "domains/accounts/password.hpp"

namespace guanxi::accounts {

namespace {

using http::Context;
using http::Response;

Response JsonOk(const nlohmann::json& body) { return Response::Json(200, body); }

std::string SessionCookie(const std::string& token, const CookieOptions& options,
                          std::int64_t max_age) {
    std::string cookie = std::string(kSessionCookie) + "=" + token +
                         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
    if (options.secure) cookie += "; Secure";
    return cookie;
}

// "application/json", any case, with parameters such as "; charset=utf-8" or none.
bool IsJsonContentType(const std::optional<std::string>& header) {
    if (!header) return false;
    const std::string type = text::AsciiLower(text::Trim(header->substr(0, header->find(';'))));
    return type == "application/json";
}

// Passwords may be passphrases in any script: 200 characters of up to 4 bytes each.
constexpr std::size_t kMaxCredentialBytes = 800;

Status RequireStrings(const nlohmann::json& body, std::initializer_list<const char*> keys) {
    Error error{
        ErrorCode::kValidationFailed, "Some fields are invalid.", nlohmann::json::object(), {}};
    bool bad = false;
    for (const auto& [key, value] : body.items()) {
        if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) ==
            keys.end()) {
            error.Field(key, "is not a known field");
            bad = true;
        }
    }
    for (const char* key : keys) {
        if (!body.contains(key) || !body[key].is_string() || body[key].get<std::string>().empty() ||
            body[key].get<std::string>().size() > kMaxCredentialBytes) {
            error.Field(key, "is required");
            bad = true;
        }
    }
    if (bad) return error;
    return {};
}

}  // namespace

std::optional<std::string> RequestToken(const http::Request& request, bool* from_cookie) {
    if (from_cookie) *from_cookie = false;
    if (auto header = request.Header("authorization")) {
        constexpr std::string_view kBearer = "Bearer ";
        if (header->rfind(kBearer, 0) == 0) return header->substr(kBearer.size());
    }
    if (auto cookie = request.Cookie(kSessionCookie)) {
        if (from_cookie) *from_cookie = true;
        return cookie;
    }
    return std::nullopt;
}

http::Authenticator MakeAuthenticator(AccountService& service) {
    return [&service](const http::Request& request) -> Result<Principal> {
        bool from_cookie = false;
        auto token = RequestToken(request, &from_cookie);
        if (!token)
            return Error{
                ErrorCode::kUnauthenticated, "Please log in.", nlohmann::json::object(), {}};
        GX_TRY_ASSIGN(Principal principal, service.Authenticate(*token));
        if (from_cookie && request.method != "GET" && request.method != "HEAD") {
            const auto type = request.Header("content-type").value_or("");
            const bool json = type.rfind("application/json", 0) == 0;
            if (!json && !request.Header("x-requested-with")) {
                return Error::Forbidden("Cross-site request refused.");
            }
        }
        principal.ip = request.remote_ip;
        principal.request_id = request.request_id;
        return principal;
    };
}

// A login body is two short strings: nobody unauthenticated makes the server hold more.
constexpr std::uint64_t kLoginBodyLimit = 8 * 1024;

void RegisterAccountRoutes(http::Router& router, AccountService& service, CookieOptions cookies) {
    // Async: the password check runs on the accounts' own password workers, never on an HTTP
    // thread.
    router.AddAsync(
        "POST", "/api/v1/auth/login",
        [&service, cookies](Context& ctx, http::Reply reply) {
            // A form or text/plain body is what a cross-site page can post without CORS (login
            // CSRF): only JSON is a login.
            if (!IsJsonContentType(ctx.request().Header("content-type"))) {
                return reply(Error{ErrorCode::kUnsupportedMediaType,
                                   "Send the login as JSON (Content-Type: application/json).",
                                   {{"header", "content-type"}},
                                   {}});
            }
            auto body = ctx.JsonBody();
            if (!body) return reply(body.error());
            if (Status fields = RequireStrings(*body, {"username", "password"}); !fields)
                return reply(fields.error());
            LoginRequest request{(*body)["username"].get<std::string>(),
                                 (*body)["password"].get<std::string>(), ctx.request().remote_ip,
                                 ctx.request().Header("user-agent").value_or(""),
                                 ctx.request().request_id};
            service.LoginAsync(std::move(request), [reply, cookies](Result<LoginResult> result) {
                if (!result) return reply(std::move(result).error());
                Response response = JsonOk({{"token", result->token}, {"user", result->user}});
                response.SetHeader("Set-Cookie",
                                   SessionCookie(result->token, cookies, cookies.max_age_seconds));
                response.SetHeader("Cache-Control", "no-store");
                reply(std::move(response));
            });
        },
        {.auth = false, .body_limit = kLoginBodyLimit});

    router.Add("POST", "/api/v1/auth/logout",
               [&service, cookies](Context& ctx) -> Result<Response> {
                   GX_TRY(service.Logout(ctx.user(), RequestToken(ctx.request()).value_or("")));
                   Response response = Response::NoContent();
                   response.SetHeader("Set-Cookie", SessionCookie("", cookies, 0));
                   return response;
               });

    router.Add("GET", "/api/v1/me", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json me, service.Me(ctx.user()));
        return JsonOk(me);
    });
    router.Add("PATCH", "/api/v1/me", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        GX_TRY_ASSIGN(nlohmann::json me, service.UpdateProfile(ctx.user(), body));
        return JsonOk(me);
    });
    // Async: argon2id runs on the password workers, as for a login.
    router.AddAsync("POST", "/api/v1/me/password",
                    [&service](Context& ctx, http::Reply reply) {
                        auto body = ctx.JsonBody();
                        if (!body) return reply(body.error());
                        service.ChangePasswordAsync(
                            ctx.user(), *body, HashToken(RequestToken(ctx.request()).value_or("")),
                            [reply](Status changed) {
                                if (!changed) return reply(changed.error());
                                reply(Response::NoContent());
                            });
                    },
                    {.body_limit = kLoginBodyLimit});
    router.Add("GET", "/api/v1/me/settings", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json settings, service.GetSettings(ctx.user()));
        return JsonOk(settings);
    });
    router.Add("PUT", "/api/v1/me/settings/{key}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json value, ctx.JsonValue());
        GX_TRY(service.PutSetting(ctx.user(), ctx.PathParam("key"), value));
        return Response::NoContent();
    });

    // Roles and permissions
    router.Add("GET", "/api/v1/roles", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json list, service.ListRoles(ctx.user()));
        return JsonOk(list);
    });
    router.Add("POST", "/api/v1/roles", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        GX_TRY_ASSIGN(nlohmann::json created, service.CreateRole(ctx.user(), body));
        return Response::Json(201, created);
    });
    router.Add("PATCH", "/api/v1/roles/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        GX_TRY_ASSIGN(nlohmann::json updated, service.UpdateRole(ctx.user(), id, body));
        return JsonOk(updated);
    });
    router.Add("DELETE", "/api/v1/roles/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY(service.DeleteRole(ctx.user(), id));
        return Response::NoContent();
    });
    router.Add("GET", "/api/v1/permissions", [](Context&) -> Result<Response> {
        return JsonOk({{"items", AccountService::AllPermissions()}});
    });

    // Users
    router.Add("GET", "/api/v1/users", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(http::ListQuery query,
                      http::ParseListQuery(ctx.request().query, AccountService::UserListSpec()));
        GX_TRY_ASSIGN(nlohmann::json list, service.ListUsers(ctx.user(), query));
        return JsonOk(list);
    });
    router.Add("POST", "/api/v1/users", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        GX_TRY_ASSIGN(nlohmann::json created, service.CreateUser(ctx.user(), body));
        return Response::Json(201, created);
    });
    router.Add("GET", "/api/v1/users/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(nlohmann::json user, service.GetUser(ctx.user(), id));
        return JsonOk(user);
    });
    router.Add("PATCH", "/api/v1/users/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        GX_TRY_ASSIGN(nlohmann::json updated, service.UpdateUser(ctx.user(), id, body));
        return JsonOk(updated);
    });

    // Metadata for the generic UI
    router.Add("GET", "/api/v1/meta/users", [](Context&) -> Result<Response> {
        return JsonOk(AccountService::UserMeta().ToJson());
    });
    router.Add("GET", "/api/v1/meta/roles", [](Context&) -> Result<Response> {
        return JsonOk(AccountService::RoleMeta().ToJson());
    });
}

}  // namespace guanxi::accounts
