#include "io/file_type.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace guanxi::io {
namespace {

TEST(FileTypeTest, TellsTypesFromContentAlone) {
    EXPECT_EQ(SniffMediaType(
                  std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0", 29)),
              "image/png");
    EXPECT_EQ(SniffMediaType(std::string("\xff\xd8\xff\xe0\0\x10JFIF\0", 11)), "image/jpeg");
    EXPECT_EQ(SniffMediaType("GIF89a\1\0\1\0"), "image/gif");
    EXPECT_EQ(SniffMediaType("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), "application/pdf");
    EXPECT_EQ(SniffMediaType("客户名单\n张三\n"), "text/plain");
    EXPECT_EQ(SniffMediaType("<html><script>alert(1)</script></html>"), "text/html");
    EXPECT_EQ(SniffMediaType(""), "application/octet-stream");
}

TEST(FileTypeTest, ProgramsAndScriptsLookExecutableWhateverTheyAreCalled) {
    // This test program's first MiB (the whole of it under ASan is hundreds of MB, read char by
    // char: minutes on a loaded machine); an upload is judged by its start the same way.
    std::ifstream self("/proc/self/exe", std::ios::binary);
    std::string elf(1 << 20, '\0');
    self.read(elf.data(), static_cast<std::streamsize>(elf.size()));
    elf.resize(static_cast<std::size_t>(self.gcount()));
    ASSERT_GT(elf.size(), 64u);
    EXPECT_TRUE(LooksExecutable(elf));
    // x-pie-executable, or x-sharedlib for the first MiB of one.
    EXPECT_EQ(SniffMediaType(elf).rfind("application/x-", 0), 0u) << SniffMediaType(elf);
    EXPECT_TRUE(LooksExecutable(std::string("MZ\x90\0\3\0\0\0\4\0\0\0", 12)));
    EXPECT_TRUE(LooksExecutable("#!/bin/sh\nrm -rf /\n"));
    EXPECT_TRUE(LooksExecutable("#!/usr/bin/env anything\n"));
    EXPECT_TRUE(LooksExecutable(std::string("\xcf\xfa\xed\xfe\x07\0\0\x01", 8)));
    EXPECT_TRUE(LooksExecutable(std::string("\xca\xfe\xba\xbe\0\0\0\x02", 8)));
    EXPECT_FALSE(LooksExecutable("%PDF-1.4\n"));
    EXPECT_FALSE(LooksExecutable("MZ Trading Co.,13800138000\n"));  // a CSV, not a program
    EXPECT_FALSE(LooksExecutable("# a comment, not #!\n"));
    EXPECT_FALSE(LooksExecutable(""));
}

}  // namespace
}  // namespace guanxi::io
