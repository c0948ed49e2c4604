#pragma once
// Maps method + path pattern ("/api/v1/customers/{id}") to a handler. Dispatch authenticates when
// the route asks for it, turns a returned Error into API.md's error body with its status, catches
// any exception once (logged with the request id, answered as an opaque 500), and records metrics.

#include "core/principal.hpp"
#include "http/idempotency.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace guanxi::http {

// How deeply arrays and objects may nest in a request body.
inline constexpr int kMaxJsonDepth = 64;

// Whether `text`'s arrays and objects nest at most `max_depth` levels (brackets inside strings do
// not count). A linear scan made before parsing: the parser never sees a deeper document.
bool JsonDepthWithin(std::string_view text, int max_depth);

class Context {
  public:
    Context(const Request& request, std::unordered_map<std::string, std::string> params)
        : request_(request), params_(std::move(params)) {}

    const Request& request() const { return request_; }

    // The caller; only valid on routes that require authentication.
    const Principal& user() const { return *principal_; }
    bool authenticated() const { return principal_.has_value(); }
    void set_principal(Principal p) { principal_ = std::move(p); }

    // A positive integer path parameter such as {id}; 404 when it is not one (an id that cannot
    // exist is simply absent).
    Result<std::int64_t> PathId(std::string_view name) const;
    const std::string& PathParam(std::string_view name) const;

    // The body as any JSON value: 400 invalid_json when it is not JSON or not UTF-8, 422
    // json_too_deep when arrays and objects nest more than kMaxJsonDepth levels (deeper values
    // would overflow the stack when written back).
    Result<nlohmann::json> JsonValue() const;
    // The body as a JSON object: as JsonValue, and 422 when it is not an object.
    Result<nlohmann::json> JsonBody() const;

  private:
    const Request& request_;
    std::unordered_map<std::string, std::string> params_;
    std::optional<Principal> principal_;
};

using Handler = std::function<Result<Response>(Context&)>;
// A handler that answers later, e.g. after a group commit: it calls `reply` exactly once, from any
// thread. The Context stays alive until then.
using Reply = std::function<void(Result<Response>)>;
using AsyncHandler = std::function<void(Context&, Reply reply)>;
// Resolves the caller from the request (Bearer header or cookie); 401 error when it can't.
using Authenticator = std::function<Result<Principal>(const Request&)>;

struct RouteOptions {
    bool auth = true;
    // A file upload: the HTTP server authenticates the caller from the headers before it reads the
    // body, then streams the body to a file (Request::body_file) with the larger upload limit.
    bool upload = false;
    // The largest body this route reads, in bytes (413 beyond); 0: the server's default.
    std::uint64_t body_limit = 0;
    // Permissions the caller must hold (403 otherwise), checked before the body is read.
    std::vector<std::string> permissions;
};

// What the HTTP server does with a request once its headers are read (Router::Admit).
struct Admission {
    std::optional<Response> refusal;  // answer this at once, without reading the body
    bool upload = false;              // stream the body to a file (RouteOptions::upload)
    std::uint64_t body_limit = 0;     // the route's limit; 0: the server's default
};

struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;  // exactly one of handler and async_handler is set
    AsyncHandler async_handler;
    RouteOptions options;
};

class Router {
  public:
    void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
    void AddAsync(std::string method, std::string pattern, AsyncHandler handler,
                  RouteOptions options = {});
    void SetAuthenticator(Authenticator authenticator) {
        authenticator_ = std::move(authenticator);
    }
    // Where POSTs sent with an Idempotency-Key keep their answers (none: the header is ignored).
    // Applies to authenticated POST routes.
    void SetIdempotencyStore(IdempotencyStore* store) { idempotency_ = store; }
    // Where the synchronous handlers of writes (every method but GET and HEAD) run instead of the
    // HTTP thread: they wait for their group commit, and the HTTP threads must not. Unset (the
    // PostgreSQL backend, whose writes commit on the calling thread): on the HTTP thread.
    void SetWriteWorkers(std::function<void(std::function<void()>)> post) {
        write_workers_ = std::move(post);
    }
    // Called for GET requests no route matches (the web UI's static files).
    void SetFallback(std::function<std::optional<Response>(const Request&)> fallback) {
        fallback_ = std::move(fallback);
    }

    // Answers `request` through `complete`, called exactly once — at once for most routes, later
    // (from another thread) for async ones. `request` must live until then.
    void Dispatch(Request& request, std::function<void(Response)> complete);
    // The same, waiting for the answer (tests, the CLI).
    Response Dispatch(Request& request);

    // For the HTTP server, once a request's headers are read and before its body is: the route's
    // body limit and whether it is an upload, or the answer to give at once — 401 when the caller
    // can't be authenticated, 403 without the route's permissions. The caller is checked for
    // uploads, for routes that name permissions, and whenever `large_body` (the body is more than a
    // few KB): nobody unauthenticated makes the server hold a large body.
    Admission Admit(const Request& request, bool large_body) const;

    const std::vector<Route>& routes() const { return routes_; }
    Metrics& metrics() { return metrics_; }

  private:
    struct Pending;
    // The route for method + path, the most literal first ("/customers/export" before
    // "/customers/{id}"); nullptr when none. `path_matched`: some route has this path.
    const Route* FindRoute(const Request& request,
                           std::unordered_map<std::string, std::string>& params,
                           bool& path_matched) const;
    // 403 when the caller lacks one of the route's permissions.
    static Status CheckPermissions(const Route& route, const Principal& caller);
    // For a POST with an Idempotency-Key: the earlier answer to give instead of acting, or an
    // error; nullopt when the request goes ahead (then `pending` holds the key to finish).
    std::optional<Response> ClaimIdempotencyKey(const std::shared_ptr<Pending>& pending,
                                                const Route& route);
    // 409 idempotency_key_in_use: the key's first request is still being answered.
    static Response KeyInUse();
    void Handle(const std::shared_ptr<Pending>& pending);
    void Finish(const std::shared_ptr<Pending>& pending, Response response);

    std::vector<Route> routes_;
    std::function<void(std::function<void()>)> write_workers_;
    Authenticator authenticator_;
    std::function<std::optional<Response>(const Request&)> fallback_;
    IdempotencyStore* idempotency_ = nullptr;
    std::mutex keys_mutex_;
    // (user id, Idempotency-Key) of the keyed requests being answered here.
    std::set<std::pair<std::int64_t, std::string>> keys_in_flight_;
    Metrics metrics_;
};

// Generates a random request id (16 hex characters).
std::string NewRequestId();

}  // namespace guanxi::http
