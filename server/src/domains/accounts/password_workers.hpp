#pragma once
// A small pool of threads of its own for argon2id (the login password check), so that a burst of
// logins — an attacker's or a whole office's at nine o'clock — slows only logins, never the HTTP
// threads that answer everything else. The queue is bounded: past it a login is refused at once
// with a clear answer instead of waiting behind an attacker's guesses.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace guanxi::accounts {

class PasswordWorkers {
  public:
    enum class Admission {
        kAdmitted,
        kQueueFull,      // `queue_limit` tasks are queued or running
        kAddressIsBusy,  // this address already has `per_address_limit` of them
    };

    // A place in the queue, held from Reserve() until its task has run (or the ticket is dropped
    // unused). Move-only.
    class Ticket {
      public:
        Ticket() = default;
        Ticket(Ticket&& other) noexcept { *this = std::move(other); }
        Ticket& operator=(Ticket&& other) noexcept;
        ~Ticket();
        bool valid() const { return workers_ != nullptr; }

      private:
        friend class PasswordWorkers;
        Ticket(PasswordWorkers* workers, std::string address)
            : workers_(workers), address_(std::move(address)) {}
        PasswordWorkers* workers_ = nullptr;
        std::string address_;
    };

    // `threads` at least 1. Thread-safe.
    PasswordWorkers(int threads, std::size_t queue_limit, std::size_t per_address_limit);
    // Runs what is queued, then joins the threads.
    ~PasswordWorkers();
    PasswordWorkers(const PasswordWorkers&) = delete;
    PasswordWorkers& operator=(const PasswordWorkers&) = delete;

    // Takes a place for one task from `address`; `ticket` is valid only when admitted.
    Admission Reserve(const std::string& address, Ticket& ticket);
    // Runs `task` on a worker thread; the ticket's place is freed when it has run. `task` must not
    // throw.
    void Submit(Ticket ticket, std::function<void()> task);

  private:
    void Release(const std::string& address);
    void Work();

    const std::size_t queue_limit_;
    const std::size_t per_address_limit_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::pair<Ticket, std::function<void()>>> queue_;
    std::size_t reserved_ = 0;
    std::map<std::string, std::size_t> per_address_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace guanxi::accounts
