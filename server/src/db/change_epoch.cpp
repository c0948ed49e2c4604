#include "db/change_epoch.hpp"

#include <atomic>

namespace guanxi::db {

namespace {
std::atomic<std::uint64_t> identity_epoch{0};
std::atomic<std::uint64_t> data_epoch{0};
}  // namespace

bool IsIdentityTable(std::string_view table) {
    return table == "users" || table == "roles" || table == "sessions" || table == "departments" ||
           table == "org_version";
}

std::uint64_t IdentityEpoch() { return identity_epoch.load(std::memory_order_acquire); }

void BumpIdentityEpoch() { identity_epoch.fetch_add(1, std::memory_order_acq_rel); }

std::uint64_t DataEpoch() { return data_epoch.load(std::memory_order_acquire); }

void BumpDataEpoch() { data_epoch.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace guanxi::db
