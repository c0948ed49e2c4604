#pragma once
// The HTTP/1.1 server: Boost.Beast with C++20 coroutines, keep-alive, header and body limits, read
// and idle timeouts, and graceful shutdown on SIGTERM/SIGINT (stop accepting, finish requests in
// flight, then return).

#include "core/error.hpp"
#include "http/router.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace guanxi::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;
    int threads = 4;
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 8 * 1024 * 1024;
    // Upload routes (RouteOptions::upload) stream their body to a file in this folder, up to
    // upload_limit bytes. Empty: uploads are read into memory like any body.
    std::string upload_dir;
    std::uint64_t upload_limit = 512ull * 1024 * 1024;
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds shutdown_grace{20};
};

class Server {
  public:
    Server(Router& router, ServerOptions options);
    ~Server();

    // Binds and serves until a signal or Stop(). Calls `on_listening` with the bound port (useful
    // with port 0) once accepting. Returns after in-flight requests finished.
    Status Run(const std::function<void(unsigned short)>& on_listening = {});
    // Asks Run() to shut down gracefully; safe from any thread.
    void Stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Parses "host:port" (port may be 0). False when malformed.
bool ParseListen(const std::string& listen, std::string& host, unsigned short& port);

}  // namespace guanxi::http
