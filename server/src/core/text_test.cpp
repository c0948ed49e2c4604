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

TEST(TextTest, PhonesLookLikePhones) {
    for (const char* phone :
         {"13800138000", "+86 138-0013-8000", "0086 138 0013 8000", "(+86) 138.0013.8000",
          "(010) 6552-1234", "010-65521234", "400-800-8888", "95555", "+1 (212) 555-0100",
          "0755 8888 1234 ext 12", "0755-88881234 ext. 3", "010-65521234 x12", "010-65521234#8",
          "010-65521234转123"}) {
        EXPECT_TRUE(IsPhoneNumber(phone)) << phone;
    }
    for (const char* not_phone :
         {"", "2026-11-28", "2026.11.28", "2026-11-28T08:00:00Z", "call me", "1234", "138 abc 8000",
          "13800138000 ext", "13800138000 ext 1234567", "138+0013", "--13800138000", "13800138000-",
          "(010 6552-1234", "010) 6552-1234", "()13800138000", "138---0013-8000",
          "123456789012345678901", "138\x000013", "１３８００１３８０００"}) {
        EXPECT_FALSE(IsPhoneNumber(not_phone)) << not_phone;
    }
}

TEST(TextTest, ControlCharactersAreFoundWhereverTheyAre) {
    using namespace std::string_literals;
    EXPECT_FALSE(HasControlCharacters("深圳 华强", false));
    EXPECT_TRUE(HasControlCharacters("a\0b"s, false));
    EXPECT_TRUE(HasControlCharacters("a\0b"s, true));
    EXPECT_TRUE(HasControlCharacters("a\x01", true));
    EXPECT_TRUE(HasControlCharacters("a\x7F", true));
    EXPECT_TRUE(HasControlCharacters("a\u0085b", true));    // NEL, a C1 control
    EXPECT_FALSE(HasControlCharacters("a\u00A0b", false));  // no-break space is text
    EXPECT_TRUE(HasControlCharacters("line\nline", false));
    EXPECT_FALSE(HasControlCharacters("line\r\nline\tcell", true));
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

// Tags and multi-choices in an imported cell, as people type them in Chinese or English.
TEST(SplitListCellTest, SplitsAtHalfAndFullWidthSeparatorsAndDropsEmptyItems) {
    EXPECT_EQ(SplitListCell("重点；华东，老客户、 vip ;;b|c "),
              (std::vector<std::string>{"重点", "华东", "老客户", "vip", "b", "c"}));
    EXPECT_TRUE(SplitListCell(" ; ，").empty());
    EXPECT_EQ(SplitListCell("单个"), std::vector<std::string>{"单个"});
}

}  // namespace
}  // namespace guanxi::text
