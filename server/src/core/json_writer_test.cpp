#include "core/json_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace guanxi {
namespace {

TEST(JsonWriter, WritesNestedValuesThatParseBack) {
    JsonWriter w;
    w.BeginObject()
        .Key("items")
        .BeginArray()
        .BeginObject()
        .Key("id")
        .Int(7)
        .Key("name")
        .String("华强科技 \"Q\" \\ 有限公司")
        .Key("tags")
        .Raw(R"(["VIP","重点"])")
        .Key("owner_id")
        .OptInt(std::nullopt)
        .Key("in_pool")
        .Bool(true)
        .EndObject()
        .BeginObject()
        .EndObject()
        .EndArray()
        .Key("total")
        .Int(-2)
        .EndObject();
    const auto parsed = nlohmann::json::parse(w.text());
    EXPECT_EQ(parsed["items"][0]["name"], "华强科技 \"Q\" \\ 有限公司");
    EXPECT_EQ(parsed["items"][0]["tags"], nlohmann::json({"VIP", "重点"}));
    EXPECT_TRUE(parsed["items"][0]["owner_id"].is_null());
    EXPECT_EQ(parsed["items"][0]["in_pool"], true);
    EXPECT_TRUE(parsed["items"][1].empty());
    EXPECT_EQ(parsed["total"], -2);
}

TEST(JsonWriter, EscapesControlCharactersAndReplacesInvalidUtf8LikeDump) {
    for (const std::string& value :
         {std::string("line\nbreak\ttab\x01\x1f"), std::string("bad \xff\xfe byte"),
          std::string("cut \xe5\x8d"), std::string("overlong \xc0\xaf"),
          std::string("surrogate \xed\xa0\x80"), std::string("emoji \xf0\x9f\x98\x80 ok"),
          std::string("\"quoted\" back\\slash \xe5\x8d\x8e\xe5\xbc\xba\x7f end"), std::string()}) {
        std::string mine;
        AppendJsonString(mine, value);
        const std::string theirs =
            nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        EXPECT_EQ(mine, theirs);
    }
}

}  // namespace
}  // namespace guanxi
