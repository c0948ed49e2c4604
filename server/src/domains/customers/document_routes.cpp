#include "domains/customers/document_routes.hpp"

#include "core/text.hpp"
#include "domains/customers/document_type.hpp"
#include "http/multipart.hpp"
#include "io/file_type.hpp"
#include "kit/record_routes.hpp"

#include <cstdio>

namespace guanxi::customers {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

// Room in a body for the form around the file: boundaries, part headers, a note.
constexpr std::uint64_t kFormOverhead = 64 * 1024;

// What a browser viewing a document inline may do: show it, nothing else — no scripts, no
// requests elsewhere, framed only by this site's own pages.
constexpr const char* kInlinePolicy =
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "frame-ancestors 'self'";

Error Refused(std::string message, const std::string& sniffed) {
    return Error{ErrorCode::kUnsupportedMediaType,
                 std::move(message),
                 {{"field", "file"}, {"content_type", sniffed}},
                 {}};
}

// The form's parts as a create body (file_name, note) and the file's bytes; 422 naming the part
// for anything else.
struct Upload {
    json body = json::object();
    std::string_view bytes;
};

Result<Upload> ReadForm(const http::Request& request, std::uint64_t max_bytes) {
    GX_TRY_ASSIGN(auto parts,
                  http::ParseMultipart(request.Header("content-type").value_or(""), request.body));
    Upload upload;
    const http::FormPart* file = nullptr;
    for (const http::FormPart& part : parts) {
        if (part.name == "file" && part.filename) {
            file = &part;
        } else if (part.name == "note" && !part.filename) {
            if (!text::IsValidUtf8(part.data)) return Error::Validation("note", "must be UTF-8");
            if (!part.data.empty()) upload.body["note"] = std::string(part.data);
        } else {
            return Error::Validation(part.name, "is not a part of a document upload (file, note)");
        }
    }
    if (file == nullptr) return Error::Validation("file", "is required (a part with a filename)");
    if (file->data.empty()) return Error::Validation("file", "is empty");
    if (file->data.size() > max_bytes) {
        return Error{ErrorCode::kPayloadTooLarge,
                     "The file is larger than " + std::to_string(max_bytes >> 20) + " MiB.",
                     {{"field", "file"}, {"max_bytes", max_bytes}},
                     {}};
    }
    auto name = CleanFileName(*file->filename);
    if (!name) return Error::Validation("file", "has no usable file name");
    upload.body["file_name"] = std::move(*name);
    upload.bytes = file->data;
    return upload;
}

// The type a document is kept as, from its bytes alone: 415 naming the file otherwise.
Result<std::string> ContentTypeOf(std::string_view bytes) {
    const std::string sniffed = io::SniffMediaType(bytes);
    if (io::LooksExecutable(bytes)) {
        return Refused("Programs and scripts are not accepted as documents.", sniffed);
    }
    auto type = DocumentContentType(sniffed);
    if (!type) {
        return Refused("Files of this type (" + sniffed +
                           ") are not accepted: send an image, a PDF, an Office document, text, "
                           "CSV or a zip archive.",
                       sniffed);
    }
    return *type;
}

Result<bool> InlineWanted(const http::Request& request) {
    const auto value = request.QueryValue("inline");
    if (!value || *value == "0" || *value == "false") return false;
    if (*value == "1" || *value == "true") return true;
    return Error{ErrorCode::kBadRequest, "inline must be 1 or 0.", {{"parameter", "inline"}}, {}};
}

}  // namespace

std::string ContentDisposition(bool show_inline, std::string_view file_name) {
    std::string fallback, encoded;
    for (std::string_view cp : text::CodePoints(file_name)) {
        const unsigned char c = static_cast<unsigned char>(cp[0]);
        const bool ascii = cp.size() == 1 && c >= 0x20 && c < 0x7f;
        fallback += ascii && c != '"' && c != '\\' && c != '%' ? std::string(cp) : "_";
    }
    for (const char ch : file_name) {
        const unsigned char c = static_cast<unsigned char>(ch);
        const bool attr_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               (c >= '0' && c <= '9') ||
                               std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos;
        if (attr_char) {
            encoded.push_back(ch);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            encoded += escaped;
        }
    }
    return std::string(show_inline ? "inline" : "attachment") + "; filename=\"" + fallback +
           "\"; filename*=UTF-8''" + encoded;
}

void RegisterDocumentRoutes(http::Router& router, kit::RecordService& records,
                            const kit::Registry& registry, DocumentFiles& files,
                            std::uint64_t max_bytes) {
    const kit::CompiledType* type = registry.Find("documents");
    if (type == nullptr) return;
    const std::string collection = kit::CollectionPattern(type->type);
    router.Add(
        "POST", collection,
        [&records, &files, type, max_bytes](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(Upload upload, ReadForm(ctx.request(), max_bytes));
            GX_TRY_ASSIGN(std::string content_type, ContentTypeOf(upload.bytes));
            // The gate before a byte is stored; Create asks it again in its transaction.
            GX_TRY(records.CheckCreate(ctx.user(), *type, customer_id));
            GX_TRY_ASSIGN(std::string sha256, files.Put(upload.bytes));
            const json computed = {{"content_type", content_type},
                                   {"size", static_cast<std::int64_t>(upload.bytes.size())},
                                   {"sha256", sha256}};
            GX_TRY_ASSIGN(json created,
                          records.Create(ctx.user(), *type, customer_id, upload.body, computed));
            return Response::Json(201, created);
        },
        // Who may upload is known from the headers: nobody else makes the server read a body.
        {.body_limit = max_bytes + kFormOverhead,
         .permissions = {type->type.Permission("create")}});
    router.Add(
        "GET", collection + "/{record_id}/content",
        [&records, &files, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("record_id"));
            GX_TRY_ASSIGN(bool wanted, InlineWanted(ctx.request()));
            GX_TRY_ASSIGN(json record, records.Get(ctx.user(), *type, customer_id, id));
            const std::string content_type = record["content_type"];
            const bool show = wanted && Previewable(content_type);
            Response response;
            GX_TRY_ASSIGN(response.file, files.Checkout(record["sha256"].get<std::string>()));
            response.SetHeader("Content-Type", content_type);
            response.SetHeader("Content-Disposition",
                               ContentDisposition(show, record["file_name"].get<std::string>()));
            response.SetHeader("X-Content-Type-Options", "nosniff");
            response.SetHeader("Cache-Control", "private, no-cache");
            if (show) response.SetHeader("Content-Security-Policy", kInlinePolicy);
            return response;
        });
}

}  // namespace guanxi::customers
