#pragma once
// Structured logs: one JSON object per line on stderr, {"ts","level","msg",...fields}. The message
// for the log is kept apart from the message for the client (Error::log_detail vs Error::message).

#include <nlohmann/json.hpp>

#include <string_view>

namespace guanxi::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void SetLevel(Level level);
// "debug", "info", "warn", "error", "off"; false when unknown.
bool SetLevel(std::string_view name);

void Write(Level level, std::string_view msg, const nlohmann::json& fields);
// Whether a line at `level` would be written (to skip building its fields when not).
bool Enabled(Level level);
inline void Debug(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
    Write(Level::kDebug, msg, f);
}
inline void Info(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
    Write(Level::kInfo, msg, f);
}
inline void Warn(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
    Write(Level::kWarn, msg, f);
}
inline void Error(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
    Write(Level::kError, msg, f);
}

}  // namespace guanxi::log
