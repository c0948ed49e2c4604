#pragma once
// A real SMTP server for tests: Debian's python3-aiosmtpd (smtp_sink.py) as a child process on
// 127.0.0.1, writing each message it accepts to a folder (mail_test.cpp, reminders_test.cpp).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_paths.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace guanxi::testing {

namespace fs = std::filesystem;

inline std::string Python() {
    // Debian's interpreter, which has python3-aiosmtpd, even where another python3 comes first.
    return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

inline int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

inline std::string Slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The sink as a child process, on a port chosen before it starts (so a test can start it late).
class SmtpSink {
  public:
    SmtpSink() : port_(FreePort()) {
        dir_ = fs::temp_directory_path() /
               ("guanxi-smtp-" + std::to_string(getpid()) + "-" + std::to_string(port_));
        fs::create_directories(dir_);
    }
    ~SmtpSink() {
        Stop();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    int port() const { return port_; }
    const fs::path& dir() const { return dir_; }

    void Start(std::vector<std::string> extra = {}) {
        int out[2];
        ASSERT_EQ(pipe(out), 0);
        std::vector<std::string> args = {
            Python(), GUANXI_SMTP_SINK, "--port", std::to_string(port_), "--dir", dir_.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execvp(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        // Waits for "ready" (the sink listens) or its end.
        char buffer[64] = {0};
        const ssize_t n = read(out[0], buffer, sizeof buffer - 1);
        ready_fd_ = out[0];  // open until Stop: the sink may still write
        ASSERT_GT(n, 0) << "the SMTP sink did not start (python3-aiosmtpd installed?)";
        ASSERT_EQ(std::string(buffer, 5), "ready");
    }
    void Stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        close(ready_fd_);
    }

    // The received messages' files, in order of arrival.
    std::vector<fs::path> Messages() const {
        std::vector<fs::path> out;
        for (const auto& entry : fs::directory_iterator(dir_)) {
            if (entry.path().extension() == ".rcpt") out.push_back(entry.path());
        }
        std::sort(out.begin(), out.end());
        for (auto& p : out) p.replace_extension(".eml");
        return out;
    }

  private:
    int port_;
    fs::path dir_;
    pid_t pid_ = -1;
    int ready_fd_ = -1;
};

}  // namespace guanxi::testing
