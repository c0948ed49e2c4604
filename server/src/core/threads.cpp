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

WorkerPool::WorkerPool(int threads, const std::string& name) {
    for (int i = 0; i < threads; ++i) {
        threads_.emplace_back([this, name] {
            NameThisThread(name);
            WaitYourTurnOnWakeUp();
            Loop();
        });
    }
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void WorkerPool::Post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void WorkerPool::Loop() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        task();
    }
}

}  // namespace guanxi::core
