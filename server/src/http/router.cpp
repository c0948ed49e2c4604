#include "http/router.hpp"

#include "core/log.hpp"
#include "core/text.hpp"

#include <sodium.h>

#include <atomic>
#include <chrono>
#include <future>

namespace guanxi::http {

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        const size_t end = slash == std::string_view::npos ? path.size() : slash;
        if (end > start) parts.emplace_back(path.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return parts;
}

bool MatchSegments(const Route& route, const std::vector<std::string>& parts,
                   std::unordered_map<std::string, std::string>& params) {
    if (route.segments.size() != parts.size()) return false;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& seg = route.segments[i];
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            params[seg.substr(1, seg.size() - 2)] = parts[i];
        } else if (seg != parts[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string NewRequestId() {
    unsigned char bytes[8];
    randombytes_buf(bytes, sizeof bytes);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

Result<std::int64_t> Context::PathId(std::string_view name) const {
    const std::string& raw = PathParam(name);
    std::int64_t value = 0;
    if (raw.empty() || raw.size() > 18) return Error::NotFound("Record");
    for (char c : raw) {
        if (c < '0' || c > '9') return Error::NotFound("Record");
        value = value * 10 + (c - '0');
    }
    if (value <= 0) return Error::NotFound("Record");
    return value;
}

const std::string& Context::PathParam(std::string_view name) const {
    static const std::string kEmpty;
    auto it = params_.find(std::string(name));
    return it == params_.end() ? kEmpty : it->second;
}

Result<nlohmann::json> Context::JsonBody() const {
    if (!text::IsValidUtf8(request_.body)) {
        return Error{ErrorCode::kInvalidJson, "The request body is not valid UTF-8.", {}, {}};
    }
    nlohmann::json body = nlohmann::json::parse(request_.body, nullptr, false);
    if (body.is_discarded()) {
        return Error{ErrorCode::kInvalidJson, "The request body is not valid JSON.", {}, {}};
    }
    if (!body.is_object()) {
        return Error{ErrorCode::kValidationFailed,
                     "The request body must be a JSON object.",
                     {{"fields", {{"body", "must be an object"}}}},
                     {}};
    }
    return body;
}

// One request's bookkeeping until it is answered.
struct Router::Pending {
    Pending(Request& r, std::function<void(Response)> c)
        : request(r), start(std::chrono::steady_clock::now()), complete(std::move(c)) {}

    Request& request;
    std::chrono::steady_clock::time_point start;
    std::function<void(Response)> complete;
    std::string route_label = "unknown";
    std::optional<std::int64_t> user_id;
    std::atomic<bool> finished{false};
};

namespace {

Response ToResponse(Result<Response> result, const Request& request) {
    if (result) return std::move(result).value();
    const Error& error = result.error();
    if (!error.log_detail.empty()) {
        log::Warn("request_error", {{"request_id", request.request_id},
                                    {"code", ErrorCodeName(error.code)},
                                    {"detail", error.log_detail}});
    }
    return Response::FromError(error);
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
    Route route{std::move(method), pattern, SplitPath(pattern), std::move(handler), {}, options};
    routes_.push_back(std::move(route));
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler,
                      RouteOptions options) {
    Route route{std::move(method), pattern, SplitPath(pattern), {}, std::move(handler), options};
    routes_.push_back(std::move(route));
}

bool Router::IsUpload(const Request& request) const {
    const std::vector<std::string> parts = SplitPath(request.path);
    for (const Route& route : routes_) {
        std::unordered_map<std::string, std::string> params;
        if (route.options.upload && route.method == request.method &&
            MatchSegments(route, parts, params)) {
            return true;
        }
    }
    return false;
}

std::optional<Response> Router::AdmitUpload(const Request& request) const {
    if (!authenticator_) return std::nullopt;
    auto principal = authenticator_(request);
    if (principal) return std::nullopt;
    return Response::FromError(principal.error());
}

void Router::Handle(const std::shared_ptr<Pending>& pending) {
    Request& request = pending->request;
    const std::vector<std::string> parts = SplitPath(request.path);
    bool path_matched = false;
    // The most literal route wins: "/customers/export" before "/customers/{id}".
    const Route* best = nullptr;
    std::unordered_map<std::string, std::string> best_params;
    for (const Route& route : routes_) {
        std::unordered_map<std::string, std::string> params;
        if (!MatchSegments(route, parts, params)) continue;
        path_matched = true;
        if (route.method != request.method) continue;
        if (best == nullptr || params.size() < best_params.size()) {
            best = &route;
            best_params = std::move(params);
        }
    }
    if (best != nullptr) {
        const Route& route = *best;
        pending->route_label = route.pattern;
        auto context = std::make_shared<Context>(request, std::move(best_params));
        if (route.options.auth) {
            if (!authenticator_) {
                return Finish(pending, Response::FromError(Error::Internal("no authenticator")));
            }
            auto principal = authenticator_(request);
            if (!principal) return Finish(pending, Response::FromError(principal.error()));
            pending->user_id = principal->user_id;
            context->set_principal(std::move(principal).value());
        }
        if (route.async_handler) {
            route.async_handler(*context, [this, pending, context](Result<Response> result) {
                Finish(pending, ToResponse(std::move(result), pending->request));
            });
            return;
        }
        return Finish(pending, ToResponse(route.handler(*context), request));
    }
    if (path_matched) {
        pending->route_label = "method_not_allowed";
        return Finish(
            pending,
            Response::FromError(
                Error{ErrorCode::kMethodNotAllowed, "This method is not allowed here.", {}, {}}));
    }
    if (request.method == "GET" && fallback_ && request.path.rfind("/api/", 0) != 0) {
        if (auto response = fallback_(request)) {
            pending->route_label = "static";
            return Finish(pending, std::move(*response));
        }
    }
    pending->route_label = "not_found";
    Finish(pending, Response::FromError(Error::NotFound("Resource")));
}

void Router::Finish(const std::shared_ptr<Pending>& pending, Response response) {
    if (pending->finished.exchange(true)) return;  // answered already
    const Request& request = pending->request;
    response.SetHeader("X-Request-Id", request.request_id);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - pending->start).count();
    metrics_.RecordRequest(request.method, pending->route_label, response.status, seconds);
    // The access log line's fields cost allocations on every request: build them only when written.
    if (log::Enabled(log::Level::kInfo)) {
        log::Info("request", {{"request_id", request.request_id},
                              {"method", request.method},
                              {"route", pending->route_label},
                              {"status", response.status},
                              {"ms", static_cast<int>(seconds * 1000000) / 1000.0},
                              {"user_id", pending->user_id ? nlohmann::json(*pending->user_id)
                                                           : nlohmann::json()},
                              {"ip", request.remote_ip}});
    }
    pending->complete(std::move(response));
}

void Router::Dispatch(Request& request, std::function<void(Response)> complete) {
    if (request.request_id.empty()) request.request_id = NewRequestId();
    auto pending = std::make_shared<Pending>(request, std::move(complete));
    try {
        Handle(pending);
    } catch (const std::exception& e) {
        log::Error(
            "unhandled_exception",
            {{"request_id", request.request_id}, {"what", e.what()}, {"path", request.path}});
        Finish(pending, Response::FromError(Error::Internal(e.what())));
    }
}

Response Router::Dispatch(Request& request) {
    std::promise<Response> answer;
    auto answered = answer.get_future();
    Dispatch(request, [&answer](Response response) { answer.set_value(std::move(response)); });
    return answered.get();
}

}  // namespace guanxi::http
