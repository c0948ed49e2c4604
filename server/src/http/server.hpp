#pragma once
// The HTTP/1.1 server: Boost.Beast with C++20 coroutines, keep-alive, header and body limits, read
// and idle timeouts, and graceful shutdown on SIGTERM/SIGINT (stop accepting, finish requests in
// flight, then return).

#include "core/error.hpp"
#include "http/router.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;
    int threads = 4;
    std::size_t header_limit = 16 * 1024;
    // A route's body limit unless it sets its own (RouteOptions::body_limit).
    std::size_t body_limit = 1024 * 1024;
    // All request bodies held in memory at once, over every connection: a body that would pass it
    // is answered 503 busy before it is read.
    std::uint64_t body_budget = 256ull * 1024 * 1024;
    // Upload routes (RouteOptions::upload) stream their body to a file in this folder, up to
    // upload_limit bytes. Empty: uploads are read into memory like any body.
    std::string upload_dir;
    std::uint64_t upload_limit = 512ull * 1024 * 1024;
    // Time for a whole request's headers (and each body read) once its first byte came.
    std::chrono::seconds read_timeout{30};
    // Time a connection may wait for a request's first byte.
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds shutdown_grace{20};
    // An event stream (Response::events) with nothing to send writes a comment line this often,
    // so a client that went away is noticed and proxies keep the connection open.
    std::chrono::milliseconds event_heartbeat{20000};
    // Connections open at once, in all and from one address (a trusted proxy has no per-address
    // cap); a connection past either is answered 503 and closed. The total is lowered to fit the
    // process's descriptor limit.
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_address = 256;
    // Addresses or networks ("10.0.0.0/8", "::1") of proxies whose X-Forwarded-For names the
    // client: the client address (Request::remote_ip) is then the rightmost address in it that is
    // not a trusted proxy. Without any, X-Forwarded-For is ignored.
    std::vector<std::string> trusted_proxies;
};

// A set of addresses and networks, such as ServerOptions::trusted_proxies.
class AddressSet {
  public:
    // Nullopt when an entry is neither an address nor a network ("a.b.c.d/n", "x::y/n").
    static std::optional<AddressSet> Parse(const std::vector<std::string>& entries);
    bool Contains(std::string_view address) const;
    bool empty() const { return networks_.empty(); }

  private:
    struct Network {
        std::array<unsigned char, 16> bytes{};  // IPv4 as its IPv6-mapped form
        int prefix = 0;                         // in bits of the 128
    };
    static std::optional<std::array<unsigned char, 16>> ToBytes(std::string_view address);
    std::vector<Network> networks_;
};

// The client's address: `peer` itself, or when `peer` is a trusted proxy, the rightmost address
// of `forwarded_for` (X-Forwarded-For) that is not one; `peer` when that header is absent or bad.
std::string ClientAddress(const AddressSet& trusted, const std::string& peer,
                          std::string_view forwarded_for);

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
