#include "core/text.hpp"

#include <gtest/gtest.h>

namespace guanxi::text {
namespace {

TEST(TextTest, NormalizesPhonesToDigits) {
    EXPECT_EQ(NormalizePhone("+86 138-0013-8000"), "13800138000");
    EXPECT_EQ(NormalizePhone("0086 13800138000"), "13800138000");
    EXPECT_EQ(NormalizePhone("(010) 6552-1234"), "01065521234");
    EXPECT_EQ(NormalizePhone("ext."), "");
}

TEST(TextTest, NormalizesEmailsToLowerCase) {
    EXPECT_EQ(NormalizeEmail("  Info@Example.COM "), "info@example.com");
}

TEST(TextTest, CompanyNamesIgnoreLegalSuffixes) {
    EXPECT_EQ(NormalizeCompanyName("深圳华强科技有限公司"), "深圳华强科技");
    EXPECT_EQ(NormalizeCompanyName("深圳华强科技股份有限公司"), "深圳华强科技");
    EXPECT_EQ(NormalizeCompanyName("Brightpath Logistics Co., Ltd."), "brightpathlogistics");
    EXPECT_EQ(NormalizeCompanyName("BRIGHTPATH logistics Inc"), "brightpathlogistics");
    // Latin legal forms are whole words only.
    EXPECT_EQ(NormalizeCompanyName("Taco"), "taco");
    EXPECT_NE(NormalizeCompanyName("Disco Ltd"), NormalizeCompanyName("Dis Inc"));
    EXPECT_EQ(NormalizeCompanyName("华强（深圳）科技有限公司"), "华强深圳科技");
    // A name that is only a suffix keeps it rather than becoming empty.
    EXPECT_EQ(NormalizeCompanyName("有限公司"), "有限公司");
}

TEST(TextTest, SearchGramsAreBigramsPlusLastCharacter) {
    const auto grams = SearchGrams("华强科技");
    EXPECT_EQ(grams, (std::vector<std::string>{"华强", "强科", "技", "科技"}));
    EXPECT_EQ(SearchGrams("AB c"), (std::vector<std::string>{"ab", "b", "c"}));
}

TEST(TextTest, RejectsInvalidUtf8) {
    EXPECT_TRUE(IsValidUtf8("科技 ok"));
    EXPECT_FALSE(IsValidUtf8("\xC3\x28"));
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
    EXPECT_FALSE(IsValidUtf8(std::string("a\0b", 3)));
    EXPECT_EQ(CodePointCount("华强ab"), 4u);
}

}  // namespace
}  // namespace guanxi::text
