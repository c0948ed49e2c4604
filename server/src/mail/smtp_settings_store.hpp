#pragma once
// The server's SMTP settings: one row (smtp_settings). The password is kept to log in to the
// server and is never answered (docs/OPERATIONS.md "E-mail").

#include "db/database.hpp"
#include "mail/smtp.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace guanxi::mail {

// The stored settings, or nullopt before an administrator saved any.
Result<std::optional<SmtpSettings>> LoadSmtpSettings(db::Connection& conn);
Result<std::optional<SmtpSettings>> LoadSmtpSettings(db::Database& db);

// GET /api/v1/settings/smtp's answer: the settings without the password, "password_set" and
// "configured" instead.
Result<nlohmann::json> SmtpSettingsJson(db::Database& db);

// PUT /api/v1/settings/smtp: validates `body` (422 naming each bad field) and replaces the
// settings; a body without "password" keeps the stored one, "" clears it. Answers as
// SmtpSettingsJson.
Result<nlohmann::json> PutSmtpSettings(db::Database& db, const nlohmann::json& body,
                                       std::int64_t user_id);

}  // namespace guanxi::mail
