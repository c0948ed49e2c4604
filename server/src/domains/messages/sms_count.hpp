#pragma once
// How an SMS text is counted and billed (issue 17): GSM-7 when every character is in the GSM 03.38
// basic set or its extension table (an extension character takes two septets), else UCS-2 (UTF-16
// code units: a character outside the BMP, an emoji, takes two). One message holds 160 GSM-7 or
// 70 UCS-2 units; a longer text is sent in parts of 153 or 67, each billed as one segment
// (条). Chinese is always UCS-2. server/tests/api/sms_segments_cases.json holds the cases the web's
// counter is checked against too.

#include <cstdint>
#include <string>
#include <string_view>

namespace guanxi::messages {

struct SmsCount {
    std::string encoding;  // "gsm7" or "ucs2"
    std::int64_t length = 0;
    std::int64_t segments = 0;
};

// `text` is UTF-8 (invalid bytes count as one UCS-2 unit each).
SmsCount CountSms(std::string_view text);

}  // namespace guanxi::messages
