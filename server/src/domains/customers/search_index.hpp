#pragma once
// The customer search index (DESIGN.md "Chinese search"). A customer's name, phone (as typed and as
// digits), e-mail and its contacts' names, phones and e-mails are split into bigrams plus each
// word's last code point (text::SearchGrams) and stored in customer_search. A query word of
// 1 code point is a range scan over grams starting with it, 2 code points an exact gram, 3 or more
// the FTS5 trigram index over search_text (on PostgreSQL, search_text LIKE alone, which its
// pg_trgm index serves), checked with LIKE — or, for a few owners' customers, their postings of
// the word's first bigram, checked with LIKE.
// Writes of search_text are left to the end of the group commit's batch (db::GroupCommit::Defer)
// and done there in one statement: on SQLite every statement after one that wrote the FTS5 table
// makes it write a segment, so a customer create wrote one segment of its own; now a batch writes
// one (migration 036 lets an empty search_text skip the FTS5 table until then).

#include "db/database.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/customers/search_document.hpp"

#include <optional>

namespace guanxi::customers::search {

// Recomputes the grams and search_text of one customer from its row and contacts.
Status Reindex(db::Connection& conn, std::int64_t customer_id);

// Indexes a customer just inserted with an empty search_text, no contacts and no postings, from
// `document` (its row's values, search::Document::AddRow then Finish): what Reindex would write,
// without reading anything back.
Status IndexNew(db::Connection& conn, std::int64_t customer_id, std::int64_t owner_key,
                const Document& document);

// Whose postings a search reads. The bigram index is keyed by owner (owner_key: the owner's id, 0
// for the public pool), so a salesperson's search reads only their own postings.
struct Owners {
    enum class Kind { kEveryone, kOwned, kKeys };
    Kind kind = Kind::kEveryone;     // kOwned: every owned customer, not the pool
    std::vector<std::int64_t> keys;  // kKeys: owner ids, 0 for the pool

    // The owners a read through `gate` covers.
    static Owners Of(const access::Gate& gate, access::Pool pool);
    // Few enough owners that probing their customers beats reading a whole posting list.
    bool Few() const;
};

// A predicate over customers aliased `c` that holds when every word of `q` occurs in the customer's
// searchable text (case-insensitive for Latin letters), reading only `owners`' postings.
// `by_id` (for postings known to be few, see CandidateCount): on PostgreSQL the postings become an
// array of ids the customers are looked up by (`c.id = ANY(ARRAY(...))`), where `c.id IN (...)`
// lets the planner join them against a scan of the whole scope. SQLite is told by the caller
// (`NOT INDEXED`).
access::Predicate Matches(db::Backend backend, std::string_view q, const Owners& owners = {},
                          bool by_id = false);

// For a one-word query that Matches answers from one posting list (a 2-character word, or a longer
// word's bigram among few owners' postings), the statement counting that list's entries for
// `owners` — index only, and at least the number of matches. Nullopt for other queries.
std::optional<access::Predicate> CandidateCount(std::string_view q, const Owners& owners);

}  // namespace guanxi::customers::search
