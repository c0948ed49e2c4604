#pragma once
// A message template's text (issue 17 item 1): variables written {{customer.name}} — spaces
// inside the braces allowed —, the names a template may use, and the text rendered with values.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::messages {

// The built-in variables, in the order the editor offers them. Besides these a template may use
// a customer custom field as customer.custom.<key>.
const std::vector<std::string>& BuiltInVariables();

// The prefix of a customer custom field's variable ("customer.custom.").
inline constexpr std::string_view kCustomPrefix = "customer.custom.";

// The names of the {{...}} in `text`, each once, in the order of first use. An opening "{{"
// with no "}}" after it is text.
std::vector<std::string> VariablesIn(std::string_view text);

// `text` with each variable replaced by its value in `values` (none: empty), HTML-escaped when
// `html` (an e-mail's HTML body; the subject and an SMS are plain text).
std::string Render(std::string_view text, const std::map<std::string, std::string>& values,
                   bool html);

}  // namespace guanxi::messages
