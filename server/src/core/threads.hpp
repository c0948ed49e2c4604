#pragma once
// What the server's own threads tell the operating system about themselves.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace guanxi::core {

// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it (Linux keeps 15 bytes), so
// an operator can tell the HTTP threads, the group-commit writer and the job workers apart.
void NameThisThread(const std::string& name);

// Asks Linux not to let the calling thread preempt the running one when it wakes up
// (SCHED_BATCH: same share of the CPU, no wake-up preemption). For the threads that hand work to
// the group-commit writer and answer for it: on two cores, each request wakes an HTTP thread
// several times, and each wake-up that preempted the writer cost a context switch in the middle
// of a batch (docs/PERFORMANCE.md). Returns false where the system refuses; nothing else changes.
bool WaitYourTurnOnWakeUp();

// Threads that run tasks which spend their time waiting (a write route waits for its group
// commit): many of them, mostly asleep, so that the HTTP threads never block and as many writes
// as there are workers join one commit. Tasks run in the order posted; the destructor finishes
// what is queued.
class WorkerPool {
  public:
    WorkerPool(int threads, const std::string& name);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void Post(std::function<void()> task);

  private:
    void Loop();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace guanxi::core
