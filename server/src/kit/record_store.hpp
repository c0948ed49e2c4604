#pragma once
// All SQL of kit record types, built from their definitions: every statement names its columns,
// values bind by the field's type, and rows are read back by field name (no column positions
// outside this file).

#include "db/database.hpp"
#include "db/sql_builder.hpp"
#include "domains/custom_fields/custom_field.hpp"
#include "http/list_query.hpp"
#include "kit/record_type.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace guanxi::kit::store {

// The customer a statement is confined to: a type under a customer always names one; for the
// others it is nullopt (their records are judged by the service, row by row or by a scope).
using Parent = std::optional<std::int64_t>;

// A validated JSON value of `field` as its column's value (money as cents, a date as its text).
db::Value Bind(const FieldDef& field, const nlohmann::json& value);

// Inserts a record (of `customer_id`, when under a customer) from a validated create body;
// returns its id. Derived fields are not written.
Result<std::int64_t> Insert(db::Connection& conn, const CompiledType& type, Parent customer_id,
                            const nlohmann::json& body, std::int64_t created_by, std::int64_t now);

// The record `id` (of `customer_id`, when given), live or deleted; nullopt when there is none.
Result<std::optional<db::Row>> Get(db::Connection& conn, const CompiledType& type,
                                   Parent customer_id, std::int64_t id);

// Writes the fields present in a validated patch body to a live record at `version`, and the
// type's stored columns from `record` (the whole record with the patch applied); false when the
// record changed meanwhile (or is deleted).
Result<bool> Update(db::Connection& conn, const CompiledType& type, std::int64_t id,
                    const nlohmann::json& body, const nlohmann::json& record, std::int64_t version,
                    std::int64_t now);

// Moves a record to the recycle bin (`deleted` true) or back; false when it was not there.
Result<bool> SetDeleted(db::Connection& conn, const CompiledType& type, std::int64_t id,
                        bool deleted, std::int64_t now);

struct Page {
    db::Rows rows;
    std::int64_t total = 0;
};

// The records `ids` of `customer_id` (live or deleted; absent ids are left out), in no order.
Result<db::Rows> GetMany(db::Connection& conn, const CompiledType& type, std::int64_t customer_id,
                         const std::vector<std::int64_t>& ids);

// A page of the records `scope` covers (a WHERE over the row aliased `t`: one customer's, the
// caller's owner set's, or every record; the recycle bin's when `deleted`), filtered, searched and
// sorted as the query says (already checked against the type's list spec). 400 for a filter value
// its field can't hold. `custom`: the type's custom fields, for ?custom.<key>= and
// sort=custom.<key> (400 for one that is not defined; none are taken without it).
Result<Page> List(db::Connection& conn, const CompiledType& type, const db::Where& scope,
                  const http::ListQuery& query, bool deleted,
                  const custom_fields::ListSql* custom = nullptr);

// Every record the same query would list, on all its pages, streamed to `callback` in the list's
// order (exports), custom filters and sorts as List takes them.
Status ForEach(db::Connection& conn, const CompiledType& type, const db::Where& scope,
               const http::ListQuery& query, bool deleted, const db::RowCallback& callback,
               const custom_fields::ListSql* custom = nullptr);

// The fields of a stored row that are keys of `only` (and their users' names), as ToJson writes
// them: what a write changed, for its audit row.
nlohmann::json FieldsJson(const CompiledType& type, const db::Row& row, const nlohmann::json& only);

// A set of records' names (a NameOf with set_side_table: "product_names"), as SQL over the row
// `t` reading them as one text in id order, and that text (column `i` of a row) as a JSON list.
std::string SetNamesSql(const CompiledType::NameOf& name, db::Backend backend);
nlohmann::json SetNames(const db::Row& row, std::size_t i);

// A stored row as the API's JSON object.
nlohmann::json ToJson(const CompiledType& type, const db::Row& row);

// The side table of a set field: <table>_<column>(record_id, user_id) for kUsers,
// (record_id, ref_id) for kRecords.
std::string SideTable(const CompiledType& type, const Field& field);

// Positions in a row of Get/List (by column name; the row's layout is this file's business).
std::size_t Column(const CompiledType& type, std::string_view name);

}  // namespace guanxi::kit::store
