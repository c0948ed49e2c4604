#pragma once
// Custom fields (issue 13): an administrator's own fields on customers and on any kit record type.
// A definition names its entity ("customers" or a kit type's name), a key (lower snake_case,
// unique per entity, never changed), a kit field type, labels in zh-CN and en, whether it is
// required, its choices and whether it is indexed. A record keeps the values under its `custom`
// object by key, so renaming a label changes nothing stored.
//
// The definitions are read from the database once and kept in memory (Catalog): a record's write
// path validates against the snapshot in memory, never a query per request.

#include "core/error.hpp"
#include "core/fields.hpp"
#include "db/database.hpp"
#include "db/sql_builder.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::custom_fields {

// The kit's field types a custom field may have, by their wire names.
inline constexpr std::string_view kTypes[] = {"text",         "long_text", "integer", "money",
                                              "date",         "datetime",  "boolean", "choice",
                                              "multi_choice", "tags"};

struct Definition {
    std::int64_t id = 0;
    std::string entity;
    std::string key;
    std::string type;  // one of kTypes
    std::string label_zh_cn;
    std::string label_en;
    bool required = false;
    std::vector<std::string> choices;  // choice, multi_choice
    bool indexed = false;              // has an expression index; sortable
    std::int64_t position = 0;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::int64_t version = 1;

    // The validation rule of a value (FieldDef named "custom.<key>").
    FieldDef Def() const;
    // "custom.<key>": how errors, filters and sorts name the field.
    std::string Path() const { return "custom." + key; }
    // The API's JSON object.
    nlohmann::json ToJson() const;
    // As a field of GET /api/v1/meta/<entity> (the web's generic forms and lists): the built-in
    // fields' shape, named "custom.<key>", with "custom": true, "key", "custom_type" and the
    // labels.
    nlohmann::json MetaJson() const;
};

// Whether `type` names a type a custom field may have.
bool IsType(std::string_view type);
// Whether `key` is a valid key: lower snake_case, a letter first, at most 40 characters.
bool IsKey(std::string_view key);

// The live definitions at one moment, by entity in their order (position, then id).
class Snapshot {
  public:
    explicit Snapshot(std::vector<Definition> all);
    const std::vector<Definition>& Of(std::string_view entity) const;
    const Definition* Find(std::string_view entity, std::string_view key) const;

  private:
    std::map<std::string, std::vector<Definition>, std::less<>> by_entity_;
};

// The definitions in memory. Thread-safe. A change made through this process's service is seen
// at once (Reload); one made by another server process within kMaxAge, when the next caller
// finds the snapshot older and reloads it (one caller at a time; the others go on with the
// snapshot they have).
class Catalog {
  public:
    static constexpr std::chrono::seconds kMaxAge{2};

    explicit Catalog(db::Database& db) : db_(db) {}
    // Reads every live definition; until the first success the snapshot is empty.
    Status Reload() const;
    // The current snapshot (never null).
    std::shared_ptr<const Snapshot> Current() const;

  private:
    db::Database& db_;
    mutable std::mutex mutex_;  // guards snapshot_ and loaded_at_
    mutable std::mutex reloading_;
    mutable std::shared_ptr<const Snapshot> snapshot_ =
        std::make_shared<Snapshot>(std::vector<Definition>{});
    mutable std::chrono::steady_clock::time_point loaded_at_{};
};

// Validates a create (`creating`) or patch body of an entity with built-in fields `meta`: the
// built-in fields as guanxi::ValidateBody does, and body["custom"] against the entity's custom
// fields — an object; each key a defined field ("custom.<key> is not a known field" otherwise);
// each value of the field's type ("custom.<key>" named in the 422); null clears an optional field;
// on create every required field present. One 422 names every bad field, built-in or custom.
// `catalog` null: `custom` is not checked beyond meta (no custom fields).
Status ValidateBody(const EntityMeta& meta, const Catalog* catalog, std::string_view entity,
                    const nlohmann::json& body, bool creating,
                    const std::set<std::string, std::less<>>& extra = {});

// `stored` (a record's custom object) with a validated patch's `custom` applied: keys set, null
// clears. Values are stored in one form (text trimmed, money with two decimals, times in UTC, tags
// without repeats), so filters and sorts compare like with like.
nlohmann::json Merge(const Catalog* catalog, std::string_view entity, nlohmann::json stored,
                     const nlohmann::json& patch);

// Filters ?custom.<key>=value and sorts by custom.<key> of a list, as SQL over `alias`.custom for
// the backend. Values bind as parameters; the key, checked against the definitions (lower
// snake_case), is written into the JSON path so that an indexed field's filter and sort match its
// index's expression. 400 unknown_filter / unknown_sort for a key that is not defined, 400 for a
// value the field cannot hold, and unknown_sort for a field that is not indexed.
struct ListSql {
    // Adds the query's custom filters to `where`.
    Status AddFilters(const http::ListQuery& query, db::Where& where) const;
    // The ORDER BY term of a custom sort key ("custom.budget"): blanks last either way.
    Result<std::string> OrderTerm(const http::SortKey& key) const;
    // Whether the query filters or sorts by a custom field.
    static bool Uses(const http::ListQuery& query);

    std::shared_ptr<const Snapshot> snapshot;
    std::string entity;
    std::string alias;
    db::Backend backend = db::Backend::kSqlite;
};

// The SQL expression of a field's value in `column` (e.g. "c.custom" or "custom") — the one its
// index is built on and sorts and filters use.
std::string ValueSql(db::Backend backend, const Definition& def, std::string_view column);

// A value as a spreadsheet cell (export), and a cell as the value the API would take (import):
// numbers and true/false as JSON, lists split at ; , | and their Chinese forms; anything else is
// left as text for validation to judge.
std::string CellText(const nlohmann::json& value);
nlohmann::json CellValue(const Definition& def, const std::string& cell);

}  // namespace guanxi::custom_fields
