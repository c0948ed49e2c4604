#pragma once
// A quote printed (docs/adr/0011-quote-pdf.md): an HTML page for the browser's print dialog and a
// PDF drawn on the server with Cairo and Pango, its CJK glyphs embedded from Noto Sans CJK (so it
// reads the same on any machine). Both take the quote as QuoteService::PrintData answers it and
// are in Chinese or English; every value from the quote is text (escaped in HTML, never Pango
// markup in the PDF).

#include "core/error.hpp"
#include "kit/record_type.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace guanxi::quotes {

std::string QuoteHtml(const nlohmann::json& quote, kit::Language language);
// The PDF's bytes (A4, as many pages as the lines need).
Result<std::string> QuotePdf(const nlohmann::json& quote, kit::Language language);
// "报价单-Q000042-v2.pdf" / "Quote-Q000042-v2.pdf".
std::string QuoteFileName(const nlohmann::json& quote, kit::Language language,
                          std::string_view extension);

}  // namespace guanxi::quotes
