#include "mail/smtp_settings_store.hpp"

#include "core/fields.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/row_json.hpp"

namespace guanxi::mail {

namespace {

constexpr std::string_view kSelect =
    "SELECT host, port, security, username, password, from_address, from_name, "
    "verify_certificate, updated_at FROM smtp_settings WHERE id = 1";
constexpr std::string_view kUpsert =
    "INSERT INTO smtp_settings (id, host, port, security, username, password, from_address, "
    "from_name, verify_certificate, updated_at, updated_by) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?) ON CONFLICT (id) DO UPDATE SET host = excluded.host, port = excluded.port, security = "
    "excluded.security, username = excluded.username, password = excluded.password, from_address "
    "= excluded.from_address, from_name = excluded.from_name, verify_certificate = "
    "excluded.verify_certificate, updated_at = excluded.updated_at, updated_by = "
    "excluded.updated_by";
constexpr std::string_view kPassword = "SELECT password FROM smtp_settings WHERE id = 1";

const EntityMeta& Meta() {
    static const EntityMeta kMeta{
        "smtp_settings",
        {{.name = "host", .required = true, .max_length = 253, .nullable = false},
         {.name = "port", .type = FieldType::kInteger, .required = true, .nullable = false},
         {.name = "security",
          .type = FieldType::kEnum,
          .required = true,
          .options = {"none", "starttls", "tls"}},
         {.name = "username", .max_length = 200, .nullable = false},
         {.name = "password", .type = FieldType::kPassword, .max_length = 200},
         {.name = "from_address", .type = FieldType::kEmail, .required = true, .nullable = false},
         {.name = "from_name", .max_length = 100, .nullable = false},
         {.name = "verify_certificate", .type = FieldType::kBoolean}}};
    return kMeta;
}

Security SecurityOf(std::string_view name) {
    if (name == "none") return Security::kNone;
    if (name == "tls") return Security::kTls;
    return Security::kStartTls;
}

// A DNS name or an IPv4 address: letters, digits, dots and dashes. Anything else (a scheme, a path,
// a user, a space) would change the URL curl connects to.
bool IsHost(std::string_view host) {
    if (host.empty() || host.front() == '.' || host.front() == '-') return false;
    for (char c : host) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
    }
    return true;
}

SmtpSettings FromRow(const db::Row& r) {
    SmtpSettings s;
    s.host = r.Text(0);
    s.port = static_cast<int>(r.Int(1));
    s.security = SecurityOf(r.Text(2));
    s.username = r.Text(3);
    s.password = r.Text(4);
    s.from_address = r.Text(5);
    s.from_name = r.Text(6);
    s.verify_certificate = r.Int(7) != 0;
    return s;
}

}  // namespace

Result<std::optional<SmtpSettings>> LoadSmtpSettings(db::Connection& conn) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kSelect));
    if (!row) return std::optional<SmtpSettings>();
    return std::optional(FromRow(*row));
}

Result<std::optional<SmtpSettings>> LoadSmtpSettings(db::Database& db) {
    GX_TRY_ASSIGN(db::Lease conn, db.Acquire());
    return LoadSmtpSettings(*conn);
}

Result<nlohmann::json> SmtpSettingsJson(db::Database& db) {
    GX_TRY_ASSIGN(db::Lease conn, db.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne(kSelect));
    if (!row) {
        // Nothing saved yet: the usual submission port with STARTTLS, as the form's starting point.
        return nlohmann::json{
            {"configured", false},    {"host", ""},      {"port", 587},
            {"security", "starttls"}, {"username", ""},  {"password_set", false},
            {"from_address", ""},     {"from_name", ""}, {"verify_certificate", true},
            {"updated_at", nullptr}};
    }
    const SmtpSettings s = FromRow(*row);
    return nlohmann::json{{"configured", true},
                          {"host", s.host},
                          {"port", s.port},
                          {"security", SecurityName(s.security)},
                          {"username", s.username},
                          {"password_set", !s.password.empty()},
                          {"from_address", s.from_address},
                          {"from_name", s.from_name},
                          {"verify_certificate", s.verify_certificate},
                          {"updated_at", FormatRfc3339(row->Int(8))}};
}

Result<nlohmann::json> PutSmtpSettings(db::Database& db, const nlohmann::json& body,
                                       std::int64_t user_id) {
    if (!body.is_object()) return Error{ErrorCode::kBadRequest, "Expected a JSON object.", {}, {}};
    Status valid = ValidateBody(Meta(), body, /*creating=*/true);
    Error error = valid ? Error{ErrorCode::kValidationFailed,
                                "Some fields are invalid.",
                                nlohmann::json::object(),
                                {}}
                        : valid.error();
    if (!valid && error.code != ErrorCode::kValidationFailed) return error;
    auto fields = error.details.value("fields", nlohmann::json::object());
    if (!fields.contains("host") && !IsHost(text::Trim(body["host"].get<std::string>()))) {
        error.FieldCode("host", "not_a_host");
    }
    if (!fields.contains("port")) {
        const std::int64_t port = body["port"].get<std::int64_t>();
        if (port < 1 || port > 65535) error.FieldCode("port", "port_range");
    }
    if (error.details.contains("fields")) return error;

    GX_TRY(db::InTransaction(db, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        std::string password;
        if (body.contains("password")) {
            password = body["password"].get<std::string>();
        } else {
            GX_TRY_ASSIGN(auto row, conn.QueryOne(kPassword));
            if (row) password = row->Text(0);
        }
        GX_TRY(conn.Execute(
            kUpsert,
            {text::Trim(body["host"].get<std::string>()), body["port"].get<std::int64_t>(),
             body["security"].get<std::string>(),
             text::Trim(OptString(body, "username").value_or("")), password,
             text::Trim(body["from_address"].get<std::string>()),
             text::Trim(OptString(body, "from_name").value_or("")),
             std::int64_t{body.value("verify_certificate", true) ? 1 : 0}, NowSeconds(), user_id}));
        return {};
    }));
    return SmtpSettingsJson(db);
}

}  // namespace guanxi::mail
