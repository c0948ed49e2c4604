#pragma once
// Customers, contacts, follow-ups, duplicates, ownership (transfer, handover, public pool), export.
// Every read goes through access::Gate; what the caller can't see answers 404. Every write is one
// piece of the group commit (db::GroupCommit::Transact) with its audit entry, answered once its
// batch is committed; callers block meanwhile (the router runs write routes on its write workers).

#include "core/principal.hpp"
#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "domains/custom_fields/custom_field.hpp"
#include "domains/customers/customer_store.hpp"
#include "domains/customers/page_cache.hpp"
#include "http/list_query.hpp"
#include "io/table_writer.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace guanxi::customers {

using ExportFile = io::ExportFile;

// Validates `body` as POST /customers (`creating`) or PATCH /customers/{id} does — the same 422
// naming each bad field; keys in `extra` are allowed besides the fields — and applies its writable
// fields to `record`. Owner and department are left to the caller. The import validates its rows
// with it, so a row is accepted exactly when the same values would be by the API — but for a next
// contact before today, which the API refuses from a person (CheckNextContact) and an import keeps
// (a spreadsheet moved in carries its history). `custom`: the
// custom fields `custom` is checked against and merged by (custom_fields::ValidateBody).
Status ApplyCustomerBody(store::CustomerRecord& record, const nlohmann::json& body, bool creating,
                         const std::set<std::string, std::less<>>& extra = {},
                         const custom_fields::Catalog* custom = nullptr);

class CustomerService {
  public:
    // `page_cache_bytes` bounds the page cache; 0 turns it off. PostgreSQL never caches.
    CustomerService(db::Database& db, db::GroupCommit& writes,
                    size_t page_cache_bytes = size_t{16} << 20)
        : db_(db),
          writes_(writes),
          pages_(db.backend() == db::Backend::kSqlite && page_cache_bytes > 0, page_cache_bytes) {}

    // `pool_only` lists the public pool (GET /pool). The page comes as JSON text (JsonWriter),
    // from the page cache while nothing in the database has changed since it was read.
    Result<std::string> List(const Principal& caller, const http::ListQuery& query, bool pool_only);
    PageCache::Stats PageCacheStats() const { return pages_.stats(); }
    // The custom fields customers' `custom` is checked against, filtered and exported by; without
    // them `custom` is a free object.
    void UseCustomFields(const custom_fields::Catalog* catalog) { custom_ = catalog; }
    const custom_fields::Catalog* custom_fields() const { return custom_; }
    // Counts by category under the same filters as List.
    Result<nlohmann::json> Counts(const Principal& caller, const http::ListQuery& query);
    // The customer with its contacts, as JSON text.
    Result<std::string> Get(const Principal& caller, std::int64_t id);
    // 409 duplicate (details.matches) when the phone or e-mail is taken, unless allow_duplicate.
    Result<nlohmann::json> Create(const Principal& caller, const nlohmann::json& body);
    // 409 stale_version when body.version is not current.
    Result<nlohmann::json> Update(const Principal& caller, std::int64_t id,
                                  const nlohmann::json& body);
    Status Delete(const Principal& caller, std::int64_t id);
    Result<nlohmann::json> Restore(const Principal& caller, std::int64_t id);

    Result<nlohmann::json> CheckDuplicates(const Principal& caller, const nlohmann::json& body);

    Result<nlohmann::json> Transfer(const Principal& caller, const nlohmann::json& body);
    Result<nlohmann::json> HandOver(const Principal& caller, std::int64_t from_user_id,
                                    const nlohmann::json& body);
    // Exactly one of several simultaneous claims wins; the others get 409 already_claimed.
    Result<nlohmann::json> Claim(const Principal& caller, std::int64_t id);
    Result<nlohmann::json> Release(const Principal& caller, std::int64_t id,
                                   const nlohmann::json& body);
    Result<nlohmann::json> History(const Principal& caller, std::int64_t id);

    // `lang` ("zh-CN" or "en") names the custom fields' columns.
    Result<ExportFile> Export(const Principal& caller, const http::ListQuery& query,
                              std::string_view format, std::string_view lang = "en");

    // Answers through `done` once the follow-up is durable: it is written in the next group commit
    // (db::GroupCommit), with other callers' writes, in one transaction and one fsync.
    void CreateFollowup(const Principal& caller, std::int64_t customer_id,
                        const nlohmann::json& body,
                        std::function<void(Result<nlohmann::json>)> done);

  private:
    Result<std::string> ReadPage(db::Connection& conn, const Principal& caller,
                                 const http::ListQuery& query, bool pool_only);

    db::Database& db_;
    db::GroupCommit& writes_;
    PageCache pages_;
    const custom_fields::Catalog* custom_ = nullptr;
};

}  // namespace guanxi::customers
