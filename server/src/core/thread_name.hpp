#pragma once
// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it (Linux keeps 15 bytes), so
// an operator can tell the HTTP threads, the group-commit writer and the job workers apart.

#include <string>

namespace guanxi::core {

void NameThisThread(const std::string& name);

}  // namespace guanxi::core
