#include "core/log.hpp"

#include "core/time.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace guanxi::log {

namespace {

std::atomic<Level> g_level{Level::kInfo};

spdlog::logger& Logger() {
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto l = spdlog::stderr_logger_mt("guanxi");
        l->set_pattern("%v");
        l->flush_on(spdlog::level::warn);
        return l;
    }();
    return *logger;
}

constexpr std::string_view kNames[] = {"debug", "info", "warn", "error", "off"};

}  // namespace

void SetLevel(Level level) { g_level = level; }

bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

bool SetLevel(std::string_view name) {
    for (int i = 0; i < 5; ++i) {
        if (kNames[i] == name) {
            g_level = static_cast<Level>(i);
            return true;
        }
    }
    return false;
}

void Write(Level level, std::string_view msg, const nlohmann::json& fields) {
    if (level < g_level.load(std::memory_order_relaxed)) return;
    nlohmann::json line = {{"ts", FormatRfc3339(NowSeconds())},
                           {"level", kNames[static_cast<int>(level)]},
                           {"msg", msg}};
    if (fields.is_object()) line.update(fields);
    Logger().info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace guanxi::log
