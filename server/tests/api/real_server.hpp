#pragma once
// The real `guanxi serve` binary over real sockets, for tests of the HTTP layer: a fixture that
// starts it on a free port with a small web root, and a raw HTTP/1.1 client.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include "test_paths.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace guanxi::testing {

namespace fs = std::filesystem;

struct RawReply {
    int status = 0;
    std::string headers;
    std::string body;
};

class Connection {
  public:
    explicit Connection(int port) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        timeval tv{10, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Connection() { close(fd_); }
    bool connected() const { return connected_; }

    void Send(const std::string& data) {
        size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<size_t>(n);
        }
    }

    // Reads one response (Content-Length framed).
    RawReply Read() {
        RawReply reply;
        while (buffer_.find("\r\n\r\n") == std::string::npos && Fill()) {
        }
        const size_t end = buffer_.find("\r\n\r\n");
        if (end == std::string::npos) return reply;
        reply.headers = buffer_.substr(0, end);
        buffer_.erase(0, end + 4);
        std::sscanf(reply.headers.c_str(), "HTTP/1.1 %d", &reply.status);
        std::smatch m;
        size_t length = 0;
        if (std::regex_search(reply.headers, m, std::regex("[Cc]ontent-[Ll]ength: *([0-9]+)")))
            length = std::stoul(m[1]);
        while (buffer_.size() < length && Fill()) {
        }
        reply.body = buffer_.substr(0, length);
        buffer_.erase(0, std::min(length, buffer_.size()));
        return reply;
    }

    // Reads on until `needle` has come (a stream's body, which has no length) or the server
    // stops sending for the socket's receive timeout; everything read so far, unconsumed.
    std::string ReadUntil(const std::string& needle) {
        while (buffer_.find(needle) == std::string::npos && Fill()) {
        }
        return buffer_;
    }

    // True when an answer (or the end) is waiting to be read.
    bool HasData() {
        char c;
        return !buffer_.empty() || recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
    }

    // True when the server closed the connection.
    bool Closed() {
        char c;
        return recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
    }

  private:
    bool Fill() {
        char chunk[65536];
        const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
    }
    int fd_;
    bool connected_ = false;
    std::string buffer_;
};

inline std::string Get(const std::string& path, bool keep_alive = true) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" +
           (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
}

class HttpServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("guanxi_http_" + std::to_string(getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "web" / "assets");
        fs::create_directories(dir_ / "tmp");
        std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>Guanxi</title>";
        std::ofstream(dir_ / "web" / "assets" / "app-3f2a1b.js") << "console.log('guanxi')";
        int out[2];
        ASSERT_EQ(pipe(out), 0);
        pid_ = fork();
        ASSERT_GE(pid_, 0);
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            setenv("GUANXI_ADMIN_PASSWORD", "admin-password", 1);
            setenv("TMPDIR", (dir_ / "tmp").c_str(), 1);  // where exports are written
            for (const auto& [name, value] : ExtraEnv()) setenv(name.c_str(), value.c_str(), 1);
            BeforeExec();
            std::vector<std::string> args = {GUANXI_BINARY, "serve",
                                             "--listen",    "127.0.0.1:0",
                                             "--data",      (dir_ / "data").string(),
                                             "--web-root",  (dir_ / "web").string(),
                                             "--log-level", "warn",
                                             "--threads",   "2"};
            for (auto& flag : ExtraFlags()) args.push_back(std::move(flag));
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(GUANXI_BINARY, argv.data());
            _exit(127);
        }
        close(out[1]);
        // The server prints "Guanxi is listening on http://127.0.0.1:PORT/" once it accepts.
        std::string printed;
        char c;
        while (read(out[0], &c, 1) == 1) {
            printed.push_back(c);
            std::smatch m;
            if (c == '\n' &&
                std::regex_search(printed, m,
                                  std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)/"))) {
                port_ = std::stoi(m[1]);
                break;
            }
        }
        stdout_fd_ = out[0];
        ASSERT_GT(port_, 0) << printed;
    }

    // Flags added to `guanxi serve` by a fixture that starts the server differently.
    virtual std::vector<std::string> ExtraFlags() const { return {}; }
    // Environment variables set for the server by such a fixture.
    virtual std::vector<std::pair<std::string, std::string>> ExtraEnv() const { return {}; }
    // Runs in the forked child just before the server is started (limits, ...).
    virtual void BeforeExec() const {}

    void TearDown() override {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        close(stdout_fd_);
        fs::remove_all(dir_);
    }

    // Sends SIGTERM and returns the exit status (or -1 if it did not stop within 15 s).
    int Terminate() {
        kill(pid_, SIGTERM);
        for (int i = 0; i < 300; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return -1;
    }

    fs::path dir_;
    pid_t pid_ = -1;
    int port_ = 0;
    int stdout_fd_ = -1;
};

// Signs in as the admin on `conn`; the Authorization header line to send with later requests.
inline std::string AdminAuthorization(Connection& conn) {
    const std::string login = R"({"username":"admin","password":"admin-password"})";
    conn.Send(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(login.size()) + "\r\n\r\n" + login);
    RawReply logged_in = conn.Read();
    EXPECT_EQ(logged_in.status, 200) << logged_in.body;
    return "Authorization: Bearer " +
           nlohmann::json::parse(logged_in.body)["token"].get<std::string>() + "\r\n";
}

}  // namespace guanxi::testing
