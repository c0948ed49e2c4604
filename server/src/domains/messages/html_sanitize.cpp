#include "domains/messages/html_sanitize.hpp"

#include "core/text.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <memory>

namespace guanxi::messages {

namespace {

constexpr std::array<std::string_view, 33> kKept = {
    "a",     "b",     "strong", "i",  "em", "u",   "s",  "p",   "br",   "div",        "span",
    "ul",    "ol",    "li",     "h1", "h2", "h3",  "h4", "h5",  "h6",   "blockquote", "table",
    "thead", "tbody", "tr",     "td", "th", "img", "hr", "pre", "code", "small",      "font"};
// Dropped with everything inside.
constexpr std::array<std::string_view, 19> kDropped = {
    "script", "style",    "iframe",   "frame", "frameset", "object", "embed",
    "applet", "noscript", "template", "head",  "title",    "form",   "input",
    "button", "select",   "textarea", "svg",   "math"};
constexpr std::array<std::string_view, 6> kVoid = {"br", "hr", "img", "wbr", "col", "area"};

template <std::size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

// The attributes an element keeps.
bool Allowed(std::string_view tag, std::string_view attribute) {
    if (attribute == "style" || attribute == "align" || attribute == "title") return true;
    if (tag == "a") return attribute == "href" || attribute == "target";
    if (tag == "img") {
        return attribute == "src" || attribute == "alt" || attribute == "width" ||
               attribute == "height";
    }
    if (tag == "td" || tag == "th") {
        return attribute == "colspan" || attribute == "rowspan" || attribute == "width" ||
               attribute == "valign";
    }
    if (tag == "table") {
        return attribute == "width" || attribute == "border" || attribute == "cellpadding" ||
               attribute == "cellspacing";
    }
    if (tag == "font") return attribute == "color" || attribute == "size" || attribute == "face";
    return false;
}

// Whether a URL may stay: no scheme (a relative or template-variable URL), or http(s), mailto,
// tel. Browsers ignore whitespace and control characters inside a scheme, so they are read past.
bool SafeUrl(std::string_view url) {
    std::string scheme;
    for (char c : url) {
        if (static_cast<unsigned char>(c) <= 0x20) continue;
        if (c == ':') {
            const std::string lower = text::AsciiLower(scheme);
            return lower == "http" || lower == "https" || lower == "mailto" || lower == "tel";
        }
        if (c == '/' || c == '?' || c == '#' || c == '{') return true;  // no scheme
        scheme += c;
    }
    return true;
}

bool SafeStyle(std::string_view style) {
    std::string lower = text::AsciiLower(style);
    std::erase_if(lower, [](char c) { return c == '\\' || static_cast<unsigned char>(c) <= 0x20; });
    for (std::string_view bad :
         {"url(", "expression", "@import", "javascript", "behavior", "-moz-binding"}) {
        if (lower.find(bad) != std::string::npos) return false;
    }
    return true;
}

void Escape(std::string& out, std::string_view value, bool attribute) {
    for (char c : value) {
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
                out += attribute ? "&quot;" : "\"";
                break;
            default:
                out += c;
        }
    }
}

void Write(const GumboNode* node, std::string& out);

void WriteChildren(const GumboVector& children, std::string& out) {
    for (unsigned i = 0; i < children.length; ++i) {
        Write(static_cast<const GumboNode*>(children.data[i]), out);
    }
}

void Write(const GumboNode* node, std::string& out) {
    switch (node->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
            Escape(out, node->v.text.text, false);
            return;
        case GUMBO_NODE_COMMENT:
        case GUMBO_NODE_DOCUMENT:
            return;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE:
            break;
    }
    const GumboElement& element = node->v.element;
    std::string tag =
        element.tag == GUMBO_TAG_UNKNOWN ? "" : std::string(gumbo_normalized_tagname(element.tag));
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML) tag = "svg";  // foreign content: dropped
    if (In(kDropped, tag)) return;
    if (!In(kKept, tag)) {  // unknown or structural (html, body): its content only
        WriteChildren(element.children, out);
        return;
    }
    out += "<" + tag;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
        const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
        const std::string name = text::AsciiLower(attribute->name);
        const std::string_view value = attribute->value;
        if (!Allowed(tag, name)) continue;
        if ((name == "href" || name == "src") && !SafeUrl(value)) continue;
        if (name == "style" && !SafeStyle(value)) continue;
        out += " " + name + "=\"";
        Escape(out, value, true);
        out += "\"";
    }
    // A link opened from an e-mail does not get a handle on the page that opened it.
    if (tag == "a") out += " rel=\"noopener noreferrer\"";
    out += ">";
    if (In(kVoid, tag)) return;
    WriteChildren(element.children, out);
    out += "</" + tag + ">";
}

}  // namespace

std::string SanitizeHtml(std::string_view html) {
    std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> parsed(
        gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()),
        [](GumboOutput* output) { gumbo_destroy_output(&kGumboDefaultOptions, output); });
    std::string out;
    Write(parsed->root, out);
    return out;
}

}  // namespace guanxi::messages
