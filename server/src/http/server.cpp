#include <utility>  // before Asio (DESIGN.md)

#include "http/server.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/threads.hpp"
#include "http/compression.hpp"
#include "http/event_stream.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>
#include <sys/socket.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace guanxi::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

bool ParseListen(const std::string& listen, std::string& host, unsigned short& port) {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string port_text = listen.substr(colon + 1);
    if (port_text.empty() || port_text.size() > 5) return false;
    unsigned long value = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (value > 65535) return false;
    port = static_cast<unsigned short>(value);
    return true;
}

std::optional<std::array<unsigned char, 16>> AddressSet::ToBytes(std::string_view address) {
    beast::error_code ec;
    const auto parsed = asio::ip::make_address(std::string(address), ec);
    if (ec) return std::nullopt;
    if (parsed.is_v4()) {
        return asio::ip::make_address_v6(asio::ip::v4_mapped, parsed.to_v4()).to_bytes();
    }
    return parsed.to_v6().to_bytes();
}

std::optional<AddressSet> AddressSet::Parse(const std::vector<std::string>& entries) {
    AddressSet set;
    for (const std::string& entry : entries) {
        const size_t slash = entry.find('/');
        auto bytes = ToBytes(std::string_view(entry).substr(0, slash));
        if (!bytes) return std::nullopt;
        const bool v4 = entry.find(':') == std::string::npos;
        int prefix = 128;
        if (slash != std::string::npos) {
            const std::string bits = entry.substr(slash + 1);
            if (bits.empty() || bits.size() > 3 ||
                bits.find_first_not_of("0123456789") != std::string::npos) {
                return std::nullopt;
            }
            prefix = std::stoi(bits) + (v4 ? 96 : 0);
            if (prefix > 128) return std::nullopt;
        }
        set.networks_.push_back({*bytes, prefix});
    }
    return set;
}

bool AddressSet::Contains(std::string_view address) const {
    const auto bytes = ToBytes(address);
    if (!bytes) return false;
    for (const Network& network : networks_) {
        int bits = network.prefix;
        bool same = true;
        for (size_t i = 0; i < 16 && bits > 0 && same; ++i, bits -= 8) {
            const unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
            same = ((*bytes)[i] & mask) == (network.bytes[i] & mask);
        }
        if (same) return true;
    }
    return false;
}

std::string ClientAddress(const AddressSet& trusted, const std::string& peer,
                          std::string_view forwarded_for) {
    if (trusted.empty() || forwarded_for.empty() || !trusted.Contains(peer)) return peer;
    // Right to left: each proxy appends the address it got the request from.
    std::string_view rest = forwarded_for;
    while (!rest.empty()) {
        const size_t comma = rest.rfind(',');
        std::string_view hop = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
        while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
        beast::error_code ec;
        const auto address = asio::ip::make_address(std::string(hop), ec);
        if (ec) return peer;  // a hop we can't read: trust nothing further left
        const std::string text = address.to_string();
        if (!trusted.Contains(text)) return text;
    }
    return peer;
}

namespace {

// A body at most this large is read before its sender is authenticated (most requests): the
// session check then runs once, in the router. Larger bodies are admitted from the headers first.
constexpr std::uint64_t kSmallBody = 16 * 1024;

}  // namespace

struct Server::Impl {
    Router& router;
    ServerOptions options;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
    std::atomic<bool> stopping{false};
    std::atomic<int> in_flight{0};
    AddressSet trusted_proxies;
    // Bytes of request bodies held in memory now (ServerOptions::body_budget).
    std::atomic<std::uint64_t> body_bytes{0};
    // Open connections, in all and per address (ServerOptions::max_connections*).
    std::mutex connections_mutex;
    std::size_t connections = 0;
    std::unordered_map<std::string, std::size_t> connections_by_address;

    Impl(Router& r, ServerOptions o) : router(r), options(std::move(o)), ioc(options.threads) {}

    // Counts a new connection from `address`; false (and nothing counted) when a cap is reached.
    bool OpenConnection(const std::string& address) {
        std::lock_guard lock(connections_mutex);
        if (connections >= options.max_connections) return false;
        std::size_t& from_address = connections_by_address[address];
        if (from_address >= options.max_connections_per_address &&
            !trusted_proxies.Contains(address)) {
            if (from_address == 0) connections_by_address.erase(address);
            return false;
        }
        ++from_address;
        ++connections;
        return true;
    }

    void CloseConnection(const std::string& address) {
        std::lock_guard lock(connections_mutex);
        --connections;
        auto it = connections_by_address.find(address);
        if (it != connections_by_address.end() && --it->second == 0) {
            connections_by_address.erase(it);
        }
    }

    // A share of the body budget, given back when it goes out of scope.
    class BodyReservation {
      public:
        BodyReservation() = default;
        BodyReservation(const BodyReservation&) = delete;
        BodyReservation& operator=(const BodyReservation&) = delete;
        ~BodyReservation() { Release(); }
        bool Take(Impl& impl, std::uint64_t bytes) {
            Release();
            std::uint64_t held = impl.body_bytes.load();
            do {
                if (held + bytes > impl.options.body_budget) return false;
            } while (!impl.body_bytes.compare_exchange_weak(held, held + bytes));
            impl_ = &impl;
            bytes_ = bytes;
            return true;
        }
        void Release() {
            if (impl_ != nullptr) impl_->body_bytes -= bytes_;
            impl_ = nullptr;
            bytes_ = 0;
        }

      private:
        Impl* impl_ = nullptr;
        std::uint64_t bytes_ = 0;
    };

    // The request's line and headers; the body is added once read.
    Request ToRequest(const bhttp::request_header<>& raw, const std::string& ip, bool& ok) {
        Request request;
        request.method = std::string(raw.method_string().data(), raw.method_string().size());
        ok = request.SetTarget(std::string_view(raw.target().data(), raw.target().size()));
        for (const auto& field : raw) {
            std::string name(field.name_string().data(), field.name_string().size());
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            request.headers[name] = std::string(field.value().data(), field.value().size());
        }
        request.remote_ip =
            ClientAddress(trusted_proxies, ip, request.Header("x-forwarded-for").value_or(""));
        return request;
    }

    // The headers of a response whose body is in place, and its length.
    template <class Body>
    static void FinishHead(bhttp::response<Body>& out, const Response& response, bool keep_alive) {
        out.set(bhttp::field::server, "guanxi");
        for (const auto& [name, value] : response.headers) out.set(name, value);
        out.keep_alive(keep_alive);
        out.prepare_payload();
    }

    static bhttp::response<bhttp::string_body> ToBeast(Response&& response, unsigned version,
                                                       bool keep_alive) {
        bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status),
                                                version};
        out.body() = std::move(response.body);
        FinishHead(out, response, keep_alive);
        return out;
    }

    // A response whose body is a file: opened, then removed (the open descriptor keeps it until
    // sent), then written from disk by Beast in pieces. Nullopt if it cannot be opened.
    static std::optional<bhttp::response<bhttp::file_body>> FileToBeast(Response&& response,
                                                                        unsigned version,
                                                                        bool keep_alive) {
        bhttp::response<bhttp::file_body> out{static_cast<bhttp::status>(response.status), version};
        beast::error_code ec;
        out.body().open(response.file.c_str(), beast::file_mode::scan, ec);
        std::error_code ignored;
        std::filesystem::remove(response.file, ignored);
        if (ec) {
            log::Error("response_file", {{"path", response.file}, {"error", ec.message()}});
            return std::nullopt;
        }
        FinishHead(out, response, keep_alive);
        return out;
    }

    static Response SimpleError(ErrorCode code, std::string message) {
        return Response::FromError(Error{code, std::move(message), {}, {}});
    }

    // One request's answer. Most routes answer inside Router::Dispatch, on the session's own
    // thread: the session takes the response as it returns, with no timer and no wake-up. Async
    // routes (group commit) answer later from another thread; then exactly one of the two sides
    // wins the race out of kPending: the route (the session will find the answer in place) or the
    // session (it waits on a timer that the route cancels through the session's strand).
    struct Answer {
        enum State { kPending, kAnswered, kWaiting };
        std::atomic<int> state{kPending};
        Response response;
        std::optional<asio::steady_timer> arrived;  // made and touched on the session's strand
    };

    bool UploadsEnabled() const { return !options.upload_dir.empty(); }

    static void RemoveBodyFile(const Request& request) {
        if (request.body_file.empty()) return;
        std::error_code ignored;
        std::filesystem::remove(request.body_file, ignored);
    }

    // Streams an upload route's body to a new file in the upload folder (request.body_file), with
    // the read timeout applying to each read rather than to the whole, possibly long, upload.
    asio::awaitable<beast::error_code> ReadUploadBody(
        beast::tcp_stream& stream, beast::flat_buffer& buffer,
        bhttp::request_parser<bhttp::string_body>& header_parser, Request& request) {
        beast::error_code ec;
        bhttp::request_parser<bhttp::file_body> parser(std::move(header_parser));
        parser.body_limit(options.upload_limit);
        std::error_code dir_error;
        std::filesystem::create_directories(options.upload_dir, dir_error);
        request.body_file =
            (std::filesystem::path(options.upload_dir) / ("upload-" + NewRequestId() + ".part"))
                .string();
        parser.get().body().open(request.body_file.c_str(), beast::file_mode::write_new, ec);
        if (ec) {
            log::Error("upload_file", {{"path", request.body_file}, {"error", ec.message()}});
            request.body_file.clear();
            co_return ec;
        }
        if (text::AsciiLower(request.Header("expect").value_or("")) == "100-continue") {
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            stream.expires_after(options.read_timeout);
            co_await bhttp::async_write(stream, go_on,
                                        asio::redirect_error(asio::use_awaitable, ec));
        }
        while (!ec && !parser.is_done()) {
            stream.expires_after(options.read_timeout);
            co_await bhttp::async_read_some(stream, buffer, parser,
                                            asio::redirect_error(asio::use_awaitable, ec));
        }
        parser.get().body().close();
        co_return ec;
    }

    // Answers `response` and ends the connection (its body, if any, was not read).
    asio::awaitable<void> RefuseAndClose(beast::tcp_stream& stream, Response response,
                                         unsigned version) {
        beast::error_code ec;
        auto out = ToBeast(std::move(response), version, false);
        stream.expires_after(options.read_timeout);
        co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    // Counts a connection for as long as its session runs.
    struct ConnectionSlot {
        Impl& impl;
        std::string address;
        ~ConnectionSlot() { impl.CloseConnection(address); }
    };

    asio::awaitable<void> Session(tcp::socket socket, std::string ip) {
        ConnectionSlot slot{*this, ip};
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        beast::error_code ec;
        std::shared_ptr<Answer> answer;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
            // Beast checks a Content-Length against the limit as soon as the headers are read:
            // allow the largest any route takes here, and the route's own limit just below.
            parser.body_limit(
                UploadsEnabled() ? std::max<std::uint64_t>(options.body_limit, options.upload_limit)
                                 : options.body_limit);
            // The idle timeout until a request's first byte, then the read timeout for all of
            // its headers (a client trickling them byte by byte gets no longer).
            if (buffer.size() == 0) {
                stream.expires_after(options.idle_timeout);
                const std::size_t n = co_await stream.async_read_some(
                    buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
                buffer.commit(n);
            }
            if (!ec) {
                stream.expires_after(options.read_timeout);
                co_await bhttp::async_read_header(stream, buffer, parser,
                                                  asio::redirect_error(asio::use_awaitable, ec));
            }
            bool target_ok = true;
            Request request;
            unsigned version = 11;
            bool wants_keep_alive = false;
            Admission admission;
            BodyReservation reservation;
            if (!ec) {
                request = ToRequest(parser.get().base(), ip, target_ok);
                version = parser.get().version();
                wants_keep_alive = parser.get().keep_alive();
                if (version >= 11 && parser.get().find(bhttp::field::host) == parser.get().end()) {
                    co_await RefuseAndClose(
                        stream, SimpleError(ErrorCode::kBadRequest, "The Host header is missing."),
                        version);
                    co_return;
                }
            }
            if (!ec && target_ok) {
                // Who is sending, and how much the route takes, are known from the headers:
                // refuse before reading a byte of the body.
                const std::uint64_t length = parser.content_length().value_or(0);
                // (A request without a body, most of them, has nothing to hold back.)
                if (length > 0 || parser.chunked()) {
                    admission = router.Admit(request, parser.chunked() || length > kSmallBody);
                }
                const bool upload = admission.upload && UploadsEnabled();
                const std::uint64_t limit = upload                     ? options.upload_limit
                                            : admission.body_limit > 0 ? admission.body_limit
                                                                       : options.body_limit;
                if (!admission.refusal && length > limit) {
                    admission.refusal = SimpleError(ErrorCode::kPayloadTooLarge,
                                                    "The request body is too large (at most " +
                                                        std::to_string(limit) + " bytes here).");
                }
                if (!admission.refusal && !upload &&
                    !reservation.Take(*this, parser.chunked() ? limit : length)) {
                    admission.refusal = SimpleError(
                        ErrorCode::kBusy, "The server is busy receiving other requests; retry.");
                }
                if (admission.refusal) {
                    co_await RefuseAndClose(stream, std::move(*admission.refusal), version);
                    co_return;
                }
                if (upload) {
                    ec = co_await ReadUploadBody(stream, buffer, parser, request);
                } else {
                    parser.body_limit(limit);
                    stream.expires_after(options.read_timeout);
                    co_await bhttp::async_read(stream, buffer, parser,
                                               asio::redirect_error(asio::use_awaitable, ec));
                    if (!ec) request.body = std::move(parser.get().body());
                }
            } else if (!ec) {
                // A target we can't read: its body is read (within the default limit) and dropped.
                parser.body_limit(options.body_limit);
                stream.expires_after(options.read_timeout);
                co_await bhttp::async_read(stream, buffer, parser,
                                           asio::redirect_error(asio::use_awaitable, ec));
            }
            if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
                ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
                ec == asio::error::eof) {
                RemoveBodyFile(request);
                break;
            }
            if (ec) {
                RemoveBodyFile(request);
                Response error =
                    ec == bhttp::error::body_limit
                        ? SimpleError(ErrorCode::kPayloadTooLarge, "The request body is too large.")
                    : ec == bhttp::error::header_limit
                        ? SimpleError(ErrorCode::kBadRequest, "The request headers are too large.")
                        : SimpleError(ErrorCode::kBadRequest, "Malformed HTTP request.");
                co_await RefuseAndClose(stream, std::move(error), 11);
                co_return;
            }
            const bool keep_alive = wants_keep_alive && !stopping.load();
            ++in_flight;
            Response response;
            if (target_ok) {
                // (Plain statements around the co_await: GCC 12 miscompiles co_await inside ?:
                // and temporaries captured by a co_await'ed initiation.)
                answer = std::make_shared<Answer>();
                router.Dispatch(request, [answer, executor = stream.get_executor()](Response r) {
                    answer->response = std::move(r);
                    int pending = Answer::kPending;
                    if (answer->state.compare_exchange_strong(pending, Answer::kAnswered)) return;
                    // The session is waiting (or about to, on its strand, before this runs).
                    asio::post(executor, [answer] { answer->arrived->cancel(); });
                });
                int pending = Answer::kPending;
                if (answer->state.compare_exchange_strong(pending, Answer::kWaiting)) {
                    answer->arrived.emplace(stream.get_executor(),
                                            asio::steady_timer::time_point::max());
                    co_await answer->arrived->async_wait(
                        asio::redirect_error(asio::use_awaitable, ec));
                }
                response = std::move(answer->response);
            } else {
                response = SimpleError(ErrorCode::kBadRequest, "The URL is not valid.");
            }
            --in_flight;
            RemoveBodyFile(request);
            request.body = std::string();  // the memory goes back with the reservation
            reservation.Release();
            if (response.events) {
                co_await StreamEvents(stream, std::move(response));
                break;
            }
            stream.expires_after(options.read_timeout);
            std::optional<bhttp::response<bhttp::file_body>> file_out;
            if (!response.file.empty()) {
                file_out = FileToBeast(std::move(response), version, keep_alive);
                if (!file_out) {
                    response = SimpleError(ErrorCode::kInternal, "The download is not available.");
                }
            }
            if (file_out) {
                co_await bhttp::async_write(stream, *file_out,
                                            asio::redirect_error(asio::use_awaitable, ec));
            } else {
                // Here, on the connection's own thread, rather than in the route: a write
                // answered by the group-commit writer does not make it compress too.
                CompressJson(request, response);
                auto out = ToBeast(std::move(response), version, keep_alive);
                co_await bhttp::async_write(stream, out,
                                            asio::redirect_error(asio::use_awaitable, ec));
            }
            if (ec || !keep_alive) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    // An event stream's answer (Response::events): the head, then the frames producers send,
    // woken through the connection's strand; a comment line when nothing was sent for a
    // heartbeat. The body ends with the connection (no length, Connection: close), when the
    // stream is closed, the client goes away (a write fails) or the server stops.
    asio::awaitable<void> StreamEvents(beast::tcp_stream& stream, Response response) {
        const std::shared_ptr<EventStream> events = std::move(response.events);
        std::string head =
            "HTTP/1.1 200 OK\r\nServer: guanxi\r\nContent-Type: text/event-stream; "
            "charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\n"
            "Connection: close\r\n";
        for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
        head += "\r\n";
        stream.expires_never();
        auto executor = stream.get_executor();
        auto timer = std::make_shared<asio::steady_timer>(executor);
        events->OnReady([timer, executor] { asio::post(executor, [timer] { timer->cancel(); }); });
        beast::error_code ec;
        co_await asio::async_write(stream, asio::buffer(head),
                                   asio::redirect_error(asio::use_awaitable, ec));
        while (!ec && !stopping.load()) {
            bool closed = false;
            std::string out = events->Take(closed);
            if (out.empty() && !closed) {
                // Take and the wait run with no suspension between them on the strand, so a wake
                // posted meanwhile cancels this wait rather than being lost.
                timer->expires_after(options.event_heartbeat);
                beast::error_code woken;
                co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, woken));
                if (woken == asio::error::operation_aborted) continue;
                out = ": keep-alive\n\n";
            }
            if (!out.empty()) {
                co_await asio::async_write(stream, asio::buffer(out),
                                           asio::redirect_error(asio::use_awaitable, ec));
            }
            if (closed) break;
        }
        events->OnReady({});
        events->Close();
    }

    // Answers a connection past a cap with a fixed 503 (best effort, never waiting) and closes it.
    static void TurnAway(tcp::socket& socket) {
        static const std::string kBusy = [] {
            const std::string body =
                R"({"error":{"code":"busy","message":"Too many connections; retry shortly.",)"
                R"("details":{}}})";
            return "HTTP/1.1 503 Service Unavailable\r\nServer: guanxi\r\n"
                   "Content-Type: application/json\r\nRetry-After: 5\r\nConnection: close\r\n"
                   "Content-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body;
        }();
        ::send(socket.native_handle(), kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        beast::error_code ec;
        socket.close(ec);
    }

    asio::awaitable<void> Accept() {
        asio::steady_timer backoff(ioc);
        for (;;) {
            beast::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(
                asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopping.load() || ec == asio::error::operation_aborted) co_return;
                // Out of descriptors (or memory): the pending connection stays in the backlog;
                // retrying at once would spin. Wait for sessions to end.
                log::Warn("accept_failed", {{"error", ec.message()}});
                backoff.expires_after(std::chrono::milliseconds(100));
                co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            std::string ip;
            {
                auto endpoint = socket.remote_endpoint(ec);
                if (!ec) ip = endpoint.address().to_string();
            }
            if (!OpenConnection(ip)) {
                TurnAway(socket);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            auto executor = socket.get_executor();
            asio::co_spawn(executor, Session(std::move(socket), std::move(ip)), asio::detached);
        }
    }

    void BeginShutdown() {
        if (stopping.exchange(true)) return;
        log::Info("shutdown_started", {{"in_flight", in_flight.load()}});
        beast::error_code ec;
        acceptor.close(ec);
        asio::co_spawn(ioc, DrainAndStop(), asio::detached);
    }

    // Waits until the requests in flight are answered (or the grace period ends), then stops.
    asio::awaitable<void> DrainAndStop() {
        asio::steady_timer timer(ioc);
        const auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
        beast::error_code ec;
        while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        ioc.stop();
    }
};

Server::Server(Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() = default;

void Server::Stop() {
    asio::post(impl_->ioc, [impl = impl_.get()] { impl->BeginShutdown(); });
}

Status Server::Run(const std::function<void(unsigned short)>& on_listening) {
    Impl& s = *impl_;
    beast::error_code ec;
    auto address = asio::ip::make_address(s.options.address, ec);
    if (ec) {
        return Error{ErrorCode::kBadRequest, "Invalid listen address.", {}, s.options.address};
    }
    auto trusted = AddressSet::Parse(s.options.trusted_proxies);
    if (!trusted) {
        return Error{ErrorCode::kBadRequest, "Invalid trusted proxy address or network.", {}, {}};
    }
    s.trusted_proxies = std::move(*trusted);
    // Leave room under the descriptor limit for the database, uploads and exports.
    if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
        const std::size_t room = files.rlim_cur > 512 ? files.rlim_cur - 256 : files.rlim_cur / 2;
        s.options.max_connections = std::min(s.options.max_connections, room);
    }
    tcp::endpoint endpoint(address, s.options.port);
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return Error{ErrorCode::kUnavailable,
                     "Cannot listen on " + s.options.address + ":" +
                         std::to_string(s.options.port) + ": " + ec.message(),
                     {},
                     ec.message()};
    }
    const unsigned short port = s.acceptor.local_endpoint().port();
    s.signals.async_wait([&s](const beast::error_code& error, int) {
        if (!error) s.BeginShutdown();
    });
    asio::co_spawn(s.ioc, s.Accept(), asio::detached);
    log::Info("listening",
              {{"address", s.options.address}, {"port", port}, {"threads", s.options.threads}});
    if (on_listening) on_listening(port);

    std::vector<std::thread> threads;
    for (int i = 1; i < s.options.threads; ++i) {
        threads.emplace_back([&s, i] {
            core::NameThisThread("gx-http-" + std::to_string(i));
            core::WaitYourTurnOnWakeUp();
            s.ioc.run();
        });
    }
    core::WaitYourTurnOnWakeUp();
    s.ioc.run();
    for (auto& t : threads) t.join();
    log::Info("shutdown_finished");
    return {};
}

}  // namespace guanxi::http
