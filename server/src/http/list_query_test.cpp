// The list-query parser's custom field names: only keys shaped as custom fields' keys are taken,
// so a name no field could have (bytes that are no key, upper case, too long) is a clear 400
// before anything else looks at it — the fuzzer's finding (fuzz_list_query, "custom.\xde\x83...").

#include "http/list_query.hpp"

#include <gtest/gtest.h>

namespace guanxi::http {
namespace {

TEST(ListQueryTest, CustomFieldNamesAreKeysOrRefused) {
    EXPECT_TRUE(IsCustomFieldName("custom.budget"));
    EXPECT_TRUE(IsCustomFieldName("custom.level_2"));
    for (const char* bad : {"custom.", "custom.Budget", "custom.2nd", "custom.a-b", "custom.预算",
                            "custom.\xde\x83\xcd\x83|", "budget", "customs.budget"}) {
        EXPECT_FALSE(IsCustomFieldName(bad)) << bad;
    }
    EXPECT_FALSE(IsCustomFieldName("custom." + std::string(41, 'a')));

    ListSpec spec;
    spec.custom = true;
    auto taken = ParseListQuery({{"custom.budget", "100"}, {"sort", "-custom.budget"}}, spec);
    ASSERT_TRUE(taken.ok());
    EXPECT_EQ(taken->Filter("custom.budget"), "100");
    auto refused = ParseListQuery({{"custom.\xde\x83\xcd\x83|", "1"}}, spec);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnknownFilter);
    EXPECT_EQ(refused.error().details.value("parameter", ""), "custom.\xde\x83\xcd\x83|");
    spec.custom = false;
    EXPECT_FALSE(ParseListQuery({{"custom.budget", "100"}}, spec).ok());
}

}  // namespace
}  // namespace guanxi::http
