#pragma once
// Requests that create records of any kit type from its definition's example: a JSON create, or
// — for a type whose own route uploads its records (create_by_upload: documents) — a
// multipart form whose `file` part is a small text file named by the example's file_name, with
// the example's other members as form fields.

#include "http/message.hpp"
#include "kit/record_type.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace guanxi::testing {

struct FormField {
    std::string name;
    std::string value;
    std::optional<std::string> filename;  // a file part when set
    std::string content_type;             // the part's Content-Type, if any
};

inline constexpr const char* kTestBoundary = "----GuanxiTestBoundary7MA4YWxkTrZu0gW";

// A multipart/form-data body of `fields`, under kTestBoundary.
inline std::string MultipartBody(const std::vector<FormField>& fields) {
    std::string body;
    for (const FormField& f : fields) {
        body += std::string("--") + kTestBoundary + "\r\nContent-Disposition: form-data; name=\"" +
                f.name + "\"";
        if (f.filename) body += "; filename=\"" + *f.filename + "\"";
        body += "\r\n";
        if (!f.content_type.empty()) body += "Content-Type: " + f.content_type + "\r\n";
        body += "\r\n" + f.value + "\r\n";
    }
    return body + "--" + kTestBoundary + "--\r\n";
}

// A POST of `fields` as a form to `target`, as `token` (a browser's form, as the web sends it).
inline http::Request FormRequest(const std::string& target, const std::vector<FormField>& fields,
                                 const std::string& token) {
    http::Request request;
    request.method = "POST";
    request.SetTarget(target);
    request.remote_ip = "10.0.0.1";
    request.headers["content-type"] = std::string("multipart/form-data; boundary=") + kTestBoundary;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    request.body = MultipartBody(fields);
    return request;
}

// Fills the members of an example that name records of the test's own — an integer member given
// as 0: a customer, or a record of another type (an opportunity's customer, a decision maker's
// contact, a competitor) — for a create in `collection` as `token`. Set by the test fixture
// (ApiTest); unset, examples are sent as declared.
using ExampleFiller = std::function<void(const kit::CompiledType& type,
                                         const std::string& collection, nlohmann::json& example)>;
inline ExampleFiller& CurrentExampleFiller() {
    static ExampleFiller filler;
    return filler;
}

// The body of one create of `type`'s example in `collection`: its records of the test's own
// filled, and each unique field (Field::unique, e.g. a product's code) given a value no earlier
// call gave — so a test may create the example many times. One call is one record: a test that
// sends the same create twice (a retry) builds the body once and sends it twice.
inline nlohmann::json FilledExample(const kit::CompiledType& type, const std::string& collection) {
    static std::atomic<int> serial{0};
    nlohmann::json example = type.type.example;
    if (CurrentExampleFiller()) CurrentExampleFiller()(type, collection, example);
    for (const kit::Field& field : type.type.fields) {
        if (field.unique && example.contains(field.def.name) && example[field.def.name].is_string())
            example[field.def.name] =
                example[field.def.name].get<std::string>() + "-" + std::to_string(++serial);
    }
    return example;
}

// The request creating `type`'s example record (create options set to true) in `collection`.
// `example` is the body (FilledExample) when the test needs to know what it sent.
inline http::Request ExampleCreate(const kit::CompiledType& type, const std::string& collection,
                                   const std::string& token, nlohmann::json example) {
    for (const std::string& option : type.type.create_options) example[option] = true;
    if (type.type.create_by_upload) {
        std::vector<FormField> fields = {
            {"file", "示例文件的内容\n", example.value("file_name", "example.txt"), "text/plain"}};
        for (const auto& [key, value] : example.items()) {
            if (key != "file_name") fields.push_back({key, value.get<std::string>(), {}, {}});
        }
        return FormRequest(collection, fields, token);
    }
    http::Request request;
    request.method = "POST";
    request.SetTarget(collection);
    request.remote_ip = "10.0.0.1";
    request.headers["content-type"] = "application/json";
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    request.body = example.dump();
    return request;
}

inline http::Request ExampleCreate(const kit::CompiledType& type, const std::string& collection,
                                   const std::string& token) {
    return ExampleCreate(type, collection, token, FilledExample(type, collection));
}

}  // namespace guanxi::testing
