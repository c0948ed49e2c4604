#include "io/encoding.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace guanxi::io {
namespace {

namespace fs = std::filesystem;

// "名称,电话\n深圳华强,138\n" in GBK.
const std::string kGbk =
    "\xC3\xFB\xB3\xC6,\xB5\xE7\xBB\xB0\n\xC9\xEE\xDB\xDA\xBB\xAA\xC7\xBF,138\n";

TEST(EncodingTest, TellsUtf8EvenWhenCutInsideACharacter) {
    const std::string utf8 = "名称,电话\n深圳";
    EXPECT_TRUE(LooksLikeUtf8(utf8));
    EXPECT_TRUE(LooksLikeUtf8(utf8.substr(0, utf8.size() - 1)));  // 圳 cut after 2 of 3 bytes
    EXPECT_FALSE(LooksLikeUtf8(kGbk));
}

TEST(EncodingTest, ConvertsGbkFilesToUtf8) {
    const fs::path dir = fs::temp_directory_path();
    const fs::path from = dir / ("guanxi_gbk_" + std::to_string(getpid()) + ".csv");
    const fs::path to = dir / ("guanxi_utf8_" + std::to_string(getpid()) + ".csv");
    {
        std::ofstream out(from, std::ios::binary);
        // Enough rows that characters straddle the converter's 64 KiB chunks.
        for (int i = 0; i < 20000; ++i) out << kGbk;
    }
    ASSERT_TRUE(ConvertToUtf8(from.string(), to.string(), "GB18030").ok());
    std::ifstream in(to, std::ios::binary);
    std::stringstream converted;
    converted << in.rdbuf();
    std::string expected;
    for (int i = 0; i < 20000; ++i) expected += "名称,电话\n深圳华强,138\n";
    EXPECT_EQ(converted.str(), expected);

    std::ofstream(from, std::ios::binary) << "\x81";  // a lead byte, then the end
    EXPECT_FALSE(ConvertToUtf8(from.string(), to.string(), "GB18030").ok());
    fs::remove(from);
    fs::remove(to);
}

}  // namespace
}  // namespace guanxi::io
