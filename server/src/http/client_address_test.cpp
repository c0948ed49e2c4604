// Who the client is behind trusted proxies (X-Forwarded-For), and the JSON nesting scan.

#include "http/router.hpp"
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <string>

namespace guanxi::http {
namespace {

TEST(AddressSetTest, MatchesAddressesAndNetworksOfBothFamilies) {
    auto set = AddressSet::Parse({"10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"});
    ASSERT_TRUE(set);
    EXPECT_TRUE(set->Contains("10.200.3.4"));
    EXPECT_TRUE(set->Contains("192.168.1.7"));
    EXPECT_FALSE(set->Contains("192.168.1.8"));
    EXPECT_FALSE(set->Contains("11.0.0.1"));
    EXPECT_TRUE(set->Contains("fd12::1"));
    EXPECT_TRUE(set->Contains("::1"));
    EXPECT_FALSE(set->Contains("fe80::1"));
    EXPECT_TRUE(set->Contains("::ffff:10.1.2.3"));  // an IPv4 client on an IPv6 socket
    EXPECT_FALSE(set->Contains("not an address"));
    for (const char* bad : {"10.0.0.0/33", "fd00::/129", "10.0.0/8", "proxy.local", "1.2.3.4/x"}) {
        EXPECT_FALSE(AddressSet::Parse({bad})) << bad;
    }
}

TEST(ClientAddressTest, BelievesForwardedForOnlyFromATrustedProxy) {
    auto trusted = AddressSet::Parse({"127.0.0.1", "10.0.0.0/8"});
    ASSERT_TRUE(trusted);
    // A direct client can't claim another address.
    EXPECT_EQ(ClientAddress(*trusted, "203.0.113.5", "198.51.100.1"), "203.0.113.5");
    // Through the proxy: the address the proxy saw.
    EXPECT_EQ(ClientAddress(*trusted, "127.0.0.1", "203.0.113.5"), "203.0.113.5");
    // A client's own forged entry stands left of the one the proxy appended.
    EXPECT_EQ(ClientAddress(*trusted, "127.0.0.1", "1.1.1.1, 203.0.113.5"), "203.0.113.5");
    // Chained trusted proxies are skipped.
    EXPECT_EQ(ClientAddress(*trusted, "127.0.0.1", "203.0.113.5, 10.1.1.1"), "203.0.113.5");
    // A hop that isn't an address ends the trust: the peer it is.
    EXPECT_EQ(ClientAddress(*trusted, "127.0.0.1", "203.0.113.5, junk"), "127.0.0.1");
    EXPECT_EQ(ClientAddress(*trusted, "127.0.0.1", ""), "127.0.0.1");
    auto none = AddressSet::Parse({});
    EXPECT_EQ(ClientAddress(*none, "127.0.0.1", "203.0.113.5"), "127.0.0.1");
}

TEST(JsonDepthTest, CountsNestingOutsideStringsOnly) {
    EXPECT_TRUE(JsonDepthWithin(R"({"a":[1,{"b":2}]})", 3));
    EXPECT_FALSE(JsonDepthWithin(R"({"a":[1,{"b":2}]})", 2));
    EXPECT_TRUE(JsonDepthWithin(R"({"a":"[[[[[[{{{{"})", 1));
    EXPECT_TRUE(JsonDepthWithin(R"({"a":"\"[[[["})", 1));  // an escaped quote stays in the string
    EXPECT_TRUE(JsonDepthWithin(std::string(64, '[') + std::string(64, ']'), 64));
    EXPECT_FALSE(JsonDepthWithin(std::string(65, '[') + std::string(65, ']'), 64));
    EXPECT_FALSE(JsonDepthWithin(std::string(1000000, '['), 64));
}

}  // namespace
}  // namespace guanxi::http
