#pragma once
// Where documents' bytes live: one file per distinct content, named by its SHA-256, under
// <dir>/<first two hex digits>/<sha256> (OPERATIONS.md: the data folder's documents/, shared by
// every node serving one PostgreSQL). A file is written once and never changed; the same content
// uploaded again is stored once. Thread-safe (and safe across processes sharing the folder).

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace guanxi::customers {

class DocumentFiles {
  public:
    // `dir` is made on first use.
    explicit DocumentFiles(std::string dir);

    const std::string& dir() const { return dir_; }

    // The SHA-256 of `bytes`, as 64 lower-case hex digits.
    static std::string Sha256(std::string_view bytes);

    // Stores `bytes` (durably: written to a temporary file beside its final name, fsynced, renamed
    // over it, the folder fsynced) unless a file with its hash and size is there already; returns
    // the hash.
    Result<std::string> Put(std::string_view bytes);

    // The stored file of `sha256` (64 lower-case hex digits; anything else is refused).
    Result<std::string> PathOf(std::string_view sha256) const;

    // A new name for the stored file of `sha256` in <dir>/tmp (a hard link, or a copy where links
    // are not possible), for http::Response::file — which the server removes once it has opened
    // it, leaving the stored file as it was. 500 when the stored file is missing.
    Result<std::string> Checkout(std::string_view sha256) const;

  private:
    std::string dir_;
};

}  // namespace guanxi::customers
