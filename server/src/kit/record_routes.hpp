#pragma once
// The routes of every registered record type, from its definition alone. A type under a customer
// (kThroughCustomer):
//   GET    /api/v1/customers/{id}/<name>                       list (?page, page_size, sort, q,
//                                                               filters, deleted=true)
//   POST   /api/v1/customers/{id}/<name>                       create → 201
//   GET    /api/v1/customers/{id}/<name>/{record_id}
//   PATCH  /api/v1/customers/{id}/<name>/{record_id}           partial, with `version`
//   DELETE /api/v1/customers/{id}/<name>/{record_id}           → 204, to the recycle bin
//   POST   /api/v1/customers/{id}/<name>/{record_id}/restore
//   GET    /api/v1/customers/{id}/<name>/{record_id}/history   its audit rows, newest first (?page,
//                                                               page_size)
//   GET    /api/v1/customers/{id}/<name>/export                CSV or XLSX (?format=csv|xlsx, the
//                                                               list's filters, sort, q, deleted;
//                                                               ?lang=zh-CN|en or Accept-Language
//                                                               for the header)
//   GET    /api/v1/meta/<name>                                 fields and labels for the web
// The other types (kOwnScope, kAdminOnly) have the same routes at /api/v1/<name> and
// /api/v1/<name>/{id}.

#include "http/router.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

namespace guanxi::kit {

void RegisterRecordRoutes(http::Router& router, RecordService& service, const Registry& registry);

// The collection path of a type: "/api/v1/customers/{id}/<name>" or "/api/v1/<name>".
std::string CollectionPattern(const RecordType& type);
// The language of an export (or a report) a request asks for: ?lang= (zh-CN or en; 400
// otherwise), else the first of Accept-Language's tags that is Chinese or English (weights are not
// read: browsers send their languages in order), else Chinese.
Result<Language> ExportLanguage(const http::Request& request);
// One record's path: the collection's + "/{record_id}" (under a customer) or + "/{id}".
std::string ItemPattern(const RecordType& type);
// Where a type's item routes (RecordType::item_routes) hang: "/api/v1/<segment>/{id}" for a type
// with its own routes or one listed across customers, else its ItemPattern.
std::string ItemBasePattern(const RecordType& type);

// What an item route's handler gets, once the kit has read the record through the gate, checked
// the route's permission and the body's shape.
struct ItemCall {
    http::Context& ctx;
    const Principal& caller;
    std::int64_t id;
    std::int64_t customer_id;      // the record's customer; 0 for a type not under one
    const nlohmann::json& record;  // as the kit's GET answers it
    const nlohmann::json& body;    // null: none (or an optional one left out)
};
using ItemHandler = std::function<Result<nlohmann::json>(const ItemCall& call)>;
using ItemPageHandler = std::function<Result<http::Response>(const ItemCall& call)>;

// Serves the type's declared item route `method` `name` with `handler`, which answers its JSON
// (sent with the route's status) or, for a page or a file, the whole response. A route the type
// does not declare is a programmer's error (it aborts); one declared and never served fails
// OpenApiTest (documented, not served).
void ServeItemRoute(http::Router& router, RecordService& service, const CompiledType& type,
                    std::string_view method, std::string_view name, ItemHandler handler);
void ServeItemPage(http::Router& router, RecordService& service, const CompiledType& type,
                   std::string_view method, std::string_view name, ItemPageHandler handler);

}  // namespace guanxi::kit
