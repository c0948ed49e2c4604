#pragma once
// An e-mail template's HTML body, made safe to store, show and send (issue 17 item 1): parsed as a
// browser parses it (gumbo, HTML5), then written back keeping only formatting — docs/adr/
// 0012-html-sanitising.md lists what stays. Scripts, styles sheets, frames, forms and their content
// go; event handlers and any other attribute go; a link or image whose URL has a scheme other than
// http, https, mailto or tel (javascript:, data:, vbscript: ...) loses it; an inline style that
// could load or run something (url(, expression, @import, javascript) goes. Unknown elements are
// replaced by their content. Comments go.

#include <string>
#include <string_view>

namespace guanxi::messages {

std::string SanitizeHtml(std::string_view html);

}  // namespace guanxi::messages
