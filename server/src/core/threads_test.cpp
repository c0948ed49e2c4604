#include "core/threads.hpp"

#include <gtest/gtest.h>

#include <sched.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace guanxi {
namespace {

// The name `top -H` and `ps -L` show for the calling thread.
std::string ShownName() {
    std::ifstream comm("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name;
}

TEST(ThreadsTest, NamesTheCallingThreadKeepingTheFirst15Bytes) {
    std::string shown, long_shown;
    std::thread([&] {
        core::NameThisThread("gx-test");
        shown = ShownName();
        core::NameThisThread("gx-a-very-long-thread-name");
        long_shown = ShownName();
    }).join();
    EXPECT_EQ(shown, "gx-test");
    EXPECT_EQ(long_shown, "gx-a-very-long-");
}

TEST(ThreadsTest, AThreadThatWaitsItsTurnOnWakeUpRunsAsABatchThreadAndOnlyIt) {
    int policy = -1;
    bool set = false;
    std::thread([&] {
        set = core::WaitYourTurnOnWakeUp();
        policy = sched_getscheduler(0);
    }).join();
    EXPECT_TRUE(set);
    EXPECT_EQ(policy, SCHED_BATCH);
    EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);  // the thread that started it is unchanged
}

}  // namespace
}  // namespace guanxi
