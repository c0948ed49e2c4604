#pragma once
// Row values as JSON: NULL becomes null; times become RFC 3339 strings.

#include "core/time.hpp"
#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::db {

inline nlohmann::json JsonInt(const Row& r, size_t i) {
    return r.IsNull(i) ? nlohmann::json() : nlohmann::json(r.Int(i));
}
inline nlohmann::json JsonText(const Row& r, size_t i) {
    return r.IsNull(i) ? nlohmann::json() : nlohmann::json(r.Text(i));
}
inline nlohmann::json JsonTime(const Row& r, size_t i) {
    return r.IsNull(i) ? nlohmann::json() : nlohmann::json(FormatRfc3339(r.Int(i)));
}
// Stored JSON text parsed back; `fallback` when NULL or unparsable.
inline nlohmann::json JsonDoc(const Row& r, size_t i, nlohmann::json fallback) {
    if (r.IsNull(i)) return fallback;
    nlohmann::json v = nlohmann::json::parse(r.Text(i), nullptr, false);
    return v.is_discarded() ? fallback : v;
}

}  // namespace guanxi::db
