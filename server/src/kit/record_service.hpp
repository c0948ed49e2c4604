#pragma once
// The rules every kit record type shares: permissions (<name>.view|create|edit|delete|export), the
// access gate (a record of a customer the caller can't see is 404, as if absent), validation
// against the definition, optimistic versions, the recycle bin and an audit row for every write
// (with the fields it changed) — each write a piece of the group commit (one transaction,
// committed with other callers' writes) —, the record's history and the export. A type's own rule
// joins through its definition's hooks.

#include "core/principal.hpp"
#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "domains/custom_fields/custom_field.hpp"
#include "http/list_query.hpp"
#include "io/table_writer.hpp"
#include "kit/record_store.hpp"
#include "kit/record_type.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::kit {

// `parent` in every call: the customer (its routes' {id}) of a type under a customer; nullopt for
// the types with their own routes (own scope, admin only).
class RecordService {
  public:
    // Writes go through `writes` (the group commit): acknowledged once their batch is committed.
    // `custom`: the custom fields records are checked against (their `custom` object); null
    // takes no custom values.
    RecordService(db::Database& db, db::GroupCommit& writes,
                  const custom_fields::Catalog* custom = nullptr)
        : db_(db), writes_(writes), custom_(custom) {}

    const custom_fields::Catalog* custom_fields() const { return custom_; }

    // A page of the records (the customer's, or as the type's visibility shows them)
    // ({"items","total","page","page_size"}); the recycle bin's with ?deleted=true (needs
    // <name>.delete).
    Result<nlohmann::json> List(const Principal& caller, const CompiledType& type,
                                store::Parent parent, const http::ListQuery& query);
    // A type listed across customers (RecordType::listed_across): the page of the records of every
    // customer whose records the caller may read (what List shows customer by customer), each with
    // "customer_name".
    Result<nlohmann::json> ListAcross(const Principal& caller, const CompiledType& type,
                                      const http::ListQuery& query);
    // Every record the caller may read that `query` selects (all its pages), as the list answers
    // them, in the list's order, to `callback` until it returns false: for a reader that is not a
    // page (the calendar feed). Needs <name>.view.
    Status Each(const Principal& caller, const CompiledType& type, store::Parent parent,
                const http::ListQuery& query,
                const std::function<bool(const nlohmann::json& record)>& callback);
    Result<nlohmann::json> Get(const Principal& caller, const CompiledType& type,
                               store::Parent parent, std::int64_t id);
    // A record by its id alone (the routes at /api/v1/<segment>/{id} of a type under a customer
    // that is listed across customers): Get with the record's customer; 404 when there is none.
    Result<nlohmann::json> GetById(const Principal& caller, const CompiledType& type,
                                   std::int64_t id);
    // The customer of a live record of a type under a customer, when the caller may read the
    // record (<name>.view; 404 as if absent otherwise) — what a create filed under that record's
    // customer needs (RecordType::customer_from), without reading the record's derived fields.
    Result<std::int64_t> ReadableCustomerOf(const Principal& caller, const CompiledType& type,
                                            std::int64_t id);
    // 201's object. 404 when the customer is not visible, 403 claim_first for a public-pool
    // customer (without pool.manage), 422 for the body, or the type's own error.
    // `computed`: fields the server set (an object of readonly fields, e.g. a document's sha256),
    // written as they are beside the validated body; only the type's own create route sends it.
    Result<nlohmann::json> Create(const Principal& caller, const CompiledType& type,
                                  store::Parent parent, const nlohmann::json& body,
                                  const nlohmann::json& computed = nullptr);
    // Create inside the caller's write transaction, all its rules and audit row included: for a
    // domain's write that makes a record in the same step (an accepted quote's contract). An
    // error is for the caller to undo with its transaction.
    Result<nlohmann::json> CreateIn(db::Connection& conn, const Principal& caller,
                                    const CompiledType& type, store::Parent parent,
                                    const nlohmann::json& body);
    // Whether Create would get past the permission and the gate for this customer now (Ok, or
    // its 403 / 404): for a route with work to do before it creates, e.g. storing a file.
    Status CheckCreate(const Principal& caller, const CompiledType& type, store::Parent parent);
    // The same for a change by a route of the type's domain (a contract's payment plan): the
    // permission <name>.<action> and the gate's write rule for this customer (Ok, 403 or 404).
    Status CheckWrite(const Principal& caller, const CompiledType& type, store::Parent parent,
                      std::string_view action);
    // A partial update; `version`, when sent, must be the current one (409 stale_version).
    Result<nlohmann::json> Update(const Principal& caller, const CompiledType& type,
                                  store::Parent parent, std::int64_t id,
                                  const nlohmann::json& body);
    // To the recycle bin, and back.
    Status Delete(const Principal& caller, const CompiledType& type, store::Parent parent,
                  std::int64_t id);
    Result<nlohmann::json> Restore(const Principal& caller, const CompiledType& type,
                                   store::Parent parent, std::int64_t id);

    // Every record the same query would list (all pages), as a CSV or XLSX file (`format`): the
    // header is the fields' labels in `language`, money a decimal string, a user field its user's
    // name; no cell runs as a formula (io::TableWriter). Needs <name>.view and <name>.export (and
    // <name>.delete for ?deleted=true); 400 for another format; an audit row <singular>.export
    // names the format, the rows and the filters.
    Result<io::ExportFile> Export(const Principal& caller, const CompiledType& type,
                                  store::Parent parent, const http::ListQuery& query,
                                  std::string_view format, Language language);
    // One page of a record's audit rows, newest first: {"items": [{"id","at","user_id",
    // "user_name","action" (create|update|delete|restore),"changes": {field: {"before","after"}}}],
    // "total","page","page_size"}. Read as the record itself is (404 when it is not visible).
    Result<nlohmann::json> History(const Principal& caller, const CompiledType& type,
                                   store::Parent parent, std::int64_t id,
                                   const http::ListQuery& page);

  private:
    // Create's two halves: the body checked and completed into the record to store (permission,
    // fields, custom fields, defaults), then written in a transaction.
    Result<nlohmann::json> NewRecord(const Principal& caller, const CompiledType& type,
                                     const nlohmann::json& body, const nlohmann::json& computed);
    Result<db::Row> InsertRecord(db::Connection& conn, const Principal& caller,
                                 const CompiledType& type, store::Parent parent,
                                 const nlohmann::json& record, const nlohmann::json& body);

    db::Database& db_;
    db::GroupCommit& writes_;
    const custom_fields::Catalog* custom_ = nullptr;
};

}  // namespace guanxi::kit
