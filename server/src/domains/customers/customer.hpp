#pragma once
// Customers, their contact persons and follow-up records: field metadata, list specification, and
// the JSON form of a stored row.

#include "core/fields.hpp"
#include "core/json_writer.hpp"
#include "db/database.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::customers {

const EntityMeta& CustomerMeta();
const EntityMeta& FollowupMeta();
const http::ListSpec& CustomerListSpec();
// Whether customers without a value in this sort column (no contact time, no industry or region)
// come after all the others, ascending and descending alike. The general list's ORDER BY and the
// list by owner (owner_page.cpp) both order by this.
bool SortsBlanksLast(std::string_view column);

// The label of a customer field, or of a column the export writes or the import reads ("id",
// "owner", "department"), in English or Chinese: the one table the export's header, the import's
// column names and its error report share. A name it doesn't know (a custom field's
// "custom.size") is returned as it is.
std::string CustomerFieldLabel(std::string_view field, bool english);

// The SELECT list and FROM clause every customer read uses; CustomerJson reads rows of it.
extern const std::string_view kCustomerColumns;
extern const std::string_view kCustomerFrom;
nlohmann::json CustomerJson(const db::Row& row);
// The same customer written straight as JSON text (list pages: no nlohmann::json per row).
void WriteCustomer(JsonWriter& writer, const db::Row& row);
// The same fields inside an object the caller opened (to add more, as get adds contacts).
void WriteCustomerFields(JsonWriter& writer, const db::Row& row);

// The recycle bin's extra columns (after kCustomerColumns) and join: who deleted the customer, by
// id and name. WriteDeletedBy writes them as "deleted_by" and "deleted_by_name".
extern const std::string_view kDeletedByColumns;
extern const std::string_view kDeletedByJoin;
void WriteDeletedBy(JsonWriter& writer, const db::Row& row);

// Positions in kCustomerColumns that services read directly.
inline constexpr size_t kColId = 0;
inline constexpr size_t kColName = 1;
inline constexpr size_t kColOwnerId = 3;
inline constexpr size_t kColDepartmentId = 5;
inline constexpr size_t kColVersion = 20;
inline constexpr size_t kColDeletedAt = 21;
inline constexpr size_t kColLastOwnerId = 22;
inline constexpr size_t kCustomerColumnCount = 23;  // columns in kCustomerColumns

extern const std::string_view kContactColumns;  // FROM contacts k
// `first`: the index of the contact's first column in `row` (after a customer's, in get).
void WriteContact(JsonWriter& writer, const db::Row& row, size_t first = 0);

// A new follow-up's answer (the tuned create's), from a row of: id, customer_id, user_id, the
// user's display name, kind, content, contacted_at, next_contact_at, created_at, updated_at,
// version, deleted_at — the members the kit's follow-up routes answer (followup_type.cpp).
nlohmann::json FollowupJson(const db::Row& row);

}  // namespace guanxi::customers
