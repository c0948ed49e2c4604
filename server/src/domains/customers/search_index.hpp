#pragma once
// The customer search index (DESIGN.md "Chinese search"). A customer's name, phone (as typed and as
// digits), e-mail and its contacts' names, phones and e-mails are split into bigrams plus each
// word's last code point (text::SearchGrams) and stored in customer_search. A query word of
// 1 code point is a range scan over grams starting with it, 2 code points an exact gram, 3 or more
// its rarest bigram's customers checked against search_text (on PostgreSQL, search_text LIKE
// alone, which its trigram index serves).

#include "db/database.hpp"
#include "domains/access/access_gate.hpp"

namespace guanxi::customers::search {

// Recomputes the grams and search_text of one customer from its row and contacts.
Status Reindex(db::Connection& conn, std::int64_t customer_id);

// A predicate over customers aliased `c` that holds when every word of `q` occurs in the customer's
// searchable text (case-insensitive for Latin letters). For a word of 3 or more code points on
// SQLite it looks up how many customers hold each of the word's bigrams and narrows by the rarest
// one, checking the whole word with search_text LIKE.
Result<access::Predicate> Matches(db::Connection& conn, std::string_view q);

}  // namespace guanxi::customers::search
