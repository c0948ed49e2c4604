#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace guanxi::text {

namespace {

size_t SequenceLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 0;
}

bool IsSpace(std::string_view cp) {
    return cp == " " || cp == "\t" || cp == "\n" || cp == "\r" || cp == "\u3000";
}

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        const size_t len = SequenceLength(lead);
        if (len == 0 || i + len > s.size()) return false;
        std::uint32_t cp = len == 1 ? lead : lead & (0x7F >> len);
        for (size_t k = 1; k < len; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            if ((cont & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cont & 0x3F);
        }
        static constexpr std::array<std::uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        if (cp == 0) return false;  // NUL has no place in our text and breaks C APIs
        i += len;
    }
    return true;
}

size_t CodePointCount(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::string_view> CodePoints(std::string_view s) {
    std::vector<std::string_view> out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        size_t len = SequenceLength(static_cast<unsigned char>(s[i]));
        if (len == 0 || i + len > s.size()) len = 1;
        out.push_back(s.substr(i, len));
        i += len;
    }
    return out;
}

std::string AsciiLower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string Trim(std::string_view s) {
    const auto not_space = [](char c) { return c != ' ' && c != '\t' && c != '\n' && c != '\r'; };
    auto begin = std::find_if(s.begin(), s.end(), not_space);
    auto end = std::find_if(s.rbegin(), s.rend(), not_space).base();
    return begin < end ? std::string(begin, end) : std::string();
}

std::vector<std::string> SplitListCell(std::string_view cell) {
    std::vector<std::string> items;
    std::string current;
    const auto flush = [&] {
        std::string item = Trim(current);
        if (!item.empty()) items.push_back(std::move(item));
        current.clear();
    };
    for (size_t i = 0; i < cell.size(); ++i) {
        const std::string_view rest = cell.substr(i);
        if (cell[i] == ';' || cell[i] == ',' || cell[i] == '|') {
            flush();
        } else if (rest.rfind("；", 0) == 0 || rest.rfind("，", 0) == 0 ||
                   rest.rfind("、", 0) == 0) {
            flush();
            i += 2;  // the rest of the 3-byte code point
        } else {
            current.push_back(cell[i]);
        }
    }
    flush();
    return items;
}

bool HasControlCharacters(std::string_view s, bool multiline) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20) {
            if (multiline && (c == '\t' || c == '\n' || c == '\r')) continue;
            return true;
        }
        if (c == 0x7F) return true;
        // C1 controls are U+0080–U+009F: 0xC2 0x80–0x9F in UTF-8.
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
            static_cast<unsigned char>(s[i + 1]) >= 0x80) {
            return true;
        }
    }
    return false;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "2026-11-28", "2026.11.28": four digits, then a month and a day, one separator. A date typed
// into a phone field (or a spreadsheet's date column imported as one) is caught by this.
bool IsDateShaped(std::string_view s) {
    if (s.size() != 10 || (s[4] != '-' && s[4] != '.') || s[7] != s[4]) return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (!IsDigit(s[i])) return false;
    }
    const int month = (s[5] - '0') * 10 + (s[6] - '0');
    const int day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

bool IsPhoneNumber(std::string_view s) {
    // The extension, if any: a marker, then 1 to 6 digits.
    const std::string lowered = AsciiLower(s);
    size_t marker = std::string::npos;
    size_t marker_len = 0;
    for (std::string_view m : {std::string_view("ext"), std::string_view("x"),
                               std::string_view("#"), std::string_view("转")}) {
        const size_t at = lowered.find(m);
        if (at < marker) {
            marker = at;
            marker_len = m.size();
        }
    }
    std::string_view number = s;
    if (marker != std::string::npos) {
        std::string_view ext = s.substr(marker + marker_len);
        if (!ext.empty() && ext.front() == '.') ext.remove_prefix(1);
        while (!ext.empty() && ext.front() == ' ') ext.remove_prefix(1);
        if (ext.empty() || ext.size() > 6 || !std::all_of(ext.begin(), ext.end(), IsDigit)) {
            return false;
        }
        number = s.substr(0, marker);
        while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
    }
    if (number.empty() || IsDateShaped(number)) return false;
    size_t digits = 0;
    int run = 0;  // separators in a row
    bool opened = false, closed = false;
    for (size_t i = 0; i < number.size(); ++i) {
        const char c = number[i];
        if (IsDigit(c)) {
            ++digits;
            run = 0;
        } else if (c == '+') {
            // Only as the number's first character, or first inside a leading "(".
            if (!(i == 0 || (i == 1 && number[0] == '('))) return false;
        } else if (c == '(') {
            if (opened) return false;
            opened = true;
        } else if (c == ')') {
            if (!opened || closed || (i > 0 && number[i - 1] == '(')) return false;
            closed = true;
        } else if (c == ' ' || c == '-' || c == '.') {
            if (i == 0 || ++run > 2) return false;
        } else {
            return false;
        }
    }
    const char last = number.back();
    return opened == closed && IsDigit(last) && digits >= 5 && digits <= 20;
}

std::string NormalizePhone(std::string_view phone) {
    std::string digits;
    bool plus = false;
    for (char c : phone) {
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == '+' && digits.empty()) {
            plus = true;
        }
    }
    if (plus && digits.rfind("86", 0) == 0 && digits.size() > 2) {
        digits.erase(0, 2);
    } else if (digits.rfind("0086", 0) == 0 && digits.size() > 4) {
        digits.erase(0, 4);
    }
    return digits;
}

std::string NormalizeEmail(std::string_view email) { return AsciiLower(Trim(email)); }

std::string NormalizeCompanyName(std::string_view name) {
    // Latin legal forms are whole words ("Taco" keeps its "co"); Chinese ones are a name's ending,
    // longest first so 股份有限公司 goes before 有限公司.
    static constexpr std::string_view kLatinSuffixes[] = {
        "co",   "ltd",         "inc",     "llc",     "plc",   "gmbh",
        "corp", "corporation", "company", "limited", "group",
    };
    static constexpr std::string_view kChineseSuffixes[] = {
        "股份有限公司", "有限责任公司", "集团有限公司", "有限公司",
        "集团公司",     "分公司",       "集团",         "公司",
    };
    const std::string lowered = AsciiLower(Trim(name));
    std::vector<std::string> words(1);
    for (std::string_view cp : CodePoints(lowered)) {
        const auto c = static_cast<unsigned char>(cp[0]);
        const bool separator = (cp.size() == 1 && !std::isalnum(c)) || cp == "（" || cp == "）" ||
                               cp == "，" || cp == "。" || cp == "、" || cp == "\u3000";
        if (separator) {
            if (!words.back().empty()) words.emplace_back();
        } else {
            words.back().append(cp);
        }
    }
    if (words.back().empty()) words.pop_back();
    const auto is_latin_suffix = [](const std::string& w) {
        return std::find(std::begin(kLatinSuffixes), std::end(kLatinSuffixes), w) !=
               std::end(kLatinSuffixes);
    };
    while (words.size() > 1 && is_latin_suffix(words.back())) words.pop_back();
    std::string kept;
    for (const auto& w : words) kept += w;
    bool stripped = true;
    while (stripped) {
        stripped = false;
        for (std::string_view suffix : kChineseSuffixes) {
            if (kept == suffix) return kept;  // a name that is only a legal form keeps it
            if (EndsWith(kept, suffix)) {
                kept.erase(kept.size() - suffix.size());
                stripped = true;
                break;
            }
        }
    }
    return kept;
}

std::vector<std::string> SearchGrams(std::string_view text) {
    std::vector<std::string> grams;
    const std::string lowered = AsciiLower(text);
    std::vector<std::string_view> word;
    const auto flush = [&] {
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            std::string gram(word[i]);
            gram.append(word[i + 1]);
            grams.push_back(std::move(gram));
        }
        if (!word.empty()) grams.emplace_back(word.back());
        word.clear();
    };
    for (std::string_view cp : CodePoints(lowered)) {
        if (IsSpace(cp)) {
            flush();
        } else {
            word.push_back(cp);
        }
    }
    flush();
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    return grams;
}

}  // namespace guanxi::text
