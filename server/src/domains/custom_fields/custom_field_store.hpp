#pragma once
// All SQL of custom-field definitions, and the expression indexes of indexed fields.

#include "db/database.hpp"
#include "domains/custom_fields/custom_field.hpp"

#include <optional>
#include <vector>

namespace guanxi::custom_fields::store {

// Every live definition.
Result<std::vector<Definition>> All(db::Connection& conn);
// One definition, live or deleted; nullopt when there is none.
Result<std::optional<Definition>> Get(db::Connection& conn, std::int64_t id);
// Whether a live definition of `entity` has `key`.
Result<bool> KeyTaken(db::Connection& conn, std::string_view entity, std::string_view key);
// Inserts a definition; returns its id.
Result<std::int64_t> Insert(db::Connection& conn, const Definition& def, std::int64_t now);
// Writes labels, required, choices and position of `def` (its key, type and entity never
// change); false when `version` is not current.
Result<bool> Update(db::Connection& conn, const Definition& def, std::int64_t version,
                    std::int64_t now);
Result<bool> SetDeleted(db::Connection& conn, std::int64_t id, std::int64_t now);

// The expression index of an indexed field on `table`, and its removal.
Status CreateIndex(db::Connection& conn, const Definition& def, std::string_view table);
Status DropIndex(db::Connection& conn, const Definition& def, std::string_view table);

}  // namespace guanxi::custom_fields::store
