#pragma once
// The two routes of documents (document_type.hpp) the kit does not make; the others (list, get,
// patch to rename or annotate, delete, restore) are the kit's. Both go through the kit's
// RecordService, so its permissions and gate decide as for every record type:
//   POST /api/v1/customers/{id}/documents                      multipart/form-data: a part `file`
//        (with a filename) and optionally `note` → 201 with the record. The body limit is the
//        file limit plus a little; the type is sniffed from the content (415 for programs and
//        for types not accepted), the name cleaned to its last path component.
//   GET  /api/v1/customers/{id}/documents/{record_id}/content  the bytes, as an attachment named
//        by the record's file_name (RFC 6266 filename*); ?inline=1 shows images and PDF in the
//        browser instead.

#include "domains/customers/document_files.hpp"
#include "http/router.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

#include <cstdint>
#include <string>

namespace guanxi::customers {

struct DocumentSettings {
    // Where the files are kept; empty: a folder under the system's temp folder (tests).
    std::string dir;
    std::uint64_t max_bytes = std::uint64_t{25} << 20;  // one file's largest size
};

void RegisterDocumentRoutes(http::Router& router, kit::RecordService& records,
                            const kit::Registry& registry, DocumentFiles& files,
                            std::uint64_t max_bytes);

// A Content-Disposition header naming `file_name` (UTF-8) for every browser: an ASCII fallback
// (filename="...", other characters as "_") and the exact name (filename*=UTF-8''...).
std::string ContentDisposition(bool show_inline, std::string_view file_name);

}  // namespace guanxi::customers
