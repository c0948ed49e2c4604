#pragma once
// Custom-field definitions: any logged-in user reads them (forms render from them), an
// administrator (users.manage) adds, changes and removes them. Each write is one transaction with
// its audit row and reloads the catalog, so the next record written is checked against it.

#include "core/principal.hpp"
#include "db/database.hpp"
#include "domains/custom_fields/custom_field.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace guanxi::custom_fields {

class CustomFieldService {
  public:
    // `tables`: the entities that take custom fields ("customers" and every kit type's name), each
    // with its table (where an indexed field's index is built).
    CustomFieldService(db::Database& db, Catalog& catalog,
                       std::map<std::string, std::string, std::less<>> tables)
        : db_(db), catalog_(catalog), tables_(std::move(tables)) {}

    // {"items": [...]}: the live definitions, of one entity when `entity` is given (400 for an
    // entity that takes no custom fields).
    Result<nlohmann::json> List(const Principal& caller, const std::optional<std::string>& entity);
    // 201's object. 422 naming each bad member (entity, key, type, label.zh-CN, label.en, choices,
    // ...), 409 when the entity has the key already or a field with the same label.
    Result<nlohmann::json> Create(const Principal& caller, const nlohmann::json& body);
    // Labels, required, choices and position change; entity, key, type and indexed never do (422
    // naming the member). 409 stale_version when body.version is not current.
    Result<nlohmann::json> Update(const Principal& caller, std::int64_t id,
                                  const nlohmann::json& body);
    // The definition goes (and its index); the values stay in the records, unread, and come back
    // if a field with the same key is defined again.
    Status Delete(const Principal& caller, std::int64_t id);

    const Catalog& catalog() const { return catalog_; }

  private:
    db::Database& db_;
    Catalog& catalog_;
    std::map<std::string, std::string, std::less<>> tables_;
};

}  // namespace guanxi::custom_fields
