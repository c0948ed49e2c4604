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
    {ErrorCode::kOpportunityClosed, "opportunity_closed", 409},
    {ErrorCode::kOwnQuoteApproval, "own_quote_approval", 403},
};

const CodeInfo& Info(ErrorCode code) { return kCodes[static_cast<int>(code)]; }

// The field messages: what details.field_codes names, and the texts the server writes itself (the
// English details.fields, a Chinese import report). The web has its own text for every key in
// both languages (web/src/i18n, checked against `guanxi codes`). A key never changes meaning;
// parameters are {name} placeholders, the same in both languages.
constexpr FieldMessageInfo kFieldMessages[] = {
    {"required", "is required", "必填"},
    {"read_only", "is read-only", "只读，不能修改"},
    {"unknown_field", "is not a known field", "不是可识别的字段"},
    {"not_a_string", "must be a string", "必须是文本"},
    {"too_long", "must be at most {max} characters", "最多 {max} 个字符"},
    {"control_characters", "must not contain control characters", "不能包含控制字符"},
    {"empty", "must not be empty", "不能为空"},
    {"not_an_option", "must be one of: {options}", "必须是以下之一：{options}"},
    {"not_a_phone",
     "is not a phone number (digits with an optional leading +, spaces, dashes, brackets and "
     "extension)",
     "不是有效的电话号码（数字，可带开头的 +、空格、短横线、括号和分机号）"},
    {"not_an_email", "is not an e-mail address", "不是有效的邮箱地址"},
    {"not_an_integer", "must be an integer", "必须是整数"},
    {"not_a_positive_id", "must be a positive id", "必须是正整数编号"},
    {"not_a_string_list", "must be a list of strings", "必须是文本列表"},
    {"too_many_items", "must have at most {max} items", "最多 {max} 项"},
    {"bad_item_length", "items must be 1 to {max} characters", "每项须为 1 到 {max} 个字符"},
    {"unknown_item", "has an unknown item: {item}", "含有未知的项：{item}"},
    {"not_a_datetime", "must be an RFC 3339 time such as 2026-11-28T08:00:00Z",
     "必须是时间，例如 2026-11-28T08:00:00Z"},
    {"not_a_date", "must be a date such as 2026-11-28", "必须是日期，例如 2026-11-28"},
    {"not_a_boolean", "must be true or false", "必须是“是”或“否”"},
    {"not_money",
     "must be an amount as a string with at most two decimals, such as \"1234.50\" (not a "
     "number)",
     "必须是最多两位小数的金额，例如 1234.50"},
    {"not_an_object", "must be an object", "必须是对象"},
    {"too_large", "is too large", "内容过大"},
    {"owner_out_of_scope", "must be you or a user in your data scope",
     "必须是您本人或您数据范围内的用户"},
    {"not_an_active_user", "is not an active user", "不是在职（已启用）的用户"},
    {"does_not_exist", "does not exist", "不存在"},
    {"deactivated", "is deactivated", "已停用"},
    {"in_the_future", "cannot be in the future", "不能晚于现在"},
    {"not_a_user_id", "must be a user id", "必须是用户编号"},
    {"not_another_user", "must be another user", "必须是另一位用户"},
    {"not_utf8_cell", "is not UTF-8 text (save the file as CSV UTF-8)",
     "不是 UTF-8 文本（请将文件另存为“CSV UTF-8”）"},
    {"not_utf8", "must be UTF-8", "必须是 UTF-8 文本"},
    {"cannot_change", "cannot be changed", "不能修改"},
    {"cannot_change_field", "cannot be changed (define a new field instead)",
     "不能修改（请新建一个字段）"},
    {"deactivate_self", "you cannot deactivate yourself", "不能停用您自己"},
    {"manager_loop", "would make a loop in the manager chain", "会使上级关系形成循环"},
    {"username_characters", "may contain only letters, digits, '.', '_' and '-'",
     "只能包含字母、数字、“.”、“_”和“-”"},
    {"not_positive_amount", "must be more than 0.00", "必须大于 0.00"},
    {"more_than_amount", "must not be more than the amount", "不能超过金额"},
    {"before_sent_on", "must not be before sent_on", "不能早于寄出日期"},
    {"not_a_department", "is not a department", "不是部门"},
    {"department_cycle", "cannot be the department itself or one below it",
     "不能是该部门本身或其下级部门"},
    {"not_positive_ids", "must contain only positive integers", "只能包含正整数"},
    {"bad_id_list", "must be a list of 1 to 500 customer ids", "必须是 1 到 500 个客户编号的列表"},
    {"labels_zh_en_only", "takes zh-CN and en only", "只能有中文（zh-CN）和英文（en）名称"},
    {"choices_only_for_choice", "are only for choice and multi_choice fields",
     "只有单选和多选字段才有选项"},
    {"list_not_indexed", "lists are filtered by item and are not indexed",
     "列表按项筛选，不能建立索引"},
    {"bad_field_key", "must be lower snake_case: a letter, then letters, digits or _, at most 40",
     "须为小写字母开头，由小写字母、数字和 _ 组成，最多 40 个字符"},
    {"unknown_custom_key", "has a key that is no custom field's", "含有不是自定义字段的键"},
    {"bad_file_name", "must be a file name without folders (no / or \\, not . or ..)",
     "必须是不含文件夹的文件名（不含 / 或 \\，不能是 . 或 ..）"},
    {"file_part_required", "is required (a part with a filename)", "必填（须上传一个文件）"},
    {"not_a_document_part", "is not a part of a document upload (file, note)",
     "不是文档上传的一部分（只能有 file 和 note）"},
    {"empty_file", "is empty", "是空文件"},
    {"no_file_name", "has no usable file name", "没有可用的文件名"},
    {"not_before_today", "must not be before today", "不能早于今天"},
    {"unknown_variable", "uses an unknown variable: {variable}", "使用了未知的变量：{variable}"},
    {"not_in_profile", "is not part of your profile: an administrator sets it",
     "不属于个人资料，由管理员设置"},
    {"not_a_time_zone", "is not an IANA time zone such as Asia/Shanghai",
     "不是有效的时区（如 Asia/Shanghai）"},
    {"wrong_current_password", "is not your current password", "不是您当前的密码"},
    {"no_name_column", "has no name column (name or 名称)", "没有名称列（name 或 名称）"},
    {"setting_key", "must be 1 to 64 letters, digits, '_', '.' or '-'",
     "须为 1 到 64 个字母、数字、“_”、“.”或“-”"},
    {"too_many_settings", "at most 100 settings per user", "每位用户最多 100 项设置"},
    {"one_line_name", "must be 1 to 100 characters of one line", "须为 1 到 100 个字符的单行文本"},
    {"repeated_choice", "has a repeated choice: {choice}", "选项重复：{choice}"},
    {"choices_required", "are required for a choice or multi_choice field",
     "单选和多选字段须有选项"},
    {"too_many_custom_fields", "has as many custom fields as it may ({max})",
     "自定义字段已达上限（{max} 个）"},
    {"two_columns", "has two {column} columns", "有两列都是 {column}"},
    {"not_an_id_list", "must be a list of positive ids", "必须是正整数编号的列表"},
    {"repeated_item", "has an item twice", "有重复的项"},
    {"not_a_visible_customer", "is not a customer you can see", "不是您可见的客户"},
    {"not_a_visible_record", "is not a record you can see", "不是您可见的记录"},
    {"not_of_customer", "belongs to another customer than customer_id", "不属于所选的客户"},
    {"before_start_at", "must not be before start_at", "不能早于开始时间"},
    {"bad_repeat",
     "must be a repeat rule: freq daily, weekly or monthly, interval 1 to 99, and until (a date) "
     "or count (1 to {max})",
     "须为重复规则：频率为每天、每周或每月，间隔 1 到 99，并给出截止日期或次数（1 到 {max}）"},
    {"too_many_occurrences", "would make more than {max} occurrences", "重复次数超过 {max} 次"},
    {"repeat_fixed", "cannot be changed once the series exists (delete it and create a new one)",
     "系列创建后不能修改重复规则（请删除后重新创建）"},
    {"minutes_range", "must be 0 to {max} minutes", "须为 0 到 {max} 分钟"},
    {"bad_apply_to", "must be this or following",
     "必须是 this（仅此一次）或 following（此次及以后）"},
    {"password_too_short", "must be at least {min} characters", "至少需要 {min} 个字符"},
    {"password_too_short_admin", "must be at least {min} characters for an administrator",
     "管理员的密码至少需要 {min} 个字符"},
    {"password_repeated", "must not be one character repeated", "不能是同一个字符的重复"},
    {"password_common",
     "is one of the most common passwords; choose another (a passphrase of a few words works "
     "well)",
     "是最常见的密码之一，请另选一个（由几个词组成的短句就很好）"},
    {"password_is_username", "must not be the user name or a variant of it",
     "不能是用户名或其变体"},
    {"more_than_prepayment", "is more than the customer's prepayment balance (short by {short_by})",
     "超过了客户的预付款余额（还差 {short_by}）"},
    {"not_in_range", "must be an integer from {min} to {max}", "必须是 {min} 到 {max} 之间的整数"},
    {"not_a_cursor", "is not a cursor this timeline gave", "不是此时间线给出的游标"},
    {"unknown_kind", "has an unknown kind '{kind}' (known: {known})",
     "含有未知的类型“{kind}”（可用：{known}）"},
    {"not_a_zip", "cannot be read as XLSX: it is not a zip archive",
     "无法作为 XLSX 读取：不是 zip 压缩文件"},
    {"not_utf8_or_gb18030", "is not UTF-8 or GB18030 text", "不是 UTF-8 或 GB18030 编码的文本"},
    {"ends_mid_character", "ends in the middle of a character", "在一个字符的中间结束"},
    {"snooze_minutes", "must be 1 to {max} minutes", "必须是 1 到 {max} 分钟"},
    {"snooze_until", "must be in the future, at most 30 days ahead",
     "必须是将来的时间，最多 30 天后"},
    {"not_a_uri", "must be an https:, http: or mailto: address without spaces",
     "必须是不含空格的 https:、http: 或 mailto: 地址"},
    {"not_a_host", "must be a host name or IPv4 address (letters, digits, dots and dashes)",
     "必须是主机名或 IPv4 地址（字母、数字、点和短横线）"},
    {"port_range", "must be a port from 1 to 65535", "必须是 1 到 65535 之间的端口"},
    {"unclosed_quote",
     "has a quoted cell that is never closed in row {row}, or a cell longer than 1 MiB",
     "第 {row} 行有未闭合的引号，或有超过 1 MiB 的单元格"},
    {"too_many_columns", "has more than {max} columns in row {row}", "第 {row} 行超过 {max} 列"},
    {"cell_too_long", "has a cell longer than {limit} in row {row}",
     "第 {row} 行有超过 {limit} 的单元格"},
    {"row_too_large", "holds more than {limit} of text in row {row} (the limit per row)",
     "第 {row} 行的文字超过 {limit}（每行的上限）"},
    {"xlsx_damaged", "cannot be read as XLSX: its part {part} is damaged or missing",
     "无法作为 XLSX 读取：其中的 {part} 已损坏或缺失"},
    {"xlsx_too_large", "expands to more than {limit} when uncompressed (the limit per workbook)",
     "解压后超过 {limit}（每个工作簿的上限）"},
    {"xlsx_ratio",
     "has a part ({part}) that expands to more than {ratio} times its compressed size (a guard "
     "against zip bombs)",
     "其中的 {part} 解压后超过压缩大小的 {ratio} 倍（防范压缩炸弹）"},
    {"xlsx_dtd", "cannot be read as XLSX: its XML declares a DTD, which a workbook never does",
     "无法作为 XLSX 读取：其 XML 声明了 DTD（正常的工作簿不会这样）"},
    {"xlsx_long_tag", "has an XML tag longer than {limit} in {part}",
     "{part} 中有超过 {limit} 的 XML 标签"},
    {"xlsx_too_many_entries", "holds more than {max} zip entries (the limit per workbook)",
     "压缩包内超过 {max} 个条目（每个工作簿的上限）"},
    {"xlsx_shared_strings", "has shared strings taking more than {limit} (the limit per workbook)",
     "共享字符串超过 {limit}（每个工作簿的上限）"},
    {"xlsx_long_text", "has a text longer than {limit}", "有超过 {limit} 的文字"},
    {"xlsx_too_much_text", "holds more than {limit} of text in its cells (the limit per workbook)",
     "单元格文字总量超过 {limit}（每个工作簿的上限）"},
    {"uploader_inactive", "cannot be imported any more: the user who uploaded it is deactivated",
     "无法继续导入：上传它的用户已停用"},
    {"not_a_clock_time", "must be a time of day as HH:MM (00:00 to 23:59)",
     "必须是 HH:MM 格式的时间（00:00 到 23:59）"},
    {"not_a_list", "must be a list", "必须是列表"},
    {"owned_limit_reached",
     "customers owned: {used} of the {max} your role allows: {left} more can be claimed",
     "您已拥有 {used} 个客户，您的角色最多可拥有 {max} 个：还可领取 {left} 个"},
    {"daily_claims_reached",
     "claims today: {used} of the {max} a day your role allows: {left} left today",
     "您今天已领取 {used} 个客户，您的角色每天最多领取 {max} 个：今天还可领取 {left} 个"},
    {"reclaim_too_soon",
     "went back to the pool from you lately: you may claim it again from {until}",
     "该客户刚从您名下退回公海，{until} 起才能再次领取"},
    {"money_too_large", "must be at most {max}", "不能超过 {max}"},
    {"number_taken", "is already the number of another contract", "已是另一份合同的编号"},
    {"plan_does_not_add_up",
     "add up to {total}, not the contract amount {amount} (a difference of {difference})",
     "合计 {total}，与合同金额 {amount} 不符（相差 {difference}）"},
    {"less_than_paid", "is less than what has been received ({paid})", "少于已收金额（{paid}）"},
    {"more_than_outstanding", "is more than what is outstanding ({outstanding})",
     "超过了未收金额（{outstanding}）"},
    {"more_than_paid", "is more than what has been received ({paid})", "超过了已收金额（{paid}）"},
    {"no_such_instalment", "is not an instalment of this contract's plan",
     "不是该合同收款计划中的一期"},
    {"not_an_entry_of_contract", "is not a payment or refund of this contract",
     "不是该合同的收款或退款记录"},
    {"end_before_start", "must not be before start_on", "不能早于开始日期"},
    {"not_a_plan_field", "is not a field of a plan", "不是收款计划的字段"},
    {"correction_needs_entry", "is required for a correction", "更正必须指明所更正的记录"},
    {"correction_needs_reason", "is required for a correction: say why", "更正必须说明原因"},
    {"taken_from_corrected_entry", "is taken from the entry a correction corrects",
     "由所更正的记录决定"},
    {"only_for_refund_or_correction", "is only for a refund or a correction", "仅用于退款或更正"},
    {"correction_changes_nothing", "is what the entry already has", "与该记录现有金额相同"},
    {"won_and_lost", "a stage cannot be both won and lost", "阶段不能同时是赢单和输单"},
    {"stage_in_use", "cannot change while opportunities in other pipelines are in this stage",
     "仍有其他流程的销售机会处于此阶段，不能更改"},
    {"quote_has_contract", "has a contract already", "该报价已生成合同"},
    {"not_a_stage_of_pipeline", "is not a stage of the opportunity's pipeline (pipeline_id)",
     "不是该销售机会所属流程的阶段"},
    {"not_a_need_of_opportunity", "names a need that is not one of this opportunity's",
     "包含不属于此销售机会的需求"},
    {"not_unique", "is already used by another record", "已被其他记录使用"},
    {"not_a_quantity", "must be a quantity more than 0 with at most 3 decimals, such as \"2.5\"",
     "必须是大于 0、最多三位小数的数量，例如 2.5"},
    {"not_a_percent",
     "must be a percentage from 0 to 100 with at most 2 decimals, such as \"12.5\"",
     "必须是 0 到 100 之间、最多两位小数的百分比，例如 12.5"},
    {"no_lines", "must have at least one line", "至少需要一行"},
    {"not_a_decimal", "must be a number such as \"2.5\"", "必须是数字，例如 2.5"},
    {"not_a_product", "is not a product", "不是产品"},
    {"before_valid_from", "must not be before valid_from", "不能早于生效日期"},
};

// The registered message whose English text is `text` and has no parameters, if any.
const FieldMessageInfo* FindFieldMessageByText(std::string_view text) {
    for (const FieldMessageInfo& m : kFieldMessages) {
        if (m.en == text && m.en.find('{') == std::string_view::npos) return &m;
    }
    return nullptr;
}

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

Error Error::ValidationCode(std::string_view field, std::string_view key, nlohmann::json params) {
    Error error{
        ErrorCode::kValidationFailed, "Some fields are invalid.", nlohmann::json::object(), {}};
    error.FieldCode(field, key, std::move(params));
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
    // A fixed message the registry knows is sent with its key, so that a service's plain
    // Validation("x", "does not exist") is translated like a keyed one.
    if (const FieldMessageInfo* known = FindFieldMessageByText(message)) {
        details["field_codes"][name] = {{"code", known->key}, {"params", nlohmann::json::object()}};
    } else if (details.contains("field_codes")) {
        details["field_codes"].erase(name);  // an earlier complaint's key would not match
    }
    fields[std::move(name)] = std::move(message);
    return *this;
}

Error& Error::FieldCode(std::string_view field, std::string_view key, nlohmann::json params) {
    const std::string name = CutUtf8(field, kMaxFieldNameBytes);
    const int before = details.value("more_fields", 0);
    Field(field, FieldMessageText(key, params));
    if (details.value("more_fields", 0) == before) {
        details["field_codes"][name] = {{"code", key}, {"params", std::move(params)}};
    }
    return *this;
}

Error& Error::FieldsOf(const Error& other) {
    const auto fields = other.details.find("fields");
    if (fields == other.details.end() || !fields->is_object()) return *this;
    const auto codes = other.details.find("field_codes");
    for (const auto& [field, message] : fields->items()) {
        const nlohmann::json* code = nullptr;
        if (codes != other.details.end() && codes->contains(field)) code = &(*codes)[field];
        if (code != nullptr && code->contains("code")) {
            FieldCode(field, (*code)["code"].get<std::string>(),
                      code->value("params", nlohmann::json::object()));
        } else {
            Field(field, message.is_string() ? message.get<std::string>() : message.dump());
        }
    }
    return *this;
}

const std::vector<FieldMessageInfo>& AllFieldMessages() {
    static const std::vector<FieldMessageInfo> kAll(std::begin(kFieldMessages),
                                                    std::end(kFieldMessages));
    return kAll;
}

std::string FieldMessageText(std::string_view key, const nlohmann::json& params,
                             std::string_view language) {
    const FieldMessageInfo* info = nullptr;
    for (const FieldMessageInfo& m : kFieldMessages) {
        if (m.key == key) info = &m;
    }
    if (info == nullptr) return std::string(key);
    return FillPlaceholders(language == "en" ? info->en : info->zh_cn, params);
}

std::string FillPlaceholders(std::string_view text, const nlohmann::json& params) {
    std::string out;
    size_t at = 0;
    while (at < text.size()) {
        const size_t open = text.find('{', at);
        const size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) {
            out += text.substr(at);
            break;
        }
        out += text.substr(at, open - at);
        const std::string name(text.substr(open + 1, close - open - 1));
        const auto value = params.is_object() ? params.find(name) : params.end();
        if (params.is_object() && value != params.end()) {
            out += value->is_string() ? value->get<std::string>() : value->dump();
        } else {
            out += text.substr(open, close - open + 1);
        }
        at = close + 1;
    }
    return out;
}

}  // namespace guanxi
