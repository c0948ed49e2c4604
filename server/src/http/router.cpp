#include "http/router.hpp"

#include "core/log.hpp"
#include "core/text.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>

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

bool JsonDepthWithin(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped character, whatever it is
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

Result<nlohmann::json> Context::JsonValue() const {
    if (!text::IsValidUtf8(request_.body)) {
        return Error{ErrorCode::kInvalidJson, "The request body is not valid UTF-8.", {}, {}};
    }
    if (!JsonDepthWithin(request_.body, kMaxJsonDepth)) {
        return Error{ErrorCode::kJsonTooDeep,
                     "The request body nests arrays or objects more than " +
                         std::to_string(kMaxJsonDepth) + " levels deep.",
                     {{"max_depth", kMaxJsonDepth}},
                     {}};
    }
    nlohmann::json body = nlohmann::json::parse(request_.body, nullptr, false);
    if (body.is_discarded()) {
        return Error{ErrorCode::kInvalidJson, "The request body is not valid JSON.", {}, {}};
    }
    return body;
}

Result<nlohmann::json> Context::JsonBody() const {
    GX_TRY_ASSIGN(nlohmann::json body, JsonValue());
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
    // A request sent with an Idempotency-Key that acts: its writes carry the key, its answer is
    // kept (Finish).
    std::shared_ptr<KeyedRequest> keyed;
    std::string idempotency_key;  // held in Router::keys_in_flight_ until Finish
    bool replayed = false;        // acting again on writes that committed before (kReplay)
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

// Binds a keyed request's writes to the thread that runs its handler, for the handler's run.
class KeyBinding {
  public:
    explicit KeyBinding(KeyedRequest* keyed) : keyed_(keyed) {
        if (keyed_ != nullptr) keyed_->Bind();
    }
    ~KeyBinding() {
        if (keyed_ != nullptr) keyed_->Unbind();
    }
    KeyBinding(const KeyBinding&) = delete;
    KeyBinding& operator=(const KeyBinding&) = delete;

  private:
    KeyedRequest* keyed_;
};

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

const Route* Router::FindRoute(const Request& request,
                               std::unordered_map<std::string, std::string>& params,
                               bool& path_matched) const {
    const std::vector<std::string> parts = SplitPath(request.path);
    path_matched = false;
    const Route* best = nullptr;
    for (const Route& route : routes_) {
        std::unordered_map<std::string, std::string> candidate;
        if (!MatchSegments(route, parts, candidate)) continue;
        path_matched = true;
        if (route.method != request.method) continue;
        if (best == nullptr || candidate.size() < params.size()) {
            best = &route;
            params = std::move(candidate);
        }
    }
    return best;
}

Status Router::CheckPermissions(const Route& route, const Principal& caller) {
    for (const std::string& permission : route.options.permissions) {
        GX_TRY(RequirePermission(caller, permission));
    }
    return {};
}

Admission Router::Admit(const Request& request, bool large_body) const {
    std::unordered_map<std::string, std::string> params;
    bool path_matched = false;
    const Route* route = FindRoute(request, params, path_matched);
    if (route == nullptr) return {};  // answered 404 / 405 without looking at the body
    Admission admission{std::nullopt, route->options.upload, route->options.body_limit};
    const bool check = large_body || route->options.upload || !route->options.permissions.empty();
    if (!route->options.auth || !check || !authenticator_) return admission;
    auto principal = authenticator_(request);
    if (!principal) {
        admission.refusal = Response::FromError(principal.error());
    } else if (Status allowed = CheckPermissions(*route, *principal); !allowed) {
        admission.refusal = Response::FromError(allowed.error());
    }
    return admission;
}

void Router::Handle(const std::shared_ptr<Pending>& pending) {
    Request& request = pending->request;
    bool path_matched = false;
    std::unordered_map<std::string, std::string> best_params;
    const Route* best = FindRoute(request, best_params, path_matched);
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
            if (Status allowed = CheckPermissions(route, *principal); !allowed) {
                return Finish(pending, Response::FromError(allowed.error()));
            }
            pending->user_id = principal->user_id;
            context->set_principal(std::move(principal).value());
            if (auto earlier = ClaimIdempotencyKey(pending, route)) {
                return Finish(pending, std::move(*earlier));
            }
        }
        if (route.async_handler) {
            KeyBinding bound(pending->keyed.get());
            route.async_handler(*context, [this, pending, context](Result<Response> result) {
                Finish(pending, ToResponse(std::move(result), pending->request));
            });
            return;
        }
        if (write_workers_ && request.method != "GET" && request.method != "HEAD") {
            write_workers_([this, pending, context, &route] {
                Result<Response> result = [&] {
                    KeyBinding bound(pending->keyed.get());
                    return route.handler(*context);
                }();
                Finish(pending, ToResponse(std::move(result), pending->request));
            });
            return;
        }
        Result<Response> result = [&] {
            KeyBinding bound(pending->keyed.get());
            return route.handler(*context);
        }();
        return Finish(pending, ToResponse(std::move(result), request));
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

namespace {

// A valid Idempotency-Key: 1 to 255 visible ASCII characters (a UUID, a random token).
bool IsValidIdempotencyKey(std::string_view key) {
    if (key.empty() || key.size() > 255) return false;
    return std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// What makes two requests "the same" for a key: method, path, query and body (an upload: its
// size, not its bytes).
std::string RequestFingerprint(const Request& request) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
    const auto add = [&state](std::string_view part) {
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                  part.size());
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>("\0"), 1);
    };
    add(request.method);
    add(request.path);
    for (const auto& [key, value] : request.query) {
        add(key);
        add(value);
    }
    if (request.body_file.empty()) {
        add(request.body);
    } else {
        std::error_code ignored;
        add(std::to_string(std::filesystem::file_size(request.body_file, ignored)));
    }
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash_final(&state, hash, sizeof hash);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

}  // namespace

Response Router::KeyInUse() {
    return Response::FromError(
        Error{ErrorCode::kIdempotencyKeyInUse,
              "A request with this Idempotency-Key has not been answered yet (or its server "
              "stopped first): check whether it took effect before sending it with a new key.",
              {{"header", "Idempotency-Key"}},
              {}});
}

std::optional<Response> Router::ClaimIdempotencyKey(const std::shared_ptr<Pending>& pending,
                                                    const Route& route) {
    const Request& request = pending->request;
    if (idempotency_ == nullptr || route.method != "POST" || !pending->user_id) return std::nullopt;
    auto key = request.Header("idempotency-key");
    if (!key) return std::nullopt;
    if (!IsValidIdempotencyKey(*key)) {
        return Response::FromError(
            Error{ErrorCode::kBadRequest,
                  "Idempotency-Key must be 1 to 255 visible ASCII characters.",
                  {{"header", "Idempotency-Key"}},
                  {}});
    }
    // One request per key at a time on this server: a retry sent while the first is still being
    // answered is told so instead of acting beside it. (Across servers, the key's row — written in
    // the write's own transaction — lets only one of them commit.)
    {
        std::lock_guard lock(keys_mutex_);
        if (!keys_in_flight_.emplace(*pending->user_id, *key).second) return KeyInUse();
    }
    pending->idempotency_key = *key;
    const std::string fingerprint = RequestFingerprint(request);
    auto claim = idempotency_->Begin(*pending->user_id, *key, fingerprint);
    if (!claim) return ToResponse(claim.error(), request);
    if (claim->kind == IdempotencyStore::Claim::kPending) return KeyInUse();
    if (claim->fingerprint != fingerprint) {
        return Response::FromError(Error{ErrorCode::kIdempotencyKeyReused,
                                         "This Idempotency-Key was used for a different request.",
                                         {{"header", "Idempotency-Key"}},
                                         {}});
    }
    if (claim->kind != IdempotencyStore::Claim::kDone) {
        // kNew acts; kReplay acts again, its committed writes giving back what they returned.
        pending->keyed = std::move(claim->request);
        pending->replayed = claim->kind == IdempotencyStore::Claim::kReplay;
        return std::nullopt;
    }
    Response replay;
    replay.status = claim->status;
    replay.body = std::move(claim->body);
    if (!claim->content_type.empty()) replay.SetHeader("Content-Type", claim->content_type);
    replay.SetHeader("Idempotent-Replayed", "true");
    return replay;
}

void Router::Finish(const std::shared_ptr<Pending>& pending, Response response) {
    if (pending->finished.exchange(true)) return;  // answered already
    const Request& request = pending->request;
    if (pending->keyed) {
        // Kept unless the request had no effect to repeat: a retry after a 5xx or 429 acts afresh
        // (but a write it committed is not written again: its outcome is kept with the key).
        const bool keep = response.status < 500 && response.status != 429 && response.file.empty();
        if (keep) {
            pending->keyed->Answered(
                response.status, response.HeaderValue("Content-Type").value_or(""), response.body);
        }
        if (pending->replayed) response.SetHeader("Idempotent-Replayed", "true");
    }
    if (!pending->idempotency_key.empty()) {
        std::lock_guard lock(keys_mutex_);
        keys_in_flight_.erase({*pending->user_id, pending->idempotency_key});
    }
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
