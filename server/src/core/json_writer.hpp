#pragma once
// Writes JSON text straight into a string, for hot pages where building nlohmann::json objects
// costs more than the query does (a page of 50 customers: docs/PERFORMANCE.md). Commas are placed
// by the writer; strings are escaped, and invalid UTF-8 becomes U+FFFD as in Response::Json.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi {

class JsonWriter {
  public:
    JsonWriter& BeginObject();
    JsonWriter& EndObject();
    JsonWriter& BeginArray();
    JsonWriter& EndArray();
    JsonWriter& Key(std::string_view key);

    JsonWriter& String(std::string_view value);
    JsonWriter& Int(std::int64_t value);
    JsonWriter& Bool(bool value);
    JsonWriter& Null();
    // A value that is JSON text already (a stored document).
    JsonWriter& Raw(std::string_view json);

    JsonWriter& OptString(const std::optional<std::string>& value);
    JsonWriter& OptInt(const std::optional<std::int64_t>& value);

    const std::string& text() const { return out_; }
    std::string Take() { return std::move(out_); }

  private:
    void BeforeValue();

    std::string out_;
    std::vector<bool> first_;  // per open object/array: no member written yet
    bool after_key_ = false;
};

// Appends `value` as a JSON string literal (quotes included).
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace guanxi
