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
    {ErrorCode::kClaimFirst, "claim_first", 403},
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
    {ErrorCode::kJsonTooDeep, "json_too_deep", 422},
    {ErrorCode::kBusy, "busy", 503},
    {ErrorCode::kIdempotencyKeyReused, "idempotency_key_reused", 422},
    {ErrorCode::kIdempotencyKeyInUse, "idempotency_key_in_use", 409},
    {ErrorCode::kUnsupportedMediaType, "unsupported_media_type", 415},
    {ErrorCode::kBeyondOwnRights, "beyond_own_rights", 403},
};

const CodeInfo& Info(ErrorCode code) { return kCodes[static_cast<int>(code)]; }

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return Info(code).name; }
int HttpStatus(ErrorCode code) { return Info(code).status; }

std::vector<ErrorCode> AllErrorCodes() {
    std::vector<ErrorCode> all;
    for (const CodeInfo& info : kCodes) all.push_back(info.code);
    return all;
}

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

namespace {

// An error's body stays small whatever the request held: at most this many fields are named (the
// rest are counted in details.more_fields), each name cut to this many bytes.
constexpr size_t kMaxErrorFields = 50;
constexpr size_t kMaxFieldNameBytes = 128;

// `text` cut to at most `max_bytes`, at a UTF-8 character boundary.
std::string CutUtf8(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end)) + "...";
}

}  // namespace

Error& Error::Field(std::string_view field, std::string message) {
    nlohmann::json& fields = details["fields"];
    std::string name = CutUtf8(field, kMaxFieldNameBytes);
    if (fields.is_object() && !fields.contains(name) && fields.size() >= kMaxErrorFields) {
        details["more_fields"] = details.value("more_fields", 0) + 1;
        return *this;
    }
    fields[std::move(name)] = std::move(message);
    return *this;
}

}  // namespace guanxi
