#include "domains/settings/company_settings.hpp"

#include "core/fields.hpp"
#include "core/time_zone.hpp"
#include "db/row_json.hpp"
#include "domains/audit/audit_service.hpp"

namespace guanxi::settings {

namespace {

constexpr std::string_view kSelect =
    "SELECT time_zone, updated_at, updated_by FROM company_settings WHERE id = 1";
constexpr std::string_view kUpdate =
    "UPDATE company_settings SET time_zone = ?, updated_at = ?, updated_by = ? WHERE id = 1";

const EntityMeta& Meta() {
    static const EntityMeta kMeta{"company_settings",
                                  {{"time_zone", FieldType::kString, true, 64}}};
    return kMeta;
}

Result<nlohmann::json> Read(db::Connection& conn) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kSelect));
    if (!row) return Error::Internal("company_settings has no row");
    return nlohmann::json{
        {"time_zone", row->Text(0)},
        {"updated_at",
         row->Int(1) == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatRfc3339(row->Int(1)))},
        {"updated_by", db::JsonInt(*row, 2)}};
}

}  // namespace

Result<std::string> CompanyTimeZone(db::Connection& conn) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kSelect));
    if (!row) return std::string(tz::kDefaultTimeZone);
    return row->Text(0);
}

Result<nlohmann::json> CompanySettingsService::Get() {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return Read(*conn);
}

Result<std::string> CompanySettingsService::TimeZone() {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return CompanyTimeZone(*conn);
}

Result<nlohmann::json> CompanySettingsService::Update(const Principal& caller,
                                                      const nlohmann::json& body) {
    if (!caller.Can("users.manage")) return Error::Forbidden();
    GX_TRY(ValidateBody(Meta(), body, false));
    if (auto zone = OptString(body, "time_zone"); zone && !tz::IsTimeZoneName(*zone)) {
        return Error::Validation("time_zone", "is not an IANA time zone such as Asia/Shanghai");
    }
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            GX_TRY_ASSIGN(nlohmann::json before, Read(conn));
            if (!body.contains("time_zone")) return before;
            GX_TRY(conn.Execute(
                kUpdate, {body["time_zone"].get<std::string>(), NowSeconds(), caller.user_id}));
            GX_TRY_ASSIGN(nlohmann::json after, Read(conn));
            GX_TRY(audit::Record(conn, caller,
                                 {"settings.update",
                                  "settings",
                                  std::nullopt,
                                  {{"changes", audit::Changes(body, before, after)}}}));
            return after;
        });
}

}  // namespace guanxi::settings
