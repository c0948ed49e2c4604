#pragma once
// Errors as values. Every expected failure in stores, services and routes is a Result<T> carrying
// an Error; the error's code comes from the one registry below and decides the HTTP status
// (error.cpp). Exceptions are reserved for the unexpected and are caught once, at the router.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace guanxi {

// The stable error codes of the API. The wire name of each is its snake_case spelling
// (ErrorCodeName).
enum class ErrorCode {
    kInvalidJson,           // 400: body is not JSON, or not UTF-8
    kBadRequest,            // 400: malformed request (query, path)
    kUnknownFilter,         // 400: a list filter the resource does not have
    kUnknownSort,           // 400: a sort field the resource does not have
    kUnauthenticated,       // 401
    kForbidden,             // 403
    kClaimFirst,            // 403: a public-pool customer is claimed before it is changed
    kNotFound,              // 404: absent, or not visible to the caller
    kConflict,              // 409
    kDuplicate,             // 409: a customer with the same phone or e-mail exists
    kStaleVersion,          // 409: optimistic version check failed
    kAlreadyClaimed,        // 409: someone else claimed the pool customer first
    kValidationFailed,      // 422: valid JSON with invalid values; details.fields names each
    kRateLimited,           // 429
    kPayloadTooLarge,       // 413
    kMethodNotAllowed,      // 405
    kInternal,              // 500
    kUnavailable,           // 503: database down, shutting down
    kJsonTooDeep,           // 422: a body's arrays and objects nest past the limit
    kBusy,                  // 503: the server holds as many request bodies as it may; retry shortly
    kIdempotencyKeyReused,  // 422: an Idempotency-Key sent again with a different request
    kIdempotencyKeyInUse,   // 409: the first request with this Idempotency-Key has no answer yet
    kUnsupportedMediaType,  // 415: a body in a content type the route does not take
    kBeyondOwnRights,       // 403: granting, or changing a user with, rights the caller lacks
    kOpportunityClosed,     // 409: a won or lost opportunity's stage is changed (closed twice)
    kOwnQuoteApproval,      // 403: approving or rejecting a quote one owns or submitted
};

std::string_view ErrorCodeName(ErrorCode code);
int HttpStatus(ErrorCode code);
// Every code, in enum order (`guanxi codes`: the web's messages are checked against it).
std::vector<ErrorCode> AllErrorCodes();

// An error travelling up to the router. `message` is for the client; `log_detail`, if set, is for
// the log only (SQL errors, paths) and never leaves the server.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    nlohmann::json details = nlohmann::json::object();
    std::string log_detail;

    static Error Internal(std::string log_detail);
    static Error NotFound(std::string_view what);
    static Error Validation(std::string_view field, std::string message);
    // A 422 naming one field by a field message's key (FieldCode).
    static Error ValidationCode(std::string_view field, std::string_view key,
                                nlohmann::json params = nlohmann::json::object());
    static Error Forbidden(std::string message = "You are not allowed to do this.");

    // Adds one field's complaint to details.fields (for 422). A message that is the English text
    // of a registered field message without parameters gets its key too (details.field_codes).
    Error& Field(std::string_view field, std::string message);
    // Adds one field's complaint by its key (kFieldMessages in error.cpp) and parameters: the
    // English text to details.fields, {"code": key, "params": params} to details.field_codes.
    Error& FieldCode(std::string_view field, std::string_view key,
                     nlohmann::json params = nlohmann::json::object());
    // Adds every field complaint of `other` (details.fields with their keys) to this error.
    Error& FieldsOf(const Error& other);
};

// A field message of the registry: its stable key (what the web translates) and its text in
// English and Chinese, with {param} placeholders.
struct FieldMessageInfo {
    std::string_view key;
    std::string_view en;
    std::string_view zh_cn;
};

// Every field message, in registry order (`guanxi codes` prints them for the web's check).
const std::vector<FieldMessageInfo>& AllFieldMessages();
// The text of field message `key` in `language` ("en", else Chinese) with its {param}
// placeholders filled from `params` (strings as they are, numbers as written). An unknown key
// is returned as it is.
std::string FieldMessageText(std::string_view key, const nlohmann::json& params,
                             std::string_view language = "en");
// `text` with each {name} replaced by params[name] (strings as they are, numbers as written); a
// placeholder without a parameter stays as written.
std::string FillPlaceholders(std::string_view text, const nlohmann::json& params);

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const& { return *error_; }
    Error&& error() && { return std::move(*error_); }

  private:
    std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace guanxi

#define GX_CONCAT_INNER(a, b) a##b
#define GX_CONCAT(a, b) GX_CONCAT_INNER(a, b)

// Returns the error of `expr` from the enclosing function, if it has one.
#define GX_TRY(expr)                                                   \
    do {                                                               \
        auto gx_try_result_ = (expr);                                  \
        if (!gx_try_result_) return std::move(gx_try_result_).error(); \
    } while (0)

// Declares `lhs` from the value of `expr`, or returns its error.
#define GX_TRY_ASSIGN(lhs, expr) GX_TRY_ASSIGN_IMPL(GX_CONCAT(gx_result_, __LINE__), lhs, expr)
#define GX_TRY_ASSIGN_IMPL(tmp, lhs, expr)   \
    auto tmp = (expr);                       \
    if (!tmp) return std::move(tmp).error(); \
    lhs = std::move(tmp).value()
