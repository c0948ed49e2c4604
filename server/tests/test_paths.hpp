#pragma once
// Paths the tests need (the server binary they start, the local SMTP server the e-mail tests send
// to), defined in one generated source (server/CMakeLists.txt). Not compile definitions: an
// absolute path in every test's command line would differ in each checkout, and ccache could never
// reuse a test object in CI's fresh clone.

namespace guanxi::testing {
extern const char* const kGuanxiBinary;
extern const char* const kSmtpSink;
// The table of quote totals the server and the web both compute (docs/QUOTES.md).
extern const char* const kQuoteTotalsCases;
// The SMS counting cases the server and the web both check (domains/messages/sms_count.hpp).
extern const char* const kSmsSegmentsCases;
}  // namespace guanxi::testing

#define GUANXI_BINARY (::guanxi::testing::kGuanxiBinary)
#define GUANXI_SMTP_SINK (::guanxi::testing::kSmtpSink)
