// The storage ceiling (issue 4): the SQL one benchmark route runs, straight through the sqlite3 C
// API with prepared statements — no HTTP, no JSON, no connection pool. The server can at best match
// it; bench/run reports each route as a ratio to it.
//
//   guanxi_sqlceiling --db FILE --route list|search2|search4|get|followup --user NAME
//                     [--threads N] [--seconds S] [--ids FILE] [--q2 TEXT] [--q4 TEXT] [--out FILE]
//
// Per operation it runs what the server runs for the route (customer_service.cpp, access_gate.cpp,
// search_index.cpp, account_store.cpp as of this commit): the session lookup (with the
// organisation version) and the gate's owner set, each once per thread as the server caches them
// (session cache, owner-set cache), then the route's statements; rows are read column by column.
// Writes use the server's settings (WAL, synchronous=FULL) and its group commit: follow-ups are
// committed kFollowupBatch at a time.

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace {

using P = std::variant<long long, std::string>;
using Params = std::vector<P>;

struct Options {
    std::string db, route = "list", user = "zhang.wei", ids_file, q2 = "华强", q4 = "华强科技", out;
    int threads = 1;
    double seconds = 5;
};

[[noreturn]] void Die(const std::string& message) {
    std::cerr << "guanxi_sqlceiling: " << message << "\n";
    std::exit(1);
}

class Db {
  public:
    explicit Db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &handle_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            nullptr) != SQLITE_OK) {
            Die("cannot open " + path);
        }
        sqlite3_busy_timeout(handle_, 10000);
        Exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
            "PRAGMA wal_autocheckpoint=10000;");
    }
    ~Db() {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
        sqlite3_close(handle_);
    }
    void Exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(handle_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string m = err ? err : "?";
            sqlite3_free(err);
            Die(m + " in " + sql);
        }
    }
    long long LastInsertRowid() const { return sqlite3_last_insert_rowid(handle_); }
    // Binds `params` in order, steps through every row reading every column; returns column 0 of
    // each row as an integer (enough for the callers that need a value back).
    std::vector<long long> Run(const std::string& sql, const std::vector<P>& params) {
        sqlite3_stmt* stmt = Prepare(sql);
        int index = 1;
        for (const auto& p : params) {
            if (const auto* i = std::get_if<long long>(&p)) {
                sqlite3_bind_int64(stmt, index++, *i);
            } else {
                const auto& t = std::get<std::string>(p);
                sqlite3_bind_text(stmt, index++, t.data(), static_cast<int>(t.size()),
                                  SQLITE_STATIC);
            }
        }
        std::vector<long long> first;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const int n = sqlite3_column_count(stmt);
            for (int i = 0; i < n; ++i) {
                switch (sqlite3_column_type(stmt, i)) {
                    case SQLITE_INTEGER:
                        sink_ += sqlite3_column_int64(stmt, i);
                        break;
                    case SQLITE_TEXT:
                        sink_ +=
                            sqlite3_column_bytes(stmt, i) + (sqlite3_column_text(stmt, i) ? 1 : 0);
                        break;
                    default:
                        break;
                }
            }
            first.push_back(sqlite3_column_int64(stmt, 0));
        }
        if (rc != SQLITE_DONE) Die(std::string(sqlite3_errmsg(handle_)) + " in " + sql);
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return first;
    }
    long long changes() const { return sqlite3_changes64(handle_); }

  private:
    sqlite3_stmt* Prepare(const std::string& sql) {
        auto it = cache_.find(sql);
        if (it != cache_.end()) return it->second;
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(handle_, sql.c_str(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
            Die(std::string(sqlite3_errmsg(handle_)) + " in " + sql);
        }
        cache_.emplace(sql, stmt);
        return stmt;
    }
    sqlite3* handle_ = nullptr;
    std::map<std::string, sqlite3_stmt*> cache_;
    long long sink_ = 0;
};

const std::string kColumns =
    "c.id, c.name, c.category, c.owner_id, ou.display_name, c.department_id, d.name, c.industry, "
    "c.region, c.source, c.phone, c.email, c.address, c.tags, c.custom, c.last_contact_at, "
    "c.next_contact_at, c.created_by, c.created_at, c.updated_at, c.version, c.deleted_at, "
    "c.last_owner_id";
const std::string kFrom =
    " FROM customers c LEFT JOIN users ou ON ou.id = c.owner_id LEFT JOIN departments d ON d.id = "
    "c.department_id";
const std::string kSession =
    "SELECT u.id, u.username, u.display_name, u.department_id, u.manager_id, u.role_id, "
    "r.data_scope, r.permissions, o.epoch, o.version FROM sessions s JOIN users u ON u.id = "
    "s.user_id JOIN roles r ON r.id = u.role_id CROSS JOIN org_version o "
    "WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1";
// Follow-ups per transaction: what the server's group commit batches at 16-64 connections.
constexpr size_t kFollowupBatch = 32;
// search_index.cpp kFewOwners, customer_service.cpp kFewPostings.
constexpr size_t kFewOwners = 8;
constexpr long long kFewPostings = 200;
const std::string kSubordinates =
    "WITH RECURSIVE below(id) AS (SELECT id FROM users WHERE manager_id = ? "
    "UNION SELECT u.id FROM users u JOIN below b ON u.manager_id = b.id) SELECT id FROM below";
const std::string kDepartmentUsers = "SELECT id FROM users WHERE department_id = ?";
const std::string kDepartmentTreeUsers =
    "WITH RECURSIVE tree(id) AS (SELECT id FROM departments WHERE id = ? "
    "UNION SELECT d.id FROM departments d JOIN tree t ON d.parent_id = t.id) "
    "SELECT u.id FROM users u JOIN tree t ON u.department_id = t.id";

struct Caller {
    long long user_id = 0, department_id = 0;
    std::string scope, token_hash;
};

long long Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The session lookup and the gate's owner set. The server caches both (the session cache while no
// identity table changed, the owner set per organisation version), so each runs once per thread.
std::vector<long long> OwnerSet(Db& db, const Caller& caller) {
    thread_local std::vector<long long> cached;
    if (!cached.empty()) return cached;
    db.Run(kSession, {caller.token_hash, Now()});
    std::vector<long long> owners = {caller.user_id};
    for (long long id : db.Run(kSubordinates, {caller.user_id})) owners.push_back(id);
    if (caller.scope == "department") {
        for (long long id : db.Run(kDepartmentUsers, {caller.department_id})) owners.push_back(id);
    } else if (caller.scope == "department_tree") {
        for (long long id : db.Run(kDepartmentTreeUsers, {caller.department_id}))
            owners.push_back(id);
    }
    std::sort(owners.begin(), owners.end());
    owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
    cached = owners;
    return owners;
}

std::string Placeholders(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ",?";
    return s;
}

// The list's default: customers assigned within the caller's scope (docs/adr/0002).
std::string Visible(size_t owners) {
    return " WHERE (c.owner_id IN (" + Placeholders(owners) + ")) AND (+c.deleted_at IS NULL)";
}

std::vector<std::string> Bigrams(const std::string& word) {
    std::vector<std::string> points;
    for (size_t i = 0; i < word.size();) {
        const unsigned char c = static_cast<unsigned char>(word[i]);
        const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        points.push_back(word.substr(i, len));
        i += len;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i + 1 < points.size(); ++i) out.push_back(points[i] + points[i + 1]);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// One operation of the route.
void Operation(Db& db, const Options& o, const Caller& caller, const std::vector<long long>& ids,
               size_t n) {
    const std::vector<long long> owners = OwnerSet(db, caller);
    const std::string where = Visible(owners.size());
    Params p(owners.begin(), owners.end());
    // Count, then the page: its ids from the indexes, then those rows with their joins. `from`
    // is " FROM customers c", or with NOT INDEXED when a search reads its postings by id.
    const auto page = [&](const std::string& w, Params params, const std::string& order,
                          const std::string& from = " FROM customers c") {
        db.Run("SELECT COUNT(*)" + from + w, params);
        params.emplace_back(50LL);
        params.emplace_back(0LL);
        db.Run("SELECT " + kColumns + kFrom + " WHERE c.id IN (SELECT c.id" + from + w + order +
                   " LIMIT ? OFFSET ?)" + order,
               params);
    };
    // customer_service.cpp ReadPage: a one-word search whose posting list for the caller has at
    // most kFewPostings entries reads its count and page by id.
    const auto search_from = [&](const std::string& gram) {
        Params count_params{gram};
        count_params.insert(count_params.end(), owners.begin(), owners.end());
        const auto n = db.Run(
            "SELECT COUNT(*) FROM customer_search WHERE gram = ? AND owner_key "
            "IN (" +
                Placeholders(owners.size()) + ")",
            count_params);
        return !n.empty() && n[0] <= kFewPostings ? std::string(" FROM customers c NOT INDEXED")
                                                  : std::string(" FROM customers c");
    };
    const std::string by_update = " ORDER BY c.updated_at DESC, c.id DESC";
    // The caller's postings of one gram (customer_search is keyed by owner).
    const auto postings = [&](Params& params, const std::string& gram) {
        params.emplace_back(gram);
        for (long long id : owners) params.emplace_back(id);
        return "c.id IN (SELECT customer_id FROM customer_search WHERE gram = ? AND owner_key IN "
               "(" +
               Placeholders(owners.size()) + "))";
    };
    if (o.route == "list") {
        page(where, p, " ORDER BY (c.next_contact_at IS NULL), c.next_contact_at ASC, c.id ASC");
    } else if (o.route == "search2") {
        const std::string w = where + " AND ((" + postings(p, o.q2) + "))";
        page(w, p, by_update, search_from(o.q2));
    } else if (o.route == "search4") {
        std::string w, from = " FROM customers c";
        if (owners.size() <= kFewOwners) {
            w = where + " AND ((" + postings(p, Bigrams(o.q4).front()) +
                " AND c.search_text LIKE ? ESCAPE '\\'))";
            from = search_from(Bigrams(o.q4).front());
        } else {
            w = where +
                " AND ((c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?) AND "
                "c.search_text LIKE ? ESCAPE '\\'))";
            p.emplace_back("\"" + o.q4 + "\"");
        }
        p.emplace_back("%" + o.q4 + "%");
        page(w, p, by_update, from);
    } else if (o.route == "get") {
        const long long id = ids[n % ids.size()];
        // One statement: the customer and its live contacts (customer_store.cpp GetWithContacts).
        db.Run("SELECT " + kColumns +
                   ", k.id, k.customer_id, k.name, k.title, k.phone, k.email, k.is_primary, "
                   "k.created_at, k.updated_at, k.version, k.deleted_at" +
                   kFrom +
                   " LEFT JOIN contacts k ON k.customer_id = c.id AND k.deleted_at IS NULL "
                   "WHERE c.id = ? ORDER BY k.is_primary DESC, k.id",
               {id});
    } else if (o.route == "followup") {
        const long long id = ids[n % ids.size()];
        const long long now = Now();
        // One transaction per kFollowupBatch follow-ups, as the group commit runs a batch in
        // which no piece fails (no savepoints).
        thread_local size_t in_batch = 0;
        if (in_batch == 0) db.Exec("BEGIN IMMEDIATE");
        OwnerSet(db, caller);  // the gate, as the writer thread resolves it (cached)
        // The gate's two columns (customer_store.cpp LiveOwners); the answer is built from the
        // values written, so nothing is read back.
        db.Run("SELECT owner_id, last_owner_id FROM customers WHERE id = ? AND deleted_at IS NULL",
               {id});
        // The new id as SqliteConnection::InsertReturningId reads it (no RETURNING).
        db.Run(
            "INSERT INTO followups (customer_id, user_id, kind, content, contacted_at, "
            "next_contact_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
            {id, caller.user_id, std::string("call"),
             std::string("基准测试：电话回访，客户确认下周报价。"), now, now, now});
        const long long fid = db.LastInsertRowid();
        db.Run(
            "UPDATE customers SET last_contact_at = CASE WHEN last_contact_at IS NULL OR "
            "last_contact_at < ? THEN ? ELSE last_contact_at END, updated_at = ?, version = "
            "version + 1 WHERE id = ?",
            {now, now, now, id});
        db.Run(
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, ip, request_id, "
            "details) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {now, caller.user_id, std::string("followup.create"), std::string("customer"), id,
             std::string("127.0.0.1"), std::string("sqlceiling"),
             "{\"followup_id\":" + std::to_string(fid) + "}"});
        if (++in_batch == kFollowupBatch) {
            db.Exec("COMMIT");
            in_batch = 0;
        }
    } else {
        Die("unknown route " + o.route);
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) Die("missing value for " + a);
            return argv[++i];
        };
        if (a == "--db")
            o.db = next();
        else if (a == "--route")
            o.route = next();
        else if (a == "--user")
            o.user = next();
        else if (a == "--threads")
            o.threads = std::stoi(next());
        else if (a == "--seconds")
            o.seconds = std::stod(next());
        else if (a == "--ids")
            o.ids_file = next();
        else if (a == "--q2")
            o.q2 = next();
        else if (a == "--q4")
            o.q4 = next();
        else if (a == "--out")
            o.out = next();
        else
            Die("unknown argument " + a);
    }
    if (o.db.empty()) Die("--db is required");

    Caller caller;
    std::vector<long long> ids;
    {
        Db db(o.db);
        sqlite3* raw = nullptr;
        sqlite3_open_v2(o.db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(raw,
                           "SELECT u.id, COALESCE(u.department_id, 0), r.data_scope, "
                           "(SELECT token_hash FROM sessions s WHERE s.user_id = u.id ORDER BY "
                           "s.created_at DESC LIMIT 1) "
                           "FROM users u JOIN roles r ON r.id = u.role_id WHERE u.username = ?",
                           -1, &stmt, nullptr);
        sqlite3_bind_text(stmt, 1, o.user.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(stmt) != SQLITE_ROW) Die("no user " + o.user);
        caller.user_id = sqlite3_column_int64(stmt, 0);
        caller.department_id = sqlite3_column_int64(stmt, 1);
        caller.scope = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
        const unsigned char* token = sqlite3_column_text(stmt, 3);
        caller.token_hash = token ? reinterpret_cast<const char*>(token) : "none";
        sqlite3_finalize(stmt);
        sqlite3_close(raw);
    }
    if (!o.ids_file.empty()) {
        std::ifstream in(o.ids_file);
        for (long long id; in >> id;) ids.push_back(id);
    }
    if ((o.route == "get" || o.route == "followup") && ids.empty())
        Die("--ids is required for " + o.route);

    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::vector<double> latencies_ms;
    std::vector<std::thread> threads;
    const auto started = std::chrono::steady_clock::now();
    for (int t = 0; t < o.threads; ++t) {
        threads.emplace_back([&, t] {
            Db db(o.db);
            std::vector<double> mine;
            size_t n = static_cast<size_t>(t) * 7919;
            while (!stop.load(std::memory_order_relaxed)) {
                const auto a = std::chrono::steady_clock::now();
                Operation(db, o, caller, ids, n++);
                mine.push_back(
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a)
                        .count());
            }
            std::lock_guard lock(mutex);
            latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
    for (auto& th : threads) th.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto pct = [&](double p) {
        if (latencies_ms.empty()) return 0.0;
        return latencies_ms[std::min(
            latencies_ms.size() - 1,
            static_cast<size_t>(p / 100.0 * static_cast<double>(latencies_ms.size())))];
    };
    char json[512];
    std::snprintf(json, sizeof json,
                  "{\"route\":\"%s\",\"user\":\"%s\",\"threads\":%d,\"requests\":%zu,\"seconds\":%."
                  "3f,\"rps\":%.1f,"
                  "\"p50_ms\":%.3f,\"p99_ms\":%.3f}",
                  o.route.c_str(), o.user.c_str(), o.threads, latencies_ms.size(), seconds,
                  static_cast<double>(latencies_ms.size()) / seconds, pct(50), pct(99));
    if (o.out.empty()) {
        std::cout << json << "\n";
    } else {
        std::ofstream(o.out) << json << "\n";
    }
    return latencies_ms.empty() ? 1 : 0;
}
