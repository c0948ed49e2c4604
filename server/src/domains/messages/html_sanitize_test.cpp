// What an e-mail body keeps and loses (html_sanitize.hpp), and that making a safe body safe again
// changes nothing (a template is sanitised on every write).

#include "domains/messages/html_sanitize.hpp"

#include <gtest/gtest.h>

namespace guanxi::messages {
namespace {

TEST(HtmlSanitize, KeepsFormattingAndLinks) {
    EXPECT_EQ(SanitizeHtml("<p>您好 <b>张三</b><br>见<a href=\"https://a.example/x?y=1&amp;z=2\">"
                           "这里</a></p>"),
              "<p>您好 <b>张三</b><br>见<a href=\"https://a.example/x?y=1&amp;z=2\" "
              "rel=\"noopener noreferrer\">这里</a></p>");
    EXPECT_EQ(SanitizeHtml("<table border=\"1\"><tr><td colspan=\"2\">x</td></tr></table>"),
              "<table border=\"1\"><tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>");
    EXPECT_EQ(SanitizeHtml("纯文本 & <i>斜体</i>"), "纯文本 &amp; <i>斜体</i>");
    EXPECT_EQ(SanitizeHtml("<a href=\"{{customer.custom.site}}\">官网</a>"),
              "<a href=\"{{customer.custom.site}}\" rel=\"noopener noreferrer\">官网</a>");
}

TEST(HtmlSanitize, DropsWhatRunsOrLoads) {
    const char* attacks[] = {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"  JaVa\tScRiPt:alert(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg><script>alert(1)</script></svg>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<p style=\"width: expression(alert(1))\">x</p>",
        "<form action=\"https://evil.example\"><input name=p></form>",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<scr<script>ipt>alert(1)</script>",
        "<!-- <script>alert(1)</script> -->",
        "<body onload=alert(1)>x</body>",
    };
    for (const char* attack : attacks) {
        const std::string out = SanitizeHtml(attack);
        SCOPED_TRACE(attack);
        for (const char* bad :
             {"<script", "onerror", "onload", "javascript", "data:", "<iframe", "<svg",
              "expression", "url(", "<form", "<input", "<object", "<embed", "@import", "<math"}) {
            EXPECT_EQ(out.find(bad), std::string::npos) << bad << " in " << out;
        }
    }
    EXPECT_EQ(SanitizeHtml("<p style=\"color: red\">x</p>"), "<p style=\"color: red\">x</p>");
    EXPECT_EQ(SanitizeHtml("<custom-tag>内容</custom-tag>"), "内容");
}

TEST(HtmlSanitize, ASafeBodyStaysAsItIs) {
    for (const char* html : {"<p onclick=x>a<b>b</p>c", "<ul><li>1<li>2</ul>",
                             "<a href=\"https://x.example\" rel=\"opener\" target=\"_blank\">x</a>",
                             "1 < 2 > 0 \"quoted\"", "<table><td>x</table>"}) {
        const std::string once = SanitizeHtml(html);
        EXPECT_EQ(SanitizeHtml(once), once) << html;
    }
}

}  // namespace
}  // namespace guanxi::messages
