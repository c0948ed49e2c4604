#include "domains/customers/page_cache.hpp"

#include <gtest/gtest.h>

namespace guanxi::customers {
namespace {

Principal Caller(std::int64_t user_id) {
    Principal p;
    p.user_id = user_id;
    p.role_id = 3;
    return p;
}

http::ListQuery Query(std::vector<std::pair<std::string, std::string>> filters) {
    http::ListQuery q;
    q.sort = {{"next_contact_at", false}};
    q.filters = std::move(filters);
    return q;
}

TEST(PageCacheTest, TheSameQueryInAnyParameterOrderIsOneKeyAndOtherwiseNot) {
    const auto a =
        PageCache::Key(Caller(7), Query({{"category", "core"}, {"region", "上海"}}), false);
    EXPECT_EQ(a,
              PageCache::Key(Caller(7), Query({{"region", "上海"}, {"category", "core"}}), false));
    EXPECT_NE(a,
              PageCache::Key(Caller(8), Query({{"category", "core"}, {"region", "上海"}}), false));
    EXPECT_NE(a,
              PageCache::Key(Caller(7), Query({{"category", "core"}, {"region", "上海"}}), true));
    EXPECT_NE(a, PageCache::Key(Caller(7), Query({{"category", "core"}}), false));
    // Values cannot run into each other: "a" + "bc" is not "ab" + "c".
    EXPECT_NE(PageCache::Key(Caller(7), Query({{"region", "a"}, {"tag", "bc"}}), false),
              PageCache::Key(Caller(7), Query({{"region", "ab"}, {"tag", "c"}}), false));
    http::ListQuery searched = Query({});
    searched.q = "华强";
    EXPECT_NE(PageCache::Key(Caller(7), searched, false),
              PageCache::Key(Caller(7), Query({}), false));
    http::ListQuery second = Query({});
    second.page = 2;
    EXPECT_NE(PageCache::Key(Caller(7), second, false),
              PageCache::Key(Caller(7), Query({}), false));
}

TEST(PageCacheTest, APageAnswersOnlyAtTheEpochItWasReadAt) {
    PageCache cache(true);
    cache.Put("k", 5, "page at 5");
    EXPECT_EQ(cache.Find("k", 5), "page at 5");
    EXPECT_EQ(cache.Find("k", 6), std::nullopt);  // the database changed: everything goes
    EXPECT_EQ(cache.Find("k", 5), std::nullopt);
    cache.Put("k", 5, "read before the change");  // finished reading after the epoch moved
    EXPECT_EQ(cache.Find("k", 6), std::nullopt);
    cache.Put("k", 6, "page at 6");
    EXPECT_EQ(cache.Find("k", 6), "page at 6");
    const PageCache::Stats s = cache.stats();
    EXPECT_EQ(s.hits, 2u);
    EXPECT_EQ(s.misses, 3u);
    EXPECT_EQ(s.entries, 1u);
}

TEST(PageCacheTest, KeepsWithinItsBytesDroppingTheLeastRecentlyUsed) {
    PageCache cache(true, 4000);
    const std::string page(900, 'x');
    for (const char* key : {"a", "b", "c", "d"}) cache.Put(key, 1, page);
    ASSERT_TRUE(cache.Find("a", 1));  // "a" is now the most recently used
    cache.Put("e", 1, page);          // over 4000 bytes: "b" goes
    EXPECT_TRUE(cache.Find("a", 1));
    EXPECT_FALSE(cache.Find("b", 1));
    EXPECT_TRUE(cache.Find("e", 1));
    EXPECT_LE(cache.stats().bytes, 4000u);
    cache.Put("huge", 1, std::string(2000, 'y'));  // over a quarter of the budget: not kept
    EXPECT_FALSE(cache.Find("huge", 1));
}

TEST(PageCacheTest, ADisabledCacheKeepsNothing) {
    PageCache cache(false);
    cache.Put("k", 1, "page");
    EXPECT_EQ(cache.Find("k", 1), std::nullopt);
}

}  // namespace
}  // namespace guanxi::customers
