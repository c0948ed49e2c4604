#include "domains/accounts/password_workers.hpp"

#include "core/threads.hpp"

#include <algorithm>
#include <utility>

namespace guanxi::accounts {

PasswordWorkers::Ticket& PasswordWorkers::Ticket::operator=(Ticket&& other) noexcept {
    if (this != &other) {
        if (workers_) workers_->Release(address_);
        workers_ = std::exchange(other.workers_, nullptr);
        address_ = std::move(other.address_);
    }
    return *this;
}

PasswordWorkers::Ticket::~Ticket() {
    if (workers_) workers_->Release(address_);
}

PasswordWorkers::PasswordWorkers(int threads, std::size_t queue_limit,
                                 std::size_t per_address_limit)
    : queue_limit_(std::max<std::size_t>(queue_limit, 1)),
      per_address_limit_(std::max<std::size_t>(per_address_limit, 1)) {
    for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Work(); });
}

PasswordWorkers::~PasswordWorkers() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
}

PasswordWorkers::Admission PasswordWorkers::Reserve(const std::string& address, Ticket& ticket) {
    std::lock_guard lock(mutex_);
    if (reserved_ >= queue_limit_) return Admission::kQueueFull;
    std::size_t& mine = per_address_[address];
    if (mine >= per_address_limit_) return Admission::kAddressIsBusy;
    ++mine;
    ++reserved_;
    ticket.workers_ = this;
    ticket.address_ = address;
    return Admission::kAdmitted;
}

void PasswordWorkers::Release(const std::string& address) {
    std::lock_guard lock(mutex_);
    --reserved_;
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void PasswordWorkers::Submit(Ticket ticket, std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(std::move(ticket), std::move(task));
    }
    ready_.notify_one();
}

void PasswordWorkers::Work() {
    core::NameThisThread("gx-password");
    // Hashing is bulk CPU work: it takes its share without preempting the writer (ADR 0005).
    core::WaitYourTurnOnWakeUp();
    for (;;) {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued has run
        auto [ticket, task] = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        task();
        // `ticket` frees its place here, after the work and outside the lock.
    }
}

}  // namespace guanxi::accounts
