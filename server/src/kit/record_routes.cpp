#include "kit/record_routes.hpp"

#include <algorithm>
#include <cctype>

namespace guanxi::kit {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

// The field metadata the web's generic pages render from, with each field's labels.
json MetaJson(const CompiledType& type) {
    json meta = type.meta.ToJson();
    meta["label"] = {{"zh-CN", type.type.label.zh_cn}, {"en", type.type.label.en}};
    // Where its records live, so a generic page knows its routes: the collection's path pattern
    // ("/api/v1/customers/{id}/mailings", "/api/v1/departments") and who sees them.
    static constexpr const char* kVisibility[] = {"through_customer", "own_scope", "admin_only"};
    meta["collection"] = CollectionPattern(type.type);
    meta["visibility"] = kVisibility[static_cast<int>(type.type.visibility)];
    // A type under a customer that is also listed across customers: that list's path.
    meta["across"] = type.type.listed_across ? json("/api/v1/" + type.type.Segment()) : json();
    for (auto& field : meta["fields"]) {
        for (const Field& f : type.type.fields) {
            if (f.def.name != field["name"]) continue;
            field["label"] = {{"zh-CN", f.label.zh_cn}, {"en", f.label.en}};
            field["search"] = f.search;
        }
    }
    return meta;
}

// The history's query: pages only.
const http::ListSpec kHistorySpec{{}, {}, {}, false};

}  // namespace

Result<Language> ExportLanguage(const http::Request& request) {
    if (auto lang = request.QueryValue("lang")) {
        if (*lang == "zh-CN") return Language::kZhCn;
        if (*lang == "en") return Language::kEn;
        return Error{
            ErrorCode::kBadRequest, "lang must be zh-CN or en.", {{"parameter", "lang"}}, {}};
    }
    const std::string accept = request.Header("accept-language").value_or("");
    std::size_t start = 0;
    while (start < accept.size()) {
        std::size_t end = accept.find(',', start);
        if (end == std::string::npos) end = accept.size();
        std::string tag = accept.substr(start, end - start);
        tag = tag.substr(0, tag.find(';'));
        tag.erase(0, tag.find_first_not_of(' '));
        const auto starts = [&](std::string_view prefix) {
            return tag.size() >= prefix.size() &&
                   std::equal(prefix.begin(), prefix.end(), tag.begin(), [](char a, char b) {
                       return a == std::tolower(static_cast<unsigned char>(b));
                   });
        };
        if (starts("zh")) return Language::kZhCn;
        if (starts("en")) return Language::kEn;
        start = end + 1;
    }
    return Language::kZhCn;
}

std::string CollectionPattern(const RecordType& type) {
    return type.UnderCustomer() ? "/api/v1/customers/{id}/" + type.Segment()
                                : "/api/v1/" + type.Segment();
}

std::string ItemPattern(const RecordType& type) {
    return CollectionPattern(type) + (type.UnderCustomer() ? "/{record_id}" : "/{id}");
}

namespace {

// The customer in the path of a type under a customer; nullopt for the others.
Result<store::Parent> ParentOf(Context& ctx, const CompiledType& type) {
    if (!type.type.UnderCustomer()) return store::Parent();
    GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
    return store::Parent(customer_id);
}

Result<std::int64_t> RecordIdOf(Context& ctx, const CompiledType& type) {
    return ctx.PathId(type.type.UnderCustomer() ? "record_id" : "id");
}

}  // namespace

void RegisterRecordRoutes(http::Router& router, RecordService& service, const Registry& registry) {
    for (const auto& compiled : registry.types()) {
        const CompiledType* type = compiled.get();
        const std::string collection = CollectionPattern(type->type);
        const std::string item = ItemPattern(type->type);
        if (type->type.listed_across && type->type.UnderCustomer()) {
            router.Add("GET", "/api/v1/" + type->type.Segment(),
                       [&service, type](Context& ctx) -> Result<Response> {
                           GX_TRY_ASSIGN(http::ListQuery query,
                                         http::ParseListQuery(ctx.request().query, type->list));
                           GX_TRY_ASSIGN(json page, service.ListAcross(ctx.user(), *type, query));
                           return Response::Json(200, page);
                       });
        }
        router.Add("GET", collection, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(http::ListQuery query,
                          http::ParseListQuery(ctx.request().query, type->list));
            GX_TRY_ASSIGN(json page, service.List(ctx.user(), *type, parent, query));
            return Response::Json(200, page);
        });
        if (type->type.generic_create) {
            router.Add("POST", collection, [&service, type](Context& ctx) -> Result<Response> {
                GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
                GX_TRY_ASSIGN(json body, ctx.JsonBody());
                GX_TRY_ASSIGN(json created, service.Create(ctx.user(), *type, parent, body));
                return Response::Json(201, created);
            });
        }
        router.Add("GET", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY_ASSIGN(json record, service.Get(ctx.user(), *type, parent, id));
            return Response::Json(200, record);
        });
        router.Add("PATCH", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY_ASSIGN(json body, ctx.JsonBody());
            GX_TRY_ASSIGN(json record, service.Update(ctx.user(), *type, parent, id, body));
            return Response::Json(200, record);
        });
        router.Add("DELETE", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY(service.Delete(ctx.user(), *type, parent, id));
            return Response::NoContent();
        });
        router.Add("POST", item + "/restore", [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY_ASSIGN(json record, service.Restore(ctx.user(), *type, parent, id));
            return Response::Json(200, record);
        });
        router.Add("GET", item + "/history", [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY_ASSIGN(http::ListQuery page,
                          http::ParseListQuery(ctx.request().query, kHistorySpec));
            GX_TRY_ASSIGN(json history, service.History(ctx.user(), *type, parent, id, page));
            return Response::Json(200, history);
        });
        router.Add(
            "GET", collection + "/export", [&service, type](Context& ctx) -> Result<Response> {
                GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
                GX_TRY_ASSIGN(
                    http::ListQuery query,
                    http::ParseListQuery(
                        http::WithoutParams(ctx.request().query, {"format", "lang"}), type->list));
                GX_TRY_ASSIGN(Language language, ExportLanguage(ctx.request()));
                GX_TRY_ASSIGN(
                    io::ExportFile file,
                    service.Export(ctx.user(), *type, parent, query,
                                   ctx.request().QueryValue("format").value_or("csv"), language));
                return io::ExportResponse(std::move(file));
            });
        router.Add("GET", "/api/v1/meta/" + type->type.name,
                   [&service, type](Context&) -> Result<Response> {
                       json meta = MetaJson(*type);
                       if (service.custom_fields() != nullptr) {
                           const auto custom = service.custom_fields()->Current();
                           for (const auto& def : custom->Of(type->type.name))
                               meta["fields"].push_back(def.MetaJson());
                       }
                       return Response::Json(200, meta);
                   });
    }
}

}  // namespace guanxi::kit
