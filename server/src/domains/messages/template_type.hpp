#pragma once
// Message templates (模板, issue 17 item 1): SMS and e-mail texts with variables, a kit type of
// its own that every role reads and the administrator writes (docs/MESSAGES.md). Each write derives
// from the text its SMS length, segments and encoding (sms_count.hpp), the variables it uses, and
// for e-mail a sanitised HTML body; a variable no customer can fill is refused (422 naming the
// field, unknown_variable). POST /api/v1/templates/{id}/preview renders it for a customer.

#include "db/database.hpp"
#include "http/router.hpp"
#include "kit/record_service.hpp"
#include "kit/record_type.hpp"

#include <map>
#include <optional>
#include <string>

namespace guanxi::messages {

// An SMS template's body may hold at most this many characters (a gateway's limit).
inline constexpr std::size_t kMaxSmsCharacters = 500;

kit::RecordType TemplateType();

// The whole SMS as sent: "【signature】" + body (no signature: the body alone).
std::string SmsText(std::string_view signature, std::string_view body);

// The values of the variables for a message to the customer `customer_id` (live; the caller has
// checked the caller may see it): its fields, its custom fields (customer.custom.<key>), the
// contact `contact_id` (of that customer: 422 naming contact_id otherwise) or else its primary
// contact (else its first), and its owner. A value the customer lacks is "".
Result<std::map<std::string, std::string>> VariableValues(db::Connection& conn,
                                                          std::int64_t customer_id,
                                                          std::optional<std::int64_t> contact_id);

// Serves the item routes TemplateType declares (preview).
void RegisterTemplateRoutes(http::Router& router, db::Database& db, kit::RecordService& records,
                            const kit::CompiledType& templates);

}  // namespace guanxi::messages
