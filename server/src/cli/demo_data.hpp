#pragma once
// Realistic demo data: departments, roles' users with a manager chain, Chinese and English
// companies with contacts and follow-up histories. Deterministic for a given seed.

#include "cli/app.hpp"

namespace guanxi::demo {

struct DemoOptions {
    std::int64_t customers = 1000;
    std::int64_t followups_per_customer = 3;  // average
    // The share of owned customers (not "not interested") with an opportunity on the default
    // pipeline: 0.35 gives about 0.3 per customer (300k at 1M, the board's benchmark size).
    double opportunity_share = 0.35;
    std::uint64_t seed = 42;
    // Organisation size, 总部 included / the 13 named demo users included. Smaller values (the
    // default) give the demo's five departments and 13 users.
    std::int64_t departments = 0;
    std::int64_t salespeople = 0;
    std::string password = "demo1234";  // every demo user's password
};

struct DemoSummary {
    std::int64_t departments = 0;
    std::int64_t users = 0;
    std::int64_t customers = 0;
    std::int64_t contacts = 0;
    std::int64_t followups = 0;
    std::int64_t opportunities = 0;
};

// Adds the data set to the App's database (which may already hold the admin).
Result<DemoSummary> Generate(App& app, const DemoOptions& options);

}  // namespace guanxi::demo
