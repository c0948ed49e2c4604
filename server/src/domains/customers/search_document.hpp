#pragma once
// What search::Reindex stores for a customer — its search_text and its bigram rows — computed in
// memory, for bulk loaders that insert many customers at once (demo data, import) instead of
// reindexing them one by one. The values go in Reindex's order: per row (the customer, then each
// contact) name, phone, phone as digits, e-mail. import_test checks that imported customers are
// found like created ones.

#include <string>
#include <string_view>
#include <vector>

namespace guanxi::customers::search {

struct Document {
    std::string search_text;
    std::vector<std::string> grams;  // sorted and unique after Finish()

    void Clear();
    // Adds one value (empty values are skipped, as Reindex skips NULLs and "").
    void Add(std::string_view value);
    // Adds one row's name, phone (as typed and as digits) and e-mail.
    void AddRow(std::string_view name, std::string_view phone, std::string_view email);
    void Finish();
};

}  // namespace guanxi::customers::search
