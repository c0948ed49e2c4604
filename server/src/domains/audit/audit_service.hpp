#pragma once
// The audit log: every write, login and export, with who, what, when and from where. Entries are
// written in the same transaction as the change they describe, so one never exists without the
// other.

#include "core/principal.hpp"
#include "db/database.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::audit {

struct Entry {
    std::string action;  // "customer.create", "auth.login", "customer.export", ...
    std::string entity;  // "customer", "user", ...; empty when none
    std::optional<std::int64_t> entity_id;
    nlohmann::json details = nlohmann::json::object();
};

// The actions the services write themselves (a record type's come from AllActions).
const std::vector<std::string_view>& FixedActions();
// Every action the log can hold: the fixed ones, and <singular>.create|update|delete|restore|export
// of each record type named in `record_types` (`guanxi codes` prints them; the web has a sentence
// for each).
std::vector<std::string> AllActions(const std::vector<std::string>& record_types);

// What an edit changed, as an audit row's "changes": {"<field>": {"before", "after"}} for each
// field of `body` (but "version") whose value differs between the record's answers `before` and
// `after` — so a value sent unchanged, or a time sent in another offset, is left out; custom fields
// as "custom.<key>"; a "<x>_id" also with "before_name"/"after_name" from the answers' "<x>_name".
nlohmann::json Changes(const nlohmann::json& body, const nlohmann::json& before,
                       const nlohmann::json& after);

// Records an action by `actor` (its ip and request id included).
Status Record(db::Connection& conn, const Principal& actor, const Entry& entry);
// Records an action with no authenticated actor (failed logins), or one by `user_id`.
Status RecordAnonymous(db::Connection& conn, std::optional<std::int64_t> user_id,
                       std::string_view ip, std::string_view request_id, const Entry& entry);

// One page ({"items","total","page","page_size"}) of the entries filed under `entity` and
// `entity_id` whose action is one of `actions` and whose details name `id` under `key`, newest
// first: the history of one record filed under its customer (a kit record's rows are entity
// "customer", details {"<singular>_id": id, ...}). Items as the audit log's list answers them. The
// caller has checked who may read them.
Result<nlohmann::json> EntriesAbout(db::Connection& conn, std::string_view entity,
                                    std::int64_t entity_id, const std::vector<std::string>& actions,
                                    std::string_view key, std::int64_t id,
                                    const http::ListQuery& page);

class AuditService {
  public:
    explicit AuditService(db::Database& db) : db_(db) {}

    static const http::ListSpec& ListSpecification();
    // Needs audit.view. Filters: user_id, action, entity, entity_id, from, to (RFC 3339).
    Result<nlohmann::json> List(const Principal& caller, const http::ListQuery& query);

  private:
    db::Database& db_;
};

}  // namespace guanxi::audit
