#include "core/error.hpp"
#include "core/fields.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace guanxi {
namespace {

using nlohmann::json;

// The {name} placeholders of a text, in order.
std::vector<std::string> Placeholders(std::string_view text) {
    std::vector<std::string> names;
    const std::string s(text);
    static const std::regex kPlaceholder(R"re(\{([a-z_]+)\})re");
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kPlaceholder);
         it != std::sregex_iterator(); ++it) {
        names.push_back((*it)[1]);
    }
    std::sort(names.begin(), names.end());
    return names;
}

TEST(FieldMessagesTest, EveryKeyIsUniqueWithBothTextsAndTheSameParameters) {
    std::set<std::string_view> keys;
    for (const FieldMessageInfo& m : AllFieldMessages()) {
        EXPECT_TRUE(keys.insert(m.key).second) << "twice: " << m.key;
        EXPECT_FALSE(m.en.empty()) << m.key;
        EXPECT_FALSE(m.zh_cn.empty()) << m.key;
        EXPECT_EQ(Placeholders(m.en), Placeholders(m.zh_cn)) << m.key;
    }
}

TEST(FieldMessagesTest, AKeyedComplaintCarriesItsKeyParametersAndEnglishText) {
    Error error = Error::ValidationCode("name", "too_long", {{"max", 200}});
    EXPECT_EQ(error.details["fields"]["name"], "must be at most 200 characters");
    EXPECT_EQ(error.details["field_codes"]["name"],
              json({{"code", "too_long"}, {"params", {{"max", 200}}}}));
    EXPECT_EQ(FieldMessageText("too_long", {{"max", 200}}, "zh-CN"), "最多 200 个字符");
    EXPECT_EQ(FieldMessageText("not_an_option", {{"options", "a, b"}}, "en"),
              "must be one of: a, b");
}

TEST(FieldMessagesTest, AFixedTextGetsItsKeyAndAnUnknownOneNone) {
    Error error = Error::Validation("owner_id", "does not exist");
    EXPECT_EQ(error.details["field_codes"]["owner_id"]["code"], "does_not_exist");
    error.Field("owner_id", "something no registry knows");
    EXPECT_FALSE(error.details["field_codes"].contains("owner_id")) << "the stale key is gone";
    Error other = Error::Validation("x", "said once");
    EXPECT_FALSE(other.details.contains("field_codes"));
}

TEST(FieldMessagesTest, FieldsOfKeepsTheKeys) {
    Error from = Error::ValidationCode("custom.size", "too_long", {{"max", 5}});
    from.Field("custom.kind", "is required");
    Error to = Error::Validation("custom", "must be an object");
    to.FieldsOf(from);
    EXPECT_EQ(to.details["field_codes"]["custom.size"]["params"]["max"], 5);
    EXPECT_EQ(to.details["field_codes"]["custom.kind"]["code"], "required");
    EXPECT_EQ(to.details["field_codes"]["custom"]["code"], "not_an_object");
}

// Every complaint the shared field checks make, for every field type, names a registered key: a
// new check without one fails here.
TEST(FieldMessagesTest, EveryComplaintOfTheFieldChecksHasAKey) {
    std::vector<FieldDef> defs;
    for (int type = 0; type <= static_cast<int>(FieldType::kMoney); ++type) {
        FieldDef def;
        def.name = "f" + std::to_string(type);
        def.type = static_cast<FieldType>(type);
        def.max_length = 3;
        def.required = true;
        def.options = {"a", "b"};
        defs.push_back(def);
    }
    FieldDef readonly;
    readonly.name = "ro";
    readonly.readonly = true;
    defs.push_back(readonly);
    const EntityMeta meta{"test", defs};
    const std::vector<json> bad_values = {json(nullptr),
                                          json(12),
                                          json(-1),
                                          json("ab"),
                                          json("abcdef"),
                                          json(" "),
                                          json("\x01"),
                                          json(true),
                                          json(json::array({1})),
                                          json(json::array({""})),
                                          json(json::array({"zzz"})),
                                          json(json::object()),
                                          json(std::string(20000, 'x')),
                                          json(json::object({{"k", std::string(17000, 'x')}})),
                                          json(json::object({{"k", "\x01"}})),
                                          json(std::vector<std::string>(51, "a")),
                                          json("1.234"),
                                          json(1.5)};
    std::set<std::string> seen;
    std::set<std::string> known;
    for (const FieldMessageInfo& m : AllFieldMessages()) known.insert(std::string(m.key));
    for (const json& value : bad_values) {
        json body = json::object();
        for (const FieldDef& def : defs) body[def.name] = value;
        body["no_such_field"] = 1;
        body["ro"] = 1;
        Status status = ValidateBody(meta, body, true);
        ASSERT_FALSE(status.ok());
        const json& details = status.error().details;
        for (const auto& [field, message] : details["fields"].items()) {
            ASSERT_TRUE(details["field_codes"].contains(field)) << field << ": " << message;
            const std::string key = details["field_codes"][field]["code"];
            EXPECT_TRUE(known.count(key)) << key;
            EXPECT_EQ(message, FieldMessageText(key, details["field_codes"][field]["params"]));
            seen.insert(key);
        }
    }
    // The walk reaches the checks it means to (a walk that stopped reaching them passes anything).
    for (const char* key :
         {"required", "unknown_field", "read_only", "too_long", "not_a_phone", "not_an_email",
          "not_an_option", "not_a_date", "not_money", "too_many_items"}) {
        EXPECT_TRUE(seen.count(key)) << key;
    }
}

// Every fixed text a service passes as a field message (Validation("f", "text"), .Field("f",
// "text")) is a registered one, so the web can show it in the user's language: a new fixed
// message without a registry entry fails here, with the file named.
TEST(FieldMessagesTest, EveryFixedFieldMessageInTheSourcesIsRegistered) {
    namespace fs = std::filesystem;
    // __FILE__ is relative to the build directory, two above the binary (build/<preset>).
    fs::path file(__FILE__);
    if (file.is_relative()) file = fs::path(GUANXI_BINARY).parent_path().parent_path() / file;
    const fs::path src = file.lexically_normal().parent_path().parent_path();
    ASSERT_TRUE(fs::exists(src / "core" / "error.cpp")) << src;
    static const std::regex kCall(
        R"re((?:Validation|\.Field)\(\s*[^,;()]+,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\))re");
    static const std::regex kLiteral(R"re("((?:[^"\\]|\\.)*)")re");
    size_t checked = 0;
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".cpp" || name.find("_test") != std::string::npos) continue;
        if (name == "error.cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (auto it = std::sregex_iterator(source.begin(), source.end(), kCall);
             it != std::sregex_iterator(); ++it) {
            std::string message;
            const std::string literals = (*it)[1];
            for (auto l = std::sregex_iterator(literals.begin(), literals.end(), kLiteral);
                 l != std::sregex_iterator(); ++l) {
                message +=
                    std::regex_replace(std::string((*l)[1]), std::regex(R"re(\\(.))re"), "$1");
            }
            const bool registered =
                std::any_of(AllFieldMessages().begin(), AllFieldMessages().end(),
                            [&](const FieldMessageInfo& m) { return m.en == message; });
            EXPECT_TRUE(registered) << entry.path().filename() << ": \"" << message << "\"";
            ++checked;
        }
    }
    EXPECT_GT(checked, 30u) << "the scan finds the calls it should";
}

// The arguments of the call whose "(" is at `open` in `source`, split at its top-level commas
// (parentheses, braces and string literals skipped); empty when the call does not close.
std::vector<std::string> CallArguments(const std::string& source, size_t open) {
    std::vector<std::string> args(1);
    int depth = 0;
    for (size_t i = open + 1; i < source.size(); ++i) {
        const char c = source[i];
        if (c == '"' || c == '\'') {
            const size_t start = i;
            for (++i; i < source.size() && source[i] != c; ++i) {
                if (source[i] == '\\') ++i;
            }
            args.back() += source.substr(start, i - start + 1);
            continue;
        }
        if (c == '(' || c == '{' || c == '[') ++depth;
        if (c == ')' || c == '}' || c == ']') {
            if (depth == 0) return c == ')' ? args : std::vector<std::string>{};
            --depth;
        }
        if (c == ',' && depth == 0) {
            args.emplace_back();
        } else {
            args.back() += c;
        }
    }
    return {};
}

// A field message built while the server runs — a password rule's minimum, a balance's shortfall,
// a parameter's range, whatever a reader or another check said — cannot be registered as a text:
// it must be sent by its key and parameters (ValidationCode, FieldCode, FieldsOf), or it reaches
// the person in English only. Any Validation(f, <not only literals>) or .Field(f, <not only
// literals>) outside core/error.cpp fails here, with the file and the expression named.
TEST(FieldMessagesTest, NoFieldMessageIsBuiltAtRunTime) {
    namespace fs = std::filesystem;
    fs::path file(__FILE__);
    if (file.is_relative()) file = fs::path(GUANXI_BINARY).parent_path().parent_path() / file;
    const fs::path src = file.lexically_normal().parent_path().parent_path();
    ASSERT_TRUE(fs::exists(src / "core" / "error.cpp")) << src;
    static const std::regex kOnlyLiterals(R"re(\s*(?:"(?:[^"\\]|\\.)*"\s*)+)re");
    size_t checked = 0;
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".cpp" || name.find("_test") != std::string::npos) continue;
        if (name == "error.cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (const std::string_view call : {"Validation(", ".Field("}) {
            for (size_t at = source.find(call); at != std::string::npos;
                 at = source.find(call, at + 1)) {
                const bool part_of_a_name =
                    call.front() != '.' && at > 0 &&
                    (std::isalnum(static_cast<unsigned char>(source[at - 1])) ||
                     source[at - 1] == '_');
                if (part_of_a_name) continue;
                const std::vector<std::string> args = CallArguments(source, at + call.size() - 1);
                if (args.size() != 2) continue;  // a declaration, or another Field
                ++checked;
                EXPECT_TRUE(std::regex_match(args[1], kOnlyLiterals))
                    << name << ": " << call << args[0] << "," << args[1] << ")";
            }
        }
    }
    EXPECT_GT(checked, 30u) << "the scan finds the calls it should";
}

}  // namespace
}  // namespace guanxi
