#include "domains/customers/search_index.hpp"

#include "core/text.hpp"
#include "db/group_commit.hpp"
#include "db/sql_builder.hpp"

#include <algorithm>
#include <unordered_map>
#include <variant>

namespace guanxi::customers::search {

namespace {

constexpr std::string_view kSources =
    "SELECT name, phone, phone_norm, email FROM customers WHERE id = ? "
    "UNION ALL SELECT name, phone, phone_norm, email FROM contacts WHERE customer_id = ? AND "
    "deleted_at IS NULL";
constexpr std::string_view kOwnerKey = "SELECT coalesce(owner_id, 0) FROM customers WHERE id = ?";
constexpr std::string_view kDeleteGrams = "DELETE FROM customer_search WHERE customer_id = ?";
constexpr std::string_view kSetSearchText = "UPDATE customers SET search_text = ? WHERE id = ?";
// SQLite: many customers' search_text in one statement (one FTS5 segment for all of them).
constexpr std::string_view kSetSearchTextsHead =
    "UPDATE customers SET search_text = v.column2 FROM (VALUES ";
constexpr std::string_view kSetSearchTextsTail = ") AS v WHERE customers.id = v.column1";
constexpr size_t kSearchTextsPerStatement = 256;
constexpr size_t kInsertBatch = 64;
// Up to this many owners, a search probes their customers (or their postings of one bigram)
// instead of reading a whole posting list or the trigram index (docs/PERFORMANCE.md).
constexpr size_t kFewOwners = 8;
// The largest code point: a gram starting with X lies in [X, X + U+10FFFF].
constexpr std::string_view kMaxCodePoint = "\xF4\x8F\xBF\xBF";
constexpr std::string_view kProbeRange =
    "EXISTS (SELECT 1 FROM customer_search s WHERE s.customer_id = c.id AND s.gram >= ? AND "
    "s.gram <= ?)";

// A bigram every text containing `word` has in the index ("" when the word has none).
std::string AnyBigram(const std::string& word) {
    for (std::string& gram : text::SearchGrams(word)) {
        if (text::CodePoints(gram).size() == 2) return std::move(gram);
    }
    return {};
}

// The one gram whose postings answer a word of two or more code points: the word itself, or for a
// longer word among few owners one of its bigrams (LIKE then checks the word); "" when none does.
std::string PostingGram(const std::string& word, size_t points, const Owners& owners) {
    if (points == 2) return word;
    if (points > 2 && owners.Few()) return AnyBigram(word);
    return {};
}

// The postings' owner condition (" AND owner_key …"), its parameters appended to `params`.
std::string OwnerCondition(const Owners& owners, db::Params& params) {
    if (owners.kind == Owners::Kind::kOwned) return " AND owner_key > 0";
    if (owners.kind != Owners::Kind::kKeys) return "";
    for (std::int64_t key : owners.keys) params.emplace_back(key);
    return " AND owner_key IN (" + db::Placeholders(owners.keys.size()) + ")";
}

// `c.id IN (the customers among owners' postings of grams <condition>)`; as an array of ids on
// PostgreSQL when `by_id`.
std::string Postings(std::string_view condition, const Owners& owners, db::Params& params,
                     bool by_id) {
    const std::string postings = "SELECT customer_id FROM customer_search WHERE " +
                                 std::string(condition) + OwnerCondition(owners, params);
    return by_id ? "c.id = ANY(ARRAY(" + postings + "))" : "c.id IN (" + postings + ")";
}

// Writes search_text for rows of (customer id, text); a later row for the same customer wins.
Status WriteSearchTexts(db::Connection& conn, const std::vector<db::Params>& rows) {
    if (conn.backend() != db::Backend::kSqlite || rows.size() == 1) {
        for (const auto& row : rows) GX_TRY(conn.Execute(kSetSearchText, {row[1], row[0]}));
        return {};
    }
    std::vector<size_t> last;  // the last row of each customer, in order
    {
        std::unordered_map<std::int64_t, size_t> seen;
        for (size_t i = 0; i < rows.size(); ++i) seen[std::get<std::int64_t>(rows[i][0])] = i;
        for (size_t i = 0; i < rows.size(); ++i) {
            if (seen[std::get<std::int64_t>(rows[i][0])] == i) last.push_back(i);
        }
    }
    for (size_t start = 0; start < last.size(); start += kSearchTextsPerStatement) {
        const size_t n = std::min(kSearchTextsPerStatement, last.size() - start);
        std::string sql(kSetSearchTextsHead);
        db::Params params;
        params.reserve(2 * n);
        for (size_t i = 0; i < n; ++i) {
            sql += i == 0 ? "(?, ?)" : ", (?, ?)";
            params.push_back(rows[last[start + i]][0]);
            params.push_back(rows[last[start + i]][1]);
        }
        sql += kSetSearchTextsTail;
        GX_TRY(conn.Execute(sql, params));
    }
    return {};
}

const db::GroupCommit::Deferred kSearchTexts{WriteSearchTexts};

Status InsertGrams(db::Connection& conn, std::int64_t customer_id, std::int64_t owner_key,
                   const std::vector<std::string>& grams) {
    for (size_t start = 0; start < grams.size(); start += kInsertBatch) {
        const size_t n = std::min(kInsertBatch, grams.size() - start);
        // SQLite: OR IGNORE. No row can conflict (the grams are unique and the customer has
        // none), and a statement that cannot abort needs no statement journal — a quarter of the
        // writer's CPU per create inside a batch's long transaction (docs/PERFORMANCE.md).
        std::string sql =
            conn.backend() == db::Backend::kSqlite
                ? "INSERT OR IGNORE INTO customer_search (gram, owner_key, "
                  "customer_id) VALUES "
                : "INSERT INTO customer_search (gram, owner_key, customer_id) VALUES ";
        db::Params params;
        for (size_t i = 0; i < n; ++i) {
            sql += i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
            params.emplace_back(grams[start + i]);
            params.emplace_back(owner_key);
            params.emplace_back(customer_id);
        }
        GX_TRY(conn.Execute(sql, params));
    }
    return {};
}

}  // namespace

Status IndexNew(db::Connection& conn, std::int64_t customer_id, std::int64_t owner_key,
                const Document& document) {
    GX_TRY(InsertGrams(conn, customer_id, owner_key, document.grams));
    return db::GroupCommit::Defer(conn, kSearchTexts, {customer_id, document.search_text});
}

Status Reindex(db::Connection& conn, std::int64_t customer_id) {
    // PostgreSQL: two writes to one customer's contacts at once would each delete the postings
    // they see and insert their own — the second insert then collides with the first's (a 409)
    // and its search text misses the other's contact. Holding the customer's row makes them take
    // turns, and the second reads the first's committed contact (READ COMMITTED: each statement
    // sees what was committed before it). A kit write (a contact) has taken it already, before
    // its foreign-key lock (record_service.cpp's CustomerFor). SQLite's writer is one connection.
    if (conn.backend() == db::Backend::kPostgres) {
        GX_TRY(
            conn.Query("SELECT id FROM customers WHERE id = ? FOR NO KEY UPDATE", {customer_id}));
    }
    GX_TRY(conn.Execute(kDeleteGrams, {customer_id}));
    GX_TRY_ASSIGN(auto owner, conn.QueryOne(kOwnerKey, {customer_id}));
    const std::int64_t owner_key = owner ? owner->Int(0) : 0;
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(kSources, {customer_id, customer_id}));
    std::vector<std::string> grams;
    std::string search_text;
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (row.IsNull(i)) continue;
            const std::string value = text::AsciiLower(row.Text(i));
            if (value.empty()) continue;
            auto g = text::SearchGrams(value);
            grams.insert(grams.end(), g.begin(), g.end());
            search_text += value;
            search_text.push_back('\n');
        }
    }
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    GX_TRY(InsertGrams(conn, customer_id, owner_key, grams));
    return db::GroupCommit::Defer(conn, kSearchTexts, {customer_id, std::move(search_text)});
}

Owners Owners::Of(const access::Gate& gate, access::Pool pool) {
    Owners out;
    if (pool == access::Pool::kOnly) {
        out.kind = Kind::kKeys;
        out.keys = {0};
    } else if (gate.owners().all) {
        out.kind = pool == access::Pool::kExclude ? Kind::kOwned : Kind::kEveryone;
    } else {
        out.kind = Kind::kKeys;
        out.keys = gate.owners().owner_ids;
        if (pool == access::Pool::kInclude) out.keys.insert(out.keys.begin(), 0);
    }
    return out;
}

bool Owners::Few() const { return kind == Kind::kKeys && keys.size() <= kFewOwners; }

access::Predicate Matches(db::Backend backend, std::string_view q, const Owners& owners,
                          bool by_id) {
    by_id = by_id && backend == db::Backend::kPostgres;
    access::Predicate out;
    std::vector<std::string> clauses;
    size_t words = 0;
    const std::string lowered = text::AsciiLower(q);
    size_t start = 0;
    while (start < lowered.size() && words < 5) {
        size_t end = lowered.find(' ', start);
        if (end == std::string::npos) end = lowered.size();
        const std::string word = lowered.substr(start, end - start);
        start = end + 1;
        if (word.empty()) continue;
        ++words;
        const auto points = text::CodePoints(word);
        if (points.size() == 1) {
            // Grams starting with the code point are not contiguous per owner: probe a few
            // owners' customers one by one, else read the range once.
            const std::string last = word + std::string(kMaxCodePoint);
            if (owners.Few()) {
                clauses.emplace_back(kProbeRange);
                out.params.emplace_back(word);
                out.params.emplace_back(last);
            } else {
                out.params.emplace_back(word);
                out.params.emplace_back(last);
                clauses.push_back(Postings("gram >= ? AND gram <= ?", owners, out.params, false));
            }
        } else if (const std::string gram = PostingGram(word, points.size(), owners);
                   !gram.empty()) {
            out.params.emplace_back(gram);
            std::string clause = Postings("gram = ?", owners, out.params, by_id);
            if (points.size() > 2) {
                // The owners' postings of one of the word's bigrams are few; LIKE checks the word.
                clause += " AND " + db::LikeClause("c.search_text");
                out.params.emplace_back(db::ContainsPattern(word));
            }
            clauses.push_back(std::move(clause));
        } else if (backend == db::Backend::kPostgres) {
            clauses.push_back(db::LikeClause("c.search_text"));
            out.params.emplace_back(db::ContainsPattern(word));
        } else {
            // The FTS5 trigram index finds the candidates (a phrase query: the word's characters
            // in order); LIKE keeps the match exact across the '\n' that separates the values.
            std::string phrase = "\"";
            for (char c : word) {
                if (c == '"') phrase.push_back('"');
                phrase.push_back(c);
            }
            phrase.push_back('"');
            clauses.push_back(
                "c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?) AND " +
                db::LikeClause("c.search_text"));
            out.params.emplace_back(std::move(phrase));
            out.params.emplace_back(db::ContainsPattern(word));
        }
    }
    if (clauses.empty()) return {"1 = 1", {}};
    for (size_t i = 0; i < clauses.size(); ++i)
        out.sql += (i == 0 ? "(" : " AND (") + clauses[i] + ")";
    return out;
}

std::optional<access::Predicate> CandidateCount(std::string_view q, const Owners& owners) {
    const std::string word = text::AsciiLower(text::Trim(q));
    if (word.empty() || word.find(' ') != std::string::npos) return std::nullopt;
    // The posting list Matches reads for this word.
    const std::string gram = PostingGram(word, text::CodePoints(word).size(), owners);
    if (gram.empty()) return std::nullopt;
    access::Predicate out{"SELECT COUNT(*) FROM customer_search WHERE gram = ?", {gram}};
    out.sql += OwnerCondition(owners, out.params);
    return out;
}

}  // namespace guanxi::customers::search
