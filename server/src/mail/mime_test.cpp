// The MIME builder: encoded words, quoted-printable, line lengths, the parts, and the refusal of
// line breaks in any header value (header injection). The same output decoded by Python's e-mail
// parser after a real SMTP round trip: tests/api/mail_test.cpp.

#include "mail/mime.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <sstream>

namespace guanxi::mail {
namespace {

std::vector<std::string> Lines(const std::string& data) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < data.size()) {
        const std::size_t end = data.find("\r\n", start);
        EXPECT_NE(end, std::string::npos) << "a line without CRLF";
        if (end == std::string::npos) break;
        lines.push_back(data.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

// The header block unfolded: name → value.
std::map<std::string, std::string> Headers(const std::string& data) {
    std::map<std::string, std::string> headers;
    std::string last;
    for (const std::string& line : Lines(data.substr(0, data.find("\r\n\r\n") + 2))) {
        if (line[0] == ' ' || line[0] == '\t') {
            headers[last] += line;
            continue;
        }
        const std::size_t colon = line.find(':');
        last = line.substr(0, colon);
        headers[last] = line.substr(colon + 2);
    }
    return headers;
}

std::string DecodeBase64(const std::string& text) {
    std::string out(text.size(), '\0');
    std::size_t len = 0;
    EXPECT_EQ(
        sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
        0);
    out.resize(len);
    return out;
}

// Decodes "=?UTF-8?B?...?=" words separated by folding whitespace (RFC 2047: the space between
// two encoded words is not part of the text).
std::string DecodeWords(const std::string& value) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
        const std::size_t end = value.find("?=", pos + 10);
        out += DecodeBase64(value.substr(pos + 10, end - pos - 10));
        pos = end + 2;
    }
    return out;
}

std::string DecodeQp(const std::string& qp) {
    std::string out;
    for (std::size_t i = 0; i < qp.size(); ++i) {
        if (qp[i] != '=') {
            out += qp[i];
        } else if (qp.compare(i + 1, 2, "\r\n") == 0) {
            i += 2;
        } else {
            out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16));
            i += 2;
        }
    }
    return out;
}

Message Sample() {
    Message m;
    m.to = {"li.lei@example.com", "李雷（华东大区销售经理）"};
    m.subject = "提醒：明天 09:00 拜访深圳华强科技有限公司，请提前准备报价单和样品清单";
    m.text_body =
        "您好，\n明天 09:00 拜访客户。\n. 以点开头的一行\n" + std::string(200, 'x') + "\n";
    m.html_body = "<p>您好，</p><p>明天 <b>09:00</b> 拜访客户。</p>";
    return m;
}

Envelope SampleEnvelope() {
    return {{"crm@example.com", "Guanxi 客户管理"}, 1796616475, "abc123@example.com"};
}

TEST(MimeTest, AChineseSubjectAndNamesAreEncodedWordsThatDecodeBack) {
    auto data = Build(Sample(), SampleEnvelope());
    ASSERT_TRUE(data.ok()) << data.error().message;
    auto headers = Headers(*data);
    EXPECT_EQ(DecodeWords(headers["Subject"]), Sample().subject);
    EXPECT_EQ(DecodeWords(headers["To"]), Sample().to.name);
    EXPECT_NE(headers["To"].find("<li.lei@example.com>"), std::string::npos);
    EXPECT_EQ(DecodeWords(headers["From"]), "Guanxi 客户管理");
    EXPECT_EQ(headers["Message-ID"], "<abc123@example.com>");
    EXPECT_EQ(headers["Date"], "Mon, 07 Dec 2026 04:07:55 +0000");
    EXPECT_EQ(headers["MIME-Version"], "1.0");
    EXPECT_EQ(headers.count("List-Unsubscribe"), 0u);
}

TEST(MimeTest, PlainAsciiStaysReadableAndIsQuotedWhereNeeded) {
    Message m = Sample();
    m.subject = "Visit tomorrow";
    m.to.name = "Li, Lei \"the boss\"";
    auto data = Build(m, SampleEnvelope());
    ASSERT_TRUE(data.ok());
    auto headers = Headers(*data);
    EXPECT_EQ(headers["Subject"], "Visit tomorrow");
    EXPECT_EQ(headers["To"], "\"Li, Lei \\\"the boss\\\"\" <li.lei@example.com>");
    // Text that looks like an encoded word is encoded, so no reader decodes it by mistake.
    EXPECT_EQ(EncodeHeaderText("=?UTF-8?B?5L2g?=", 9).rfind("=?UTF-8?B?", 0), 0u);
    EXPECT_EQ(DecodeWords(EncodeHeaderText("=?UTF-8?B?5L2g?=", 9)), "=?UTF-8?B?5L2g?=");
}

TEST(MimeTest, EveryLineIsAtMost78CharactersAndEndsInCrlf) {
    Message m = Sample();
    m.subject = std::string(300, 'a') + "很长的主题" + std::string(100, 'b');
    m.to.name = std::string(120, 'n');
    m.text_body = std::string(1000, '=') + "\n" + std::string(500, ' ') + "\n末尾有空格 \n";
    auto data = Build(m, SampleEnvelope());
    ASSERT_TRUE(data.ok());
    for (const std::string& line : Lines(*data)) EXPECT_LE(line.size(), 78u) << line;
    EXPECT_EQ(DecodeWords(Headers(*data)["Subject"]), m.subject);
    EXPECT_EQ(DecodeWords(Headers(*data)["To"]), m.to.name);
}

TEST(MimeTest, BothPartsAreQuotedPrintableUtf8InAMultipartAlternative) {
    auto data = Build(Sample(), SampleEnvelope());
    ASSERT_TRUE(data.ok());
    const std::string content_type = Headers(*data)["Content-Type"];
    ASSERT_EQ(content_type.rfind("multipart/alternative;", 0), 0u) << content_type;
    const std::size_t b = content_type.find("boundary=\"") + 10;
    const std::string boundary = content_type.substr(b, content_type.find('"', b) - b);
    // Split at the boundary lines.
    std::vector<std::string> parts;
    std::size_t pos = data->find("\r\n--" + boundary + "\r\n");
    ASSERT_NE(pos, std::string::npos);
    while (true) {
        const std::size_t start = data->find("\r\n", pos + 2) + 2;
        const std::size_t next = data->find("\r\n--" + boundary, start);
        ASSERT_NE(next, std::string::npos);
        parts.push_back(data->substr(start, next - start));
        pos = next;
        if (data->compare(next + 4 + boundary.size(), 2, "--") == 0) break;
    }
    ASSERT_EQ(parts.size(), 2u);
    const std::string expected[] = {"text/plain; charset=UTF-8", "text/html; charset=UTF-8"};
    const std::string bodies[] = {Sample().text_body, Sample().html_body};
    for (int i = 0; i < 2; ++i) {
        auto headers = Headers(parts[i]);
        EXPECT_EQ(headers["Content-Type"], expected[i]);
        EXPECT_EQ(headers["Content-Transfer-Encoding"], "quoted-printable");
        const std::string body = parts[i].substr(parts[i].find("\r\n\r\n") + 4);
        std::string want = bodies[i];
        for (std::size_t at = 0; (at = want.find('\n', at)) != std::string::npos; at += 2)
            want.replace(at, 1, "\r\n");
        EXPECT_EQ(DecodeQp(body), want);
        // No line of a part starts with a dot (SMTP's end of data), none is longer than 76.
        for (const std::string& line : Lines(body + "\r\n")) {
            EXPECT_LE(line.size(), 76u);
            EXPECT_NE(line.rfind(".", 0), 0u) << line;
        }
    }
    // A text-only message is one text/plain part.
    Message text_only = Sample();
    text_only.html_body.clear();
    auto plain = Build(text_only, SampleEnvelope());
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(Headers(*plain)["Content-Type"], "text/plain; charset=UTF-8");
}

TEST(MimeTest, QuotedPrintableEncodesTrailingSpaceEqualsAndBytesAbove127) {
    EXPECT_EQ(QuotedPrintable("a = b "), "a =3D b=20");
    EXPECT_EQ(QuotedPrintable("你"), "=E4=BD=A0");
    EXPECT_EQ(QuotedPrintable("x\r\ny\n"), "x\r\ny\r\n");
    EXPECT_EQ(QuotedPrintable(".hidden"), "=2Ehidden");
}

TEST(MimeTest, ListUnsubscribeIsWrittenWhenGiven) {
    Message m = Sample();
    m.list_unsubscribe = "https://crm.example.com/unsubscribe?t=abc";
    m.one_click_unsubscribe = true;
    auto data = Build(m, SampleEnvelope());
    ASSERT_TRUE(data.ok());
    auto headers = Headers(*data);
    EXPECT_EQ(headers["List-Unsubscribe"], "<https://crm.example.com/unsubscribe?t=abc>");
    EXPECT_EQ(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
}

// Header injection: a line break (or any control character) in any value that becomes a header
// is refused, naming the field; nothing is built.
TEST(MimeTest, ALineBreakInAnyHeaderValueIsRefused) {
    const std::vector<std::string> evils = {"\r\nBcc: victim@example.com", "\nBcc: x@example.com",
                                            "\r", std::string("a\0b", 3)};
    for (const std::string& evil : evils) {
        struct Case {
            const char* field;
            std::function<void(Message&, Envelope&)> set;
        };
        const std::vector<Case> cases = {
            {"subject", [&](Message& m, Envelope&) { m.subject += evil; }},
            {"to_name", [&](Message& m, Envelope&) { m.to.name += evil; }},
            {"to", [&](Message& m, Envelope&) { m.to.address += evil; }},
            {"list_unsubscribe",
             [&](Message& m, Envelope&) { m.list_unsubscribe = "https://x.example/" + evil; }},
            {"from_address", [&](Message&, Envelope& e) { e.from.name += evil; }},
            {"from_address", [&](Message&, Envelope& e) { e.from.address += evil; }},
        };
        for (const Case& c : cases) {
            SCOPED_TRACE(c.field);
            Message m = Sample();
            Envelope e = SampleEnvelope();
            c.set(m, e);
            auto data = Build(m, e);
            ASSERT_FALSE(data.ok());
            EXPECT_EQ(data.error().code, ErrorCode::kValidationFailed);
            EXPECT_TRUE(data.error().details["fields"].contains(c.field))
                << data.error().details.dump();
        }
    }
    Envelope e = SampleEnvelope();
    e.message_id = "x@example.com>\r\nBcc: y@example.com";
    EXPECT_FALSE(Build(Sample(), e).ok());
}

}  // namespace
}  // namespace guanxi::mail
