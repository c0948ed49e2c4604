#pragma once
// What the server's own threads tell the operating system about themselves.

#include <string>

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

}  // namespace guanxi::core
