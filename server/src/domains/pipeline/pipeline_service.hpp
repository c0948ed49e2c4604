#pragma once
// The pipeline's own routes besides the kit's (issue 16 items 2, 5, 6): the board of a pipeline,
// an opportunity's stage history (time in each stage) and its timeline; and moving a customer's
// open opportunities with the customer (transfer, handover).

#include "core/principal.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "http/router.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace guanxi::pipeline {

// Cards per column unless ?cards= asks for another number (1..kMaxCards).
inline constexpr std::int64_t kDefaultCards = 50;
inline constexpr std::int64_t kMaxCards = 200;
// A won or lost column shows the opportunities closed in this many days.
inline constexpr std::int64_t kClosedDays = 30;

struct BoardQuery {
    std::optional<std::int64_t> owner_id;
    std::optional<std::int64_t> department_id;
    std::int64_t cards = kDefaultCards;
};

Result<BoardQuery> ParseBoardQuery(const http::Request& request);

class PipelineService {
  public:
    PipelineService(db::Database& db, kit::RecordService& records, const kit::Registry& registry,
                    std::function<UnixSeconds()> clock);

    // GET /api/v1/pipelines/{id}/board: needs pipelines.view and opportunities.view; the
    // opportunities of the caller's owner set only (the gate's rule for kOwnScope types).
    Result<nlohmann::json> Board(const Principal& caller, std::int64_t pipeline_id,
                                 const BoardQuery& query);
    // GET /api/v1/opportunities/{id}/stage-history: each stage it was in, oldest first, with the
    // seconds and whole days spent there (to now for the current one), and the sums per stage.
    Result<nlohmann::json> StageHistory(const Principal& caller, std::int64_t id);
    // GET /api/v1/opportunities/{id}/timeline of `opportunity` (as the kit's GET answers it to
    // the caller): its changes (stage, amount, owner, probability, status…) from its audit rows,
    // its needs, solutions, competitors and decision makers, and the activities, quotes and
    // contracts for it — a page, newest first: {"items", "next_cursor"}. Query parameters as the
    // customer's timeline (customers::ParseTimelineQuery): limit, cursor, kinds.
    Result<nlohmann::json> Timeline(const Principal& caller, const nlohmann::json& opportunity,
                                    const std::vector<std::pair<std::string, std::string>>& query);

  private:
    db::Database& db_;
    kit::RecordService& records_;
    const kit::Registry& registry_;
    std::function<UnixSeconds()> clock_;
};

// Gives the open opportunities owned by `from` (of the customer `customer_id`, or of every
// customer when nullopt) to `to`, each with its version moved on and an opportunity.update audit
// row naming the owner change and `reason` ("customer_transfer", "user_handover"). Returns how
// many moved.
Result<std::int64_t> MoveOpenOpportunities(db::Connection& conn, const Principal& caller,
                                           std::optional<std::int64_t> customer_id,
                                           std::int64_t from, std::int64_t to,
                                           std::string_view reason, UnixSeconds now);

void RegisterPipelineRoutes(http::Router& router, db::Database& db, kit::RecordService& records,
                            const kit::Registry& registry);

}  // namespace guanxi::pipeline
