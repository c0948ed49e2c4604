#include "core/threads.hpp"

#include <pthread.h>
#include <sched.h>

namespace guanxi::core {

void NameThisThread(const std::string& name) {
    // pthread_setname_np refuses names over 15 bytes; keep the start.
    const std::string shown = name.substr(0, 15);
    (void)pthread_setname_np(pthread_self(), shown.c_str());
}

bool WaitYourTurnOnWakeUp() {
    sched_param param{};
    param.sched_priority = 0;  // the only priority SCHED_BATCH has
    return pthread_setschedparam(pthread_self(), SCHED_BATCH, &param) == 0;
}

}  // namespace guanxi::core
