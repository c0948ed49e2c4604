#include "domains/accounts/department_type.hpp"

namespace guanxi::accounts {

namespace {

using nlohmann::json;

// The department and every live department below it.
constexpr std::string_view kSubtree =
    "WITH RECURSIVE tree(id) AS (SELECT id FROM departments WHERE id = ? "
    "UNION SELECT d.id FROM departments d JOIN tree t ON d.parent_id = t.id "
    "WHERE d.deleted_at IS NULL) SELECT id FROM tree";

// A parent must be a live department, and not the department itself or one below it (the tree
// would become a loop, and the data scopes that walk it with it).
Status CheckParent(db::Connection& conn, std::int64_t id, const json& record) {
    const auto parent = record.find("parent_id");
    if (parent == record.end() || parent->is_null()) return {};
    const std::int64_t parent_id = parent->get<std::int64_t>();
    GX_TRY_ASSIGN(auto live, conn.QueryOne("SELECT 1 FROM departments WHERE id = ? AND "
                                           "deleted_at IS NULL",
                                           {parent_id}));
    if (!live) return Error::Validation("parent_id", "is not a department");
    if (id == 0) return {};
    GX_TRY_ASSIGN(db::Rows subtree, conn.Query(kSubtree, {id}));
    for (const db::Row& row : subtree) {
        if (row.Int(0) == parent_id) {
            return Error::Validation("parent_id",
                                     "cannot be the department itself or one below it");
        }
    }
    return {};
}

// A department that still has users (active or not: their customers and history belong there)
// or live sub-departments stays; the answer says how many of each.
Status RefuseIfInUse(db::Connection& conn, std::int64_t id) {
    GX_TRY_ASSIGN(auto children, conn.QueryOne("SELECT COUNT(*) FROM departments WHERE "
                                               "parent_id = ? AND deleted_at IS NULL",
                                               {id}));
    GX_TRY_ASSIGN(auto members,
                  conn.QueryOne("SELECT COUNT(*) FROM users WHERE department_id = ?", {id}));
    const std::int64_t departments = children->Int(0);
    const std::int64_t users = members->Int(0);
    if (departments == 0 && users == 0) return {};
    return Error{ErrorCode::kConflict,
                 "This department still has " + std::to_string(users) + " user(s) and " +
                     std::to_string(departments) + " sub-department(s); move them elsewhere first.",
                 {{"departments", departments}, {"users", users}},
                 {}};
}

}  // namespace

kit::RecordType DepartmentType() {
    kit::RecordType type;
    type.name = "departments";
    type.singular = "department";
    type.table = "departments";
    type.label = {"部门", "Department"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    type.fields = {
        kit::RequiredName("name", {"部门名称", "Name"}),
        {{.name = "parent_id", .type = FieldType::kDepartment, .list = true, .filter = true},
         {"上级部门", "Parent department"}},
        {{.name = "user_count", .type = FieldType::kInteger, .list = true, .readonly = true},
         {"人数", "Users"},
         false,
         "SELECT COUNT(*) FROM users u WHERE u.department_id = t.id AND u.active = 1"},
    };
    type.default_sort = {{"name", false}};
    type.default_page_size = http::kMaxPageSize;  // pickers and the tree read the whole list
    type.example = {{"name", "华东销售部"}};
    type.check_stored = CheckParent;
    type.before_delete = RefuseIfInUse;
    return type;
}

}  // namespace guanxi::accounts
