#pragma once
// An e-mail as it travels over SMTP (RFC 5322 with MIME): headers in ASCII, UTF-8 subjects and
// display names as RFC 2047 encoded words, a text/plain part and, when there is HTML, a
// text/html part beside it in a multipart/alternative, both quoted-printable. Every line is at
// most 78 characters. No header value may hold CR, LF or NUL: a message that would is refused
// (header injection is impossible, not escaped).

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace guanxi::mail {

struct Mailbox {
    std::string address;  // ASCII local@domain (no SMTPUTF8)
    std::string name;     // display name, any UTF-8; empty: none
};

// What a caller sends: one recipient per message (a batch is many messages).
struct Message {
    Mailbox to;
    std::string subject;
    std::string text_body;  // required; line breaks \n or \r\n
    std::string html_body;  // optional; empty: a text/plain message alone
    // A List-Unsubscribe target (an https: or mailto: URI, without the angle brackets); with
    // `one_click` also List-Unsubscribe-Post (RFC 8058). Empty: no such header.
    std::string list_unsubscribe;
    bool one_click_unsubscribe = false;
};

// What the sender adds: who it is from, when, and the Message-ID (without angle brackets).
struct Envelope {
    Mailbox from;
    std::int64_t date = 0;  // Unix seconds
    std::string message_id;
};

// Checks a message before it is queued: a valid recipient address, a subject and display name of
// one line of UTF-8, a text body, a list-unsubscribe URI without spaces or line breaks. A 422
// naming each bad field (to, to_name, subject, text_body, html_body, list_unsubscribe).
Status Validate(const Message& message);
// Whether `address` is an ASCII local@domain an SMTP server takes as is (no spaces, brackets,
// quotes, control characters; one @; a dot in the domain).
bool IsAddress(std::string_view address);

// The whole message, CRLF line ends, ready for SMTP DATA. Fails (422) on what Validate refuses and
// on an envelope whose sender or Message-ID is not one clean line.
Result<std::string> Build(const Message& message, const Envelope& envelope);

// A new Message-ID's left part: 32 random hex digits.
std::string NewMessageIdLocalPart();

// The pieces, exposed for tests and for other channels' headers.
// A header's value as encoded words when it is not plain ASCII (or too long for one line after a
// header name of `name_length` characters): "=?UTF-8?B?...?=" words of at most 36 bytes each,
// folded with CRLF SP.
std::string EncodeHeaderText(std::string_view text, std::size_t name_length);
// "Name <address>" with the name quoted or encoded as needed; the address alone without a name.
std::string FormatMailbox(const Mailbox& mailbox, std::size_t name_length);
// Quoted-printable (RFC 2045) of UTF-8 text: CRLF line ends, lines of at most 76 characters.
std::string QuotedPrintable(std::string_view text);
// RFC 5322 date in UTC: "Mon, 07 Dec 2026 04:07:55 +0000".
std::string FormatDate(std::int64_t unix_seconds);

}  // namespace guanxi::mail
