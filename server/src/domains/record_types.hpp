#pragma once
// The record types every Guanxi serves (the kit's registry, docs/adr/0006-record-kit.md). A new
// type is one line here, its definition in its domain and a migration per backend.

#include "kit/registry.hpp"

namespace guanxi {

const kit::Registry& RecordTypes();

}  // namespace guanxi
