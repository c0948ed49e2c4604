#include "domains/quotes/quote_print.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <vector>

namespace guanxi::quotes {

namespace {

using kit::Language;
using nlohmann::json;

struct Text {
    const char* zh;
    const char* en;
    const char* In(Language language) const { return language == Language::kEn ? en : zh; }
};

constexpr Text kTitle{"报价单", "Quotation"};
constexpr Text kNumber{"报价单号", "Quote no."};
constexpr Text kRevision{"版本", "Revision"};
constexpr Text kCustomer{"客户", "Customer"};
constexpr Text kContact{"联系人", "Contact"};
constexpr Text kOwner{"销售代表", "Sales representative"};
constexpr Text kValidUntil{"有效期至", "Valid until"};
constexpr Text kCurrency{"币种", "Currency"};
constexpr Text kNotes{"备注", "Notes"};
constexpr Text kSubtotal{"未税金额", "Subtotal"};
constexpr Text kTax{"税额", "Tax"};
constexpr Text kTotal{"含税总额", "Total"};
constexpr Text kPage{"第 {n} 页", "Page {n}"};

// The line table's columns: heading, width in points (the PDF), right-aligned.
struct Column {
    Text heading;
    double width;
    bool right;
};
const Column kColumns[] = {
    {{"序号", "#"}, 24, false},
    {{"产品", "Product"}, 171, false},
    {{"数量", "Qty"}, 56, true},
    {{"单价", "Unit price"}, 76, true},
    {{"折扣 %", "Disc. %"}, 44, true},
    {{"税率 %", "Tax %"}, 40, true},
    {{"金额（含税）", "Amount"}, 104, true},
};

std::string Str(const json& quote, const char* key) {
    auto it = quote.find(key);
    if (it == quote.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// The cells of one line, in kColumns' order.
std::vector<std::string> Cells(const json& line) {
    std::string product = Str(line, "product_name");
    const std::string description = Str(line, "description");
    if (!description.empty() && description != product) product += "\n" + description;
    const std::string code = Str(line, "product_code");
    if (!code.empty()) product += "\n" + code;
    std::string quantity = Str(line, "quantity");
    if (const std::string unit = Str(line, "unit"); !unit.empty()) quantity += " " + unit;
    return {Str(line, "position"),
            product,
            quantity,
            Str(line, "unit_price"),
            Str(line, "discount"),
            Str(line, "tax_rate"),
            Str(line, "total")};
}

std::string Escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Escaped, with line breaks kept.
std::string EscapeLines(std::string_view text) {
    std::string escaped = Escape(text);
    std::string out;
    for (char c : escaped) {
        if (c == '\n')
            out += "<br>";
        else
            out += c;
    }
    return out;
}

// The facts printed above the lines: label and value.
std::vector<std::pair<std::string, std::string>> Header(const json& quote, Language language) {
    std::vector<std::pair<std::string, std::string>> rows = {
        {kNumber.In(language), Str(quote, "number")},
        {kRevision.In(language), Str(quote, "revision")},
        {kCustomer.In(language), Str(quote, "customer_name")},
    };
    if (const std::string contact = Str(quote, "contact_name"); !contact.empty())
        rows.emplace_back(kContact.In(language), contact);
    rows.emplace_back(kOwner.In(language), Str(quote, "owner_name"));
    if (const std::string until = Str(quote, "valid_until"); !until.empty())
        rows.emplace_back(kValidUntil.In(language), until);
    rows.emplace_back(kCurrency.In(language), Str(quote, "currency"));
    return rows;
}

std::vector<std::pair<std::string, std::string>> Totals(const json& quote, Language language) {
    return {{kSubtotal.In(language), Str(quote, "subtotal")},
            {kTax.In(language), Str(quote, "tax_total")},
            {kTotal.In(language), Str(quote, "total")}};
}

// --- PDF ---------------------------------------------------------------------------------------

constexpr double kPageWidth = 595.28;  // A4 in points
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 40;
constexpr double kCellPadding = 3;
constexpr const char* kFont = "Noto Sans CJK SC";

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

struct CairoDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
    void operator()(PangoLayout* layout) const { g_object_unref(layout); }
    void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};

class PdfWriter {
  public:
    PdfWriter(cairo_t* cr, Language language)
        : cr_(cr), layout_(pango_cairo_create_layout(cr)), language_(language) {
        pango_layout_set_wrap(layout_.get(), PANGO_WRAP_WORD_CHAR);
    }

    // Lays out `text` `width` points wide at `size` points; returns its height. Drawn when `draw`.
    double Text(std::string_view text, double x, double y, double width, double size, bool bold,
                bool right, bool draw = true) {
        std::unique_ptr<PangoFontDescription, CairoDeleter> font(pango_font_description_new());
        pango_font_description_set_family(font.get(), kFont);
        pango_font_description_set_absolute_size(font.get(), size * PANGO_SCALE);
        pango_font_description_set_weight(font.get(),
                                          bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_layout_set_font_description(layout_.get(), font.get());
        pango_layout_set_width(layout_.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_alignment(layout_.get(), right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        pango_layout_set_text(layout_.get(), text.data(), static_cast<int>(text.size()));
        int w = 0;
        int h = 0;
        pango_layout_get_size(layout_.get(), &w, &h);
        if (draw) {
            cairo_move_to(cr_, x, y);
            pango_cairo_show_layout(cr_, layout_.get());
        }
        return static_cast<double>(h) / PANGO_SCALE;
    }

    void Rule(double y, double width = 0.5) {
        cairo_set_line_width(cr_, width);
        cairo_move_to(cr_, kMargin, y);
        cairo_line_to(cr_, kPageWidth - kMargin, y);
        cairo_stroke(cr_);
    }

    // The line table's heading at `y`; returns the y below it.
    double Headings(double y) {
        double x = kMargin;
        double height = 0;
        for (const Column& column : kColumns) {
            height =
                std::max(height, Text(column.heading.In(language_), x + kCellPadding, y,
                                      column.width - 2 * kCellPadding, 8.5, true, column.right));
            x += column.width;
        }
        Rule(y + height + 3);
        return y + height + 6;
    }

    // One row of cells; returns its height (drawn when `draw`).
    double Row(const std::vector<std::string>& cells, double y, bool draw) {
        double x = kMargin;
        double height = 0;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const Column& column = kColumns[i];
            height = std::max(
                height, Text(cells[i], x + kCellPadding, y, column.width - 2 * kCellPadding, 8.5,
                             false, column.right, draw));
            x += column.width;
        }
        return height + 4;
    }

    void Footer(int page) {
        std::string label = kPage.In(language_);
        label.replace(label.find("{n}"), 3, std::to_string(page));
        Text(label, kMargin, kPageHeight - kMargin + 10, kPageWidth - 2 * kMargin, 8, false, true);
    }

  private:
    cairo_t* cr_;
    std::unique_ptr<PangoLayout, CairoDeleter> layout_;
    Language language_;
};

}  // namespace

std::string QuoteFileName(const json& quote, Language language, std::string_view extension) {
    return std::string(language == Language::kEn ? "Quote" : "报价单") + "-" +
           Str(quote, "number") + "-v" + Str(quote, "revision") + "." + std::string(extension);
}

std::string QuoteHtml(const json& quote, Language language) {
    std::string html =
        "<!doctype html>\n<html lang=\"" + std::string(language == Language::kEn ? "en" : "zh-CN") +
        "\"><head><meta charset=\"utf-8\"><title>" + Escape(kTitle.In(language)) + " " +
        Escape(Str(quote, "number")) +
        "</title><style>"
        "body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;"
        "margin:2em;color:#222;font-size:14px}"
        "h1{font-size:22px;margin:0 0 .5em}table{border-collapse:collapse;width:100%}"
        ".facts td{padding:2px 12px 2px 0}.lines th,.lines td{border-bottom:1px solid #ccc;"
        "padding:6px 4px;vertical-align:top}.lines th{text-align:left;background:#f4f4f4}"
        ".num{text-align:right;white-space:nowrap}.totals{margin-top:1em;width:auto;"
        "margin-left:auto}.totals td{padding:2px 0 2px 24px}.totals tr:last-child td{"
        "font-weight:bold;font-size:16px}.notes{margin-top:1.5em;white-space:pre-wrap}"
        "@media print{body{margin:0}}"
        "</style></head><body>\n<h1>" +
        Escape(kTitle.In(language)) + "</h1>\n<table class=\"facts\">";
    for (const auto& [label, value] : Header(quote, language))
        html += "<tr><td>" + Escape(label) + "</td><td>" + Escape(value) + "</td></tr>";
    html += "</table>\n<table class=\"lines\"><thead><tr>";
    for (const Column& column : kColumns) {
        html += std::string("<th") + (column.right ? " class=\"num\"" : "") + ">" +
                Escape(column.heading.In(language)) + "</th>";
    }
    html += "</tr></thead><tbody>\n";
    for (const json& line : quote.value("lines", json::array())) {
        const std::vector<std::string> cells = Cells(line);
        html += "<tr>";
        for (std::size_t i = 0; i < cells.size(); ++i) {
            html += std::string("<td") + (kColumns[i].right ? " class=\"num\"" : "") + ">" +
                    EscapeLines(cells[i]) + "</td>";
        }
        html += "</tr>\n";
    }
    html += "</tbody></table>\n<table class=\"totals\">";
    for (const auto& [label, value] : Totals(quote, language))
        html +=
            "<tr><td>" + Escape(label) + "</td><td class=\"num\">" + Escape(value) + "</td></tr>";
    html += "</table>\n";
    if (const std::string notes = Str(quote, "notes"); !notes.empty()) {
        html += "<div class=\"notes\"><strong>" + Escape(kNotes.In(language)) + "</strong>\n" +
                Escape(notes) + "</div>\n";
    }
    return html + "</body></html>\n";
}

Result<std::string> QuotePdf(const json& quote, Language language) {
    std::string out;
    std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
        cairo_pdf_surface_create_for_stream(Append, &out, kPageWidth, kPageHeight));
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    {
        PdfWriter pdf(cr.get(), language);
        const double width = kPageWidth - 2 * kMargin;
        const double bottom = kPageHeight - kMargin - 10;
        int page = 1;
        double y = kMargin;
        y += pdf.Text(kTitle.In(language), kMargin, y, width, 18, true, false) + 8;
        for (const auto& [label, value] : Header(quote, language)) {
            pdf.Text(label, kMargin, y, 110, 9.5, false, false);
            y += pdf.Text(value, kMargin + 110, y, width - 110, 9.5, false, false) + 2;
        }
        y += 10;
        y = pdf.Headings(y);
        for (const json& line : quote.value("lines", json::array())) {
            const std::vector<std::string> cells = Cells(line);
            if (y + pdf.Row(cells, y, false) > bottom) {
                pdf.Footer(page++);
                cairo_show_page(cr.get());
                y = pdf.Headings(kMargin);
            }
            y += pdf.Row(cells, y, true);
        }
        pdf.Rule(y);
        y += 6;
        const auto totals = Totals(quote, language);
        if (y + 3 * 16 > bottom) {
            pdf.Footer(page++);
            cairo_show_page(cr.get());
            y = kMargin;
        }
        for (std::size_t i = 0; i < totals.size(); ++i) {
            const bool last = i + 1 == totals.size();
            const double size = last ? 11 : 9.5;
            pdf.Text(totals[i].first, kPageWidth - kMargin - 260, y, 140, size, last, true);
            y += pdf.Text(totals[i].second, kPageWidth - kMargin - 120, y, 120, size, last, true) +
                 3;
        }
        if (const std::string notes = Str(quote, "notes"); !notes.empty()) {
            y += 10;
            const double height = pdf.Text(notes, kMargin, y, width, 9, false, false, false);
            if (y + height + 14 > bottom) {
                pdf.Footer(page++);
                cairo_show_page(cr.get());
                y = kMargin;
            }
            y += pdf.Text(kNotes.In(language), kMargin, y, width, 9.5, true, false) + 2;
            pdf.Text(notes, kMargin, y, width, 9, false, false);
        }
        pdf.Footer(page);
    }
    cr.reset();
    cairo_surface_finish(surface.get());
    const cairo_status_t status = cairo_surface_status(surface.get());
    if (status != CAIRO_STATUS_SUCCESS)
        return Error::Internal(std::string("cairo: ") + cairo_status_to_string(status));
    surface.reset();
    return out;
}

}  // namespace guanxi::quotes
