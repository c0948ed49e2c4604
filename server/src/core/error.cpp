#include "core/error.hpp"

namespace guanxi {

namespace {

struct CodeInfo {
    ErrorCode code;
    std::string_view name;
    int status;
};

// The registry: one row per code, in enum order.
constexpr CodeInfo kCodes[] = {
    {ErrorCode::kInvalidJson, "invalid_json", 400},
    {ErrorCode::kBadRequest, "bad_request", 400},
    {ErrorCode::kUnknownFilter, "unknown_filter", 400},
    {ErrorCode::kUnknownSort, "unknown_sort", 400},
    {ErrorCode::kUnauthenticated, "unauthenticated", 401},
    {ErrorCode::kForbidden, "forbidden", 403},
    {ErrorCode::kNotFound, "not_found", 404},
    {ErrorCode::kConflict, "conflict", 409},
    {ErrorCode::kDuplicate, "duplicate", 409},
    {ErrorCode::kStaleVersion, "stale_version", 409},
    {ErrorCode::kAlreadyClaimed, "already_claimed", 409},
    {ErrorCode::kValidationFailed, "validation_failed", 422},
    {ErrorCode::kRateLimited, "rate_limited", 429},
    {ErrorCode::kPayloadTooLarge, "payload_too_large", 413},
    {ErrorCode::kMethodNotAllowed, "method_not_allowed", 405},
    {ErrorCode::kInternal, "internal", 500},
    {ErrorCode::kUnavailable, "unavailable", 503},
    {ErrorCode::kUnsupportedMediaType, "unsupported_media_type", 415},
    {ErrorCode::kBeyondOwnRights, "beyond_own_rights", 403},
};

const CodeInfo& Info(ErrorCode code) { return kCodes[static_cast<int>(code)]; }

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return Info(code).name; }
int HttpStatus(ErrorCode code) { return Info(code).status; }

Error Error::Internal(std::string log_detail) {
    return Error{ErrorCode::kInternal, "Internal server error.", nlohmann::json::object(),
                 std::move(log_detail)};
}

Error Error::NotFound(std::string_view what) {
    return Error{
        ErrorCode::kNotFound, std::string(what) + " not found.", nlohmann::json::object(), {}};
}

Error Error::Validation(std::string_view field, std::string message) {
    Error error{
        ErrorCode::kValidationFailed, "Some fields are invalid.", nlohmann::json::object(), {}};
    error.Field(field, std::move(message));
    return error;
}

Error Error::Forbidden(std::string message) {
    return Error{ErrorCode::kForbidden, std::move(message), nlohmann::json::object(), {}};
}

Error& Error::Field(std::string_view field, std::string message) {
    details["fields"][std::string(field)] = std::move(message);
    return *this;
}

}  // namespace guanxi
