#include <utility>  // before Asio (DESIGN.md)

#include "http/server.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/threads.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <optional>
#include <thread>
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

struct Server::Impl {
    Router& router;
    ServerOptions options;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
    std::atomic<bool> stopping{false};
    std::atomic<int> in_flight{0};

    Impl(Router& r, ServerOptions o) : router(r), options(std::move(o)), ioc(options.threads) {}

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
        request.remote_ip = ip;
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

    asio::awaitable<void> Session(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        beast::error_code ec;
        std::shared_ptr<Answer> answer;
        std::string ip;
        {
            auto endpoint = stream.socket().remote_endpoint(ec);
            if (!ec) ip = endpoint.address().to_string();
        }
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
            // Beast checks a Content-Length against the limit as soon as the headers are read:
            // allow an upload's size here, and the route's own limit just below.
            parser.body_limit(
                UploadsEnabled() ? std::max<std::uint64_t>(options.body_limit, options.upload_limit)
                                 : options.body_limit);
            // Idle timeout until the first byte, then the read timeout for the whole request.
            stream.expires_after(buffer.size() > 0 ? options.read_timeout : options.idle_timeout);
            co_await bhttp::async_read_header(stream, buffer, parser,
                                              asio::redirect_error(asio::use_awaitable, ec));
            bool target_ok = true;
            Request request;
            unsigned version = 11;
            bool wants_keep_alive = false;
            if (!ec) {
                request = ToRequest(parser.get().base(), ip, target_ok);
                version = parser.get().version();
                wants_keep_alive = parser.get().keep_alive();
            }
            if (!ec && target_ok && UploadsEnabled() && router.IsUpload(request)) {
                // Who is sending is known from the headers: refuse strangers before their bytes.
                if (auto refused = router.AdmitUpload(request)) {
                    auto out = ToBeast(std::move(*refused), version, false);
                    stream.expires_after(options.read_timeout);
                    co_await bhttp::async_write(stream, out,
                                                asio::redirect_error(asio::use_awaitable, ec));
                    break;
                }
                ec = co_await ReadUploadBody(stream, buffer, parser, request);
            } else if (!ec) {
                if (parser.content_length().value_or(0) > options.body_limit) {
                    ec = bhttp::error::body_limit;
                } else {
                    parser.body_limit(options.body_limit);
                    stream.expires_after(options.read_timeout);
                    co_await bhttp::async_read(stream, buffer, parser,
                                               asio::redirect_error(asio::use_awaitable, ec));
                    if (!ec) request.body = std::move(parser.get().body());
                }
            }
            if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
                ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
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
                auto out = ToBeast(std::move(error), 11, false);
                stream.expires_after(options.read_timeout);
                co_await bhttp::async_write(stream, out,
                                            asio::redirect_error(asio::use_awaitable, ec));
                break;
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
                auto out = ToBeast(std::move(response), version, keep_alive);
                co_await bhttp::async_write(stream, out,
                                            asio::redirect_error(asio::use_awaitable, ec));
            }
            if (ec || !keep_alive) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    asio::awaitable<void> Accept() {
        for (;;) {
            beast::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(
                asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopping.load() || ec == asio::error::operation_aborted) co_return;
                continue;  // e.g. too many open files: keep serving the others
            }
            socket.set_option(tcp::no_delay(true), ec);
            auto executor = socket.get_executor();
            asio::co_spawn(executor, Session(std::move(socket)), asio::detached);
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
