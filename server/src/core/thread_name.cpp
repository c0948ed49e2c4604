#include "core/thread_name.hpp"

#include <pthread.h>

namespace guanxi::core {

void NameThisThread(const std::string& name) {
    // pthread_setname_np refuses names over 15 bytes; keep the start.
    const std::string shown = name.substr(0, 15);
    (void)pthread_setname_np(pthread_self(), shown.c_str());
}

}  // namespace guanxi::core
