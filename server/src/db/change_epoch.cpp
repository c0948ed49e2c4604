#include "db/change_epoch.hpp"

#include <atomic>

namespace guanxi::db {

namespace {
std::atomic<std::uint64_t> epoch{0};
}

bool IsIdentityTable(std::string_view table) {
    return table == "users" || table == "roles" || table == "sessions" || table == "departments" ||
           table == "org_version";
}

std::uint64_t IdentityEpoch() { return epoch.load(std::memory_order_acquire); }

void BumpIdentityEpoch() { epoch.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace guanxi::db
