#pragma once
// Maps method + path pattern ("/api/v1/customers/{id}") to a handler. Dispatch authenticates when
// the route asks for it, turns a returned Error into API.md's error body with its status, catches
// any exception once (logged with the request id, answered as an opaque 500), and records metrics.

#include "core/principal.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace guanxi::http {

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

    // The body as a JSON object: 400 invalid_json when it is not JSON or not UTF-8, 422 when it is
    // not an object.
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
    // Called for GET requests no route matches (the web UI's static files).
    void SetFallback(std::function<std::optional<Response>(const Request&)> fallback) {
        fallback_ = std::move(fallback);
    }

    // Answers `request` through `complete`, called exactly once — at once for most routes, later
    // (from another thread) for async ones. `request` must live until then.
    void Dispatch(Request& request, std::function<void(Response)> complete);
    // The same, waiting for the answer (tests, the CLI).
    Response Dispatch(Request& request);

    // For the HTTP server, once a request's headers are read: whether method and path name an
    // upload route and, if so, the error answer (401) when its caller cannot be authenticated.
    bool IsUpload(const Request& request) const;
    std::optional<Response> AdmitUpload(const Request& request) const;

    const std::vector<Route>& routes() const { return routes_; }
    Metrics& metrics() { return metrics_; }

  private:
    struct Pending;
    void Handle(const std::shared_ptr<Pending>& pending);
    void Finish(const std::shared_ptr<Pending>& pending, Response response);

    std::vector<Route> routes_;
    Authenticator authenticator_;
    std::function<std::optional<Response>(const Request&)> fallback_;
    Metrics metrics_;
};

// Generates a random request id (16 hex characters).
std::string NewRequestId();

}  // namespace guanxi::http
