#pragma once
// Transport-neutral request and response. The Beast server (server.cpp) converts to and from these,
// so handlers and in-process tests never touch Beast types.

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace guanxi::http {

class EventStream;  // http/event_stream.hpp

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string path;    // percent-decoded, without the query string
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    std::unordered_map<std::string, std::string> headers;    // names lower-cased
    std::string body;
    // On upload routes (RouteOptions::upload) the server streams the body to this file instead; it
    // removes the file after answering unless the handler moved it away.
    std::string body_file;
    std::string remote_ip;
    std::string request_id;

    // Builds method, path and query from a raw target such as "/api/v1/customers?q=%E7%A7%91".
    // Returns false when the target is not valid (bad escapes, invalid UTF-8).
    bool SetTarget(std::string_view target);

    std::optional<std::string> QueryValue(std::string_view key) const;
    std::optional<std::string> Header(std::string_view lower_name) const;
    std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // When set, the body is this file, sent from disk in pieces (body stays empty), and the file
    // is removed once opened for sending: large downloads (exports) never sit in memory whole.
    std::string file;
    // When set, the answer is a stream of Server-Sent Events (http/event_stream.hpp): the server
    // writes a 200 text/event-stream head (with `headers`) and then what the stream is sent, until
    // it closes or the client goes away. status, body and file are not used.
    std::shared_ptr<EventStream> events;

    static Response Json(int status, const nlohmann::json& value);
    // A body that is JSON text already (JsonWriter).
    static Response JsonText(int status, std::string body);
    static Response NoContent();
    static Response FromError(const Error& error);

    Response& SetHeader(std::string name, std::string value);
    std::optional<std::string> HeaderValue(std::string_view name) const;
};

// Decodes %XX escapes (and '+' as space when `plus_is_space`); nullopt when malformed.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

}  // namespace guanxi::http
