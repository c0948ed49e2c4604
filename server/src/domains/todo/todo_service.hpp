#pragma once
// The to-do home page (待办, issue 15 item 6): GET /api/v1/todo — the caller's own day's work in
// sections: customers whose next contact is due today or overdue, the caller's activities today
// (as owner or participant), and customers newly assigned to the caller and not yet followed up.
// "Today" is the caller's calendar day in their time zone (their own, else the company's).
//
// Each section answers its key, how many items it has (count) and the first `limit` of them, in
// one item shape the web renders generically (todo_sections.hpp). A section needs a permission
// (customers.view, activities.view) and is left out for a caller without it; what it lists is the
// caller's own records, read through the access gate as the customer routes read.

#include "core/error.hpp"
#include "core/principal.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "http/message.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace guanxi::todo {

inline constexpr std::int64_t kDefaultLimit = 5;
inline constexpr std::int64_t kMaxLimit = 50;

struct TodoQuery {
    std::int64_t limit = kDefaultLimit;  // items per section, 1..kMaxLimit
    std::vector<std::string> sections;   // only these (empty: all the caller may see)
};

// ?limit=1..50 and ?sections=a,b (known keys only); 400 naming the parameter otherwise.
Result<TodoQuery> ParseTodoQuery(const http::Request& request);

class TodoService {
  public:
    explicit TodoService(db::Database& db) : db_(db) {}

    // {"date": "YYYY-MM-DD", "time_zone", "day_start", "day_end", "sections": [...]}.
    Result<nlohmann::json> Build(const Principal& caller, const TodoQuery& query);

    // The clock the day is read from (tests put a user just before or after midnight).
    void SetClock(std::function<UnixSeconds()> clock) { clock_ = std::move(clock); }

  private:
    db::Database& db_;
    std::function<UnixSeconds()> clock_ = NowSeconds;
};

}  // namespace guanxi::todo
