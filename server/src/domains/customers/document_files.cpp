#include "domains/customers/document_files.hpp"

#include "http/router.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace guanxi::customers {

namespace fs = std::filesystem;

namespace {

Error IoError(std::string_view what, const std::string& path, int error) {
    return Error::Internal("documents: " + std::string(what) + " " + path + ": " +
                           std::strerror(error));
}

// fsync of a file or folder by path.
Status Sync(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return IoError("open", path, errno);
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) return IoError("fsync", path, error);
    return {};
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return IoError("write", path, errno);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace

DocumentFiles::DocumentFiles(std::string dir) : dir_(std::move(dir)) {}

std::string DocumentFiles::Sha256(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

Result<std::string> DocumentFiles::PathOf(std::string_view sha256) const {
    const bool hex = sha256.size() == 64 && std::all_of(sha256.begin(), sha256.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) return Error::Internal("documents: not a SHA-256: " + std::string(sha256));
    return (fs::path(dir_) / sha256.substr(0, 2) / sha256).string();
}

Result<std::string> DocumentFiles::Put(std::string_view bytes) {
    const std::string sha256 = Sha256(bytes);
    GX_TRY_ASSIGN(const std::string path, PathOf(sha256));
    std::error_code ec;
    if (fs::file_size(path, ec) == bytes.size() && !ec) return sha256;  // stored already
    const std::string folder = fs::path(path).parent_path().string();
    fs::create_directories(folder, ec);
    if (ec) return Error::Internal("documents: create " + folder + ": " + ec.message());
    // The temporary name is unique to this request, so concurrent uploads of the same content
    // each write their own and the last rename wins with identical bytes.
    const std::string temp = path + "." + http::NewRequestId() + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return IoError("create", temp, errno);
    Status written = WriteAll(fd, bytes, temp);
    if (written && ::fsync(fd) != 0) written = IoError("fsync", temp, errno);
    if (::close(fd) != 0 && written) written = IoError("close", temp, errno);
    if (written && ::rename(temp.c_str(), path.c_str()) != 0) {
        written = IoError("rename", temp, errno);
    }
    if (!written) {
        ::unlink(temp.c_str());
        return std::move(written).error();
    }
    // The rename itself is durable once its folder is synced.
    GX_TRY(Sync(folder, O_RDONLY | O_DIRECTORY));
    return sha256;
}

Result<std::string> DocumentFiles::Checkout(std::string_view sha256) const {
    GX_TRY_ASSIGN(const std::string path, PathOf(sha256));
    const fs::path temp_dir = fs::path(dir_) / "tmp";
    std::error_code ec;
    fs::create_directories(temp_dir, ec);
    if (ec) return Error::Internal("documents: create " + temp_dir.string() + ": " + ec.message());
    const std::string temp = (temp_dir / ("download-" + http::NewRequestId())).string();
    if (::link(path.c_str(), temp.c_str()) == 0) return temp;
    if (errno == ENOENT) return Error::Internal("documents: the stored file is missing: " + path);
    // A file system without hard links (some network shares): a copy.
    fs::copy_file(path, temp, ec);
    if (ec) return Error::Internal("documents: copy " + path + ": " + ec.message());
    return temp;
}

}  // namespace guanxi::customers
