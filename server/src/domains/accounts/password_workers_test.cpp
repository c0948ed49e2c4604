#include "domains/accounts/password_workers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

namespace guanxi::accounts {
namespace {

using Admission = PasswordWorkers::Admission;

TEST(PasswordWorkersTest, TheQueueIsBoundedInAllAndPerAddress) {
    PasswordWorkers workers(1, 3, 2);
    std::latch release(1);
    std::atomic<int> ran{0};
    const auto submit = [&](const std::string& address) {
        PasswordWorkers::Ticket ticket;
        const Admission admission = workers.Reserve(address, ticket);
        if (admission == Admission::kAdmitted) {
            workers.Submit(std::move(ticket), [&] {
                release.wait();
                ++ran;
            });
        }
        return admission;
    };
    // The one worker is stuck on the first task; the others wait in the queue.
    EXPECT_EQ(submit("10.0.0.1"), Admission::kAdmitted);
    EXPECT_EQ(submit("10.0.0.1"), Admission::kAdmitted);
    EXPECT_EQ(submit("10.0.0.1"), Admission::kAddressIsBusy);
    EXPECT_EQ(submit("10.0.0.2"), Admission::kAdmitted);
    EXPECT_EQ(submit("10.0.0.3"), Admission::kQueueFull);
    release.count_down();
    // Places come back as tasks finish.
    for (int i = 0; i < 1000 && ran < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(ran.load(), 3);
    for (int i = 0; i < 1000; ++i) {
        PasswordWorkers::Ticket probe;
        if (workers.Reserve("10.0.0.3", probe) == Admission::kAdmitted) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(submit("10.0.0.1"), Admission::kAdmitted);
}

TEST(PasswordWorkersTest, AnUnusedTicketGivesItsPlaceBack) {
    PasswordWorkers workers(1, 1, 1);
    {
        PasswordWorkers::Ticket ticket;
        ASSERT_EQ(workers.Reserve("a", ticket), Admission::kAdmitted);
        PasswordWorkers::Ticket other;
        EXPECT_EQ(workers.Reserve("b", other), Admission::kQueueFull);
    }
    PasswordWorkers::Ticket again;
    EXPECT_EQ(workers.Reserve("b", again), Admission::kAdmitted);
}

TEST(PasswordWorkersTest, TasksRunOffTheCallingThreadAndAllRunBeforeShutdown) {
    std::atomic<int> ran{0};
    std::thread::id caller = std::this_thread::get_id();
    std::atomic<bool> elsewhere{true};
    {
        PasswordWorkers workers(2, 16, 16);
        for (int i = 0; i < 10; ++i) {
            PasswordWorkers::Ticket ticket;
            ASSERT_EQ(workers.Reserve("x", ticket), Admission::kAdmitted);
            workers.Submit(std::move(ticket), [&] {
                if (std::this_thread::get_id() == caller) elsewhere = false;
                ++ran;
            });
        }
    }
    EXPECT_EQ(ran.load(), 10);
    EXPECT_TRUE(elsewhere.load());
}

}  // namespace
}  // namespace guanxi::accounts
