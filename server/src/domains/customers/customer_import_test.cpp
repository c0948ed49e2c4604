#include "domains/customers/customer_import.hpp"

#include <gtest/gtest.h>

namespace guanxi::customers {
namespace {

using nlohmann::json;

TEST(CustomerImportTest, HeadersMapByFieldNameOrChineseLabel) {
    auto map = MapColumns({"客户名称*", " Phone ", "E-mail", "负责人", "Next contact", "备注", ""});
    ASSERT_TRUE(map.ok());
    EXPECT_EQ(map->fields, (std::vector<std::string>{"name", "phone", "email", "owner",
                                                     "next_contact_at", "", ""}));
    EXPECT_EQ(map->ignored, (std::vector<std::string>{"备注"}));
    EXPECT_TRUE(MapColumns({"名称（必填）"}).ok());
}

TEST(CustomerImportTest, AHeaderWithoutNameOrWithATwiceUsedFieldIsRefused) {
    auto no_name = MapColumns({"phone", "email"});
    ASSERT_FALSE(no_name.ok());
    EXPECT_TRUE(no_name.error().details["fields"].contains("file"));
    EXPECT_FALSE(MapColumns({"name", "电话", "手机"}).ok());
}

TEST(CustomerImportTest, RowsBecomeCreateBodies) {
    auto map = MapColumns({"名称", "分类", "标签", "下次联系", "电话", "负责人", "地区"});
    ASSERT_TRUE(map.ok());
    RowBody row = RowToBody(*map, {" 华强科技 ", "有意向", "VIP；大单、 老客户,x",
                                   "2026-11-28 09:30", "'+86 138 0013 8000", "zhang.wei", ""});
    EXPECT_FALSE(row.bad_field.has_value());
    EXPECT_EQ(row.body, (json{{"name", "华强科技"},
                              {"category", "interested"},
                              {"tags", {"VIP", "大单", "老客户", "x"}},
                              {"next_contact_at", "2026-11-28T09:30:00Z"},
                              {"phone", "+86 138 0013 8000"}}));  // empty cells are left out
    EXPECT_EQ(row.owner, "zhang.wei");
    // Values it cannot read are passed on for validation to refuse, as the API would.
    EXPECT_EQ(RowToBody(*map, {"x", "大客户", "", "tomorrow"}).body,
              (json{{"name", "x"}, {"category", "大客户"}, {"next_contact_at", "tomorrow"}}));
    EXPECT_EQ(RowToBody(*map, {"x", "", "", "2026/11/28"}).body["next_contact_at"],
              "2026-11-28T00:00:00Z");
    EXPECT_EQ(RowToBody(*map, {"\xff\xfe"}).bad_field, "name");
}

TEST(CustomerImportTest, DuplicateModesHaveNames) {
    for (auto mode : {DuplicateMode::kSkip, DuplicateMode::kCreate, DuplicateMode::kUpdate}) {
        EXPECT_EQ(ParseDuplicateMode(DuplicateModeName(mode)), mode);
    }
    EXPECT_FALSE(ParseDuplicateMode("merge").has_value());
}

}  // namespace
}  // namespace guanxi::customers
