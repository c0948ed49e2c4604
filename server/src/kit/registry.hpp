#pragma once
// The record types one process serves. Types are added once, at start, before any request;
// afterwards the registry is only read (thread-safe).

#include "kit/record_type.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace guanxi::kit {

class Registry {
  public:
    // Adds a type, deriving its meta, list spec and columns. A second type of the same name is a
    // programmer's error (it aborts).
    void Add(RecordType type);

    const std::vector<std::unique_ptr<CompiledType>>& types() const { return types_; }
    const CompiledType* Find(std::string_view name) const;
    // <name>.view|create|edit|delete|export of every type, for the role editor and the
    // administrator.
    std::vector<std::string> Permissions() const;

  private:
    std::vector<std::unique_ptr<CompiledType>> types_;
};

// The actions every type's permissions name.
inline constexpr std::string_view kActions[] = {"view", "create", "edit", "delete", "export"};

}  // namespace guanxi::kit
