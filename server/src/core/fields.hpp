#pragma once
// Field metadata: what does not vary between entities (type, required, limits, options, label key)
// is data. The same definitions validate request bodies on the server and are served to the web UI
// (GET /api/v1/meta/<entity>), whose generic list, detail and form render from them.

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace guanxi {

enum class FieldType {
    kString,
    kText,
    kEnum,
    kPhone,
    kEmail,
    kUser,
    kDepartment,
    kRole,
    kTags,
    kStringList,
    kDatetime,
    kDate,
    kInteger,
    kBoolean,
    kObject,
    kPassword,
    kMoney,  // a decimal string with at most two places ("1234.50"); a JSON number is refused
    kUsers,  // a set of active users' ids (JSON array of integers, at most 50, no repeats)
    // A decimal number as a string ("2.5") or a JSON number; the route that takes it checks its
    // places and range (a quote line's quantity, a discount in percent).
    kDecimal,
    // A set of records of the kit field's `references` table (a solution's products): a JSON
    // array of their ids, at most 50, no repeats; stored in a side table as kUsers is.
    kRecords,
};

struct FieldDef {
    std::string name;
    FieldType type = FieldType::kString;
    bool required = false;             // must be present (and not null) on create
    std::size_t max_length = 200;      // code points, for text types
    std::vector<std::string> options;  // kEnum, kStringList: allowed values
    bool list = false;                 // a default column in lists
    bool filter = false;               // usable as ?name=value on lists
    bool sort = false;                 // usable in ?sort=
    bool readonly = false;             // returned but never written by clients
    // An optional field sent as null is cleared (text, ids, times, tags, objects). Booleans, enums
    // and passwords have no empty value and are never nullable; false here makes any other type
    // refuse null too (a column that is never empty, such as a follow-up's contacted_at).
    bool nullable = true;
};

struct EntityMeta {
    std::string entity;
    std::vector<FieldDef> fields;

    const FieldDef* Find(std::string_view name) const;
    nlohmann::json ToJson() const;
};

// Checks `body` against the writable fields of `meta`. Every problem is collected into one 422 that
// names each field. Keys in `extra` (e.g. "version", "allow_duplicate") are accepted too; any other
// key is an unknown field. On create, required fields must be present and non-null. A value of the
// wrong type, null where the field is not nullable (AcceptsNull), text with control characters
// (text::HasControlCharacters; kText alone may hold tabs and line breaks), a date or time that is
// not a real one (core/time.hpp) and a phone that does not look like one (text::IsPhoneNumber)
// are each a complaint naming the field, so a route that validates its body here never reads a
// value of a type it does not expect.
Status ValidateBody(const EntityMeta& meta, const nlohmann::json& body, bool creating,
                    const std::set<std::string, std::less<>>& extra = {});

// Whether null is a legal value of `field`, meaning "clear it".
bool AcceptsNull(const FieldDef& field);

// Typed reads of an already validated body.
std::optional<std::string> OptString(const nlohmann::json& body, std::string_view key);
std::optional<std::int64_t> OptInt(const nlohmann::json& body, std::string_view key);

}  // namespace guanxi
