#pragma once
// A record type declared once (docs/adr/0006-record-kit.md): its table, fields, labels, rules for
// who sees it, and the few hooks its domain needs. The generic path (record_store, record_service,
// record_routes, record_openapi) turns a definition into SQL, validation, JSON, routes, audit rows
// and OpenAPI; a domain folder holds only the definition and its behaviour.

#include "core/error.hpp"
#include "core/fields.hpp"
#include "core/principal.hpp"
#include "db/database.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace guanxi::kit {

// The languages labels come in (an export's header is written in the caller's).
enum class Language { kZhCn, kEn };

struct Labels {
    std::string zh_cn;
    std::string en;

    const std::string& In(Language language) const {
        return language == Language::kEn ? en : zh_cn;
    }
};

// One field: its validation (FieldDef: name = JSON key = column, type, required, limits, list,
// filter, sort, nullable), its labels, and whether ?q= searches it. Field types the kit stores:
// kString, kText, kEnum, kPhone, kEmail, kDate (TEXT 'YYYY-MM-DD'), kDatetime (INTEGER Unix
// seconds), kInteger, kBoolean (INTEGER 0/1), kTags (TEXT, a JSON array), kMoney (INTEGER cents),
// kUser (INTEGER, an active user's id, checked on every write), kUsers (a set of active users,
// stored in a side table <table>_<field>(record_id, user_id), never a column of the record's own).
struct Field {
    FieldDef def;
    Labels label;
    bool search = false;
    // Set: a derived value, read as this SQL expression over the record's row (aliased `t`) and
    // never written — e.g. a department's user count. Its FieldDef is readonly. "{now}" in it is
    // the current Unix seconds (an opportunity's stale flag compares a stored time with it).
    std::string derived_sql = {};
    // The column, when it differs from the JSON key (a contact's "primary" is is_primary: PRIMARY
    // is an SQL keyword). Empty: the field's name.
    std::string column = {};

    // Set on an integer field that names another record: "customers" (a customer the caller can
    // see: the gate's customer rule), or the table of a type under a customer (e.g. "contacts": a
    // live record whose customer the caller can see, and — when the record has a customer_id
    // field — that customer's). Checked on every write that sends it (422 naming the field).
    std::string references = {};
    // Set: no two live records of the type hold the same value (a product's code). Checked on
    // create, patch and restore in the write transaction: 422 naming the field (not_unique). The
    // migration backs it with a unique index over live rows.
    bool unique = false;
    // OpenAPI's description of the field, when its label does not say enough (a computed
    // amount's rule). Empty: none.
    std::string note = {};
    // An id field's record, answered by name beside it ("stage_id" → "stage_name"): the table and
    // column that name it ("pipeline_stages.name"; "pipeline_stages.name|name_en" answers the
    // English name too, as "stage_name_en"). Empty: a `references` field shows its table's
    // name column; a kDepartment field the department's name; a kUser field the user's display
    // name (always); any other field nothing.
    std::string shows = {};
    // With `references`: the table of a type of its own that every writer picks from (a catalogue:
    // products), so any live record of it will do — there is no customer to see or to match.
    bool catalogue = false;

    const std::string& Column() const { return column.empty() ? def.name : column; }
};

struct CompiledType;

// A column the type writes from the record but never answers (e.g. a contact's normalised phone,
// which duplicate checks search): its value from the record as it is stored, on every create and
// patch.
struct StoredColumn {
    std::string name;
    std::function<db::Value(const nlohmann::json& record)> value;
};

// The shapes most definitions use: a required date the list shows, filters and sorts by (a sent,
// closed or received date), a required name, and a required amount the list shows and sorts by.
inline Field RequiredDate(std::string name, Labels label) {
    return {{.name = std::move(name),
             .type = FieldType::kDate,
             .required = true,
             .list = true,
             .filter = true,
             .sort = true,
             .nullable = false},
            std::move(label)};
}
// A required name the list shows, sorts by and ?q= searches (a contact's, a department's).
inline Field RequiredName(std::string name, Labels label, std::size_t max_length = 100) {
    return {{.name = std::move(name),
             .required = true,
             .max_length = max_length,
             .list = true,
             .sort = true,
             .nullable = false},
            std::move(label),
            true};
}
inline Field RequiredMoney(std::string name, Labels label) {
    return {{.name = std::move(name),
             .type = FieldType::kMoney,
             .required = true,
             .list = true,
             .sort = true,
             .nullable = false},
            std::move(label)};
}

// How visibility is decided (the gate, domains/access, judges every read and write by it).
enum class Visibility {
    // The record belongs to a customer (a `customer_id` column, routes nested under
    // /api/v1/customers/{id}/<name>): it is read by those who may read that customer's history
    // (the gate's SeesFollowups: for a public-pool customer, those who could see its last owner's
    // customers) and written by those who may see the customer, once it is claimed.
    kThroughCustomer,
    // The record has its own owner (a required `owner_id` user field; a create that leaves it out
    // is the caller's): it is seen and changed by callers whose owner set holds its owner — the
    // caller, the users the role's data scope covers and those below in the manager chain, as for
    // a customer's owner. A write may name only an owner in the caller's owner set (422 owner_id).
    // Routes at /api/v1/<name>.
    kOwnScope,
    // Nobody owns the record: the permissions <name>.view|create|edit|delete|export alone decide
    // (a migration grants them; by default writes to the administrator — e.g. departments).
    // Routes at /api/v1/<name>.
    kAdminOnly,
};

// A write as a type's after_change hook sees it (RecordType::after_change).
struct Change {
    db::Connection& conn;
    const Principal& caller;
    const CompiledType& type;
    std::int64_t id;
    const nlohmann::json& before;   // the record before a patch; null on a create
    const nlohmann::json& after;    // the record as it now stands (store::ToJson)
    const nlohmann::json& request;  // the body as sent, with its create or update options
};

// A type whose records are part of a customer's history joins its 360° timeline
// (GET /api/v1/customers/{id}/timeline, domains/customers/timeline_service.hpp) by declaring this;
// nothing else is needed. The migration's index on (customer_id, deleted_at, <at>) serves it.
struct TimelineSource {
    std::string at;                    // the kDate or kDatetime field that orders its entries (a
                                       // date counts as 00:00 UTC of that day)
    std::vector<std::string> summary;  // the fields an entry shows, in this order
    std::string actor = "created_by";  // who an entry names: created_by, or one of its kUser fields
};

// A list of objects in an item route's body or answer (a quote's "lines", a plan's "items").
struct ListMember {
    std::string name;
    std::vector<Field> fields;  // each element's members
    std::size_t max_items = 0;  // in a body: at most this many (422 too_many_items); 0: any
    std::string note = {};      // OpenAPI's description of the list
    std::vector<ListMember> lists = {};  // each element's own lists (a board column's cards)
};

// A JSON object an item route takes or answers: its members and lists of objects.
struct Shape {
    std::vector<Field> members;
    std::vector<ListMember> lists = {};
};

// A member of an item route's body or answer: not a form's field, so it has no labels; `note`
// says what OpenAPI should.
inline Field Member(std::string name, FieldType type, std::string note = {},
                    bool required = false) {
    Field field{{.name = std::move(name), .type = type, .required = required}, {}};
    field.note = std::move(note);
    return field;
}

// What an item route answers (ItemRoute::answer).
enum class ItemAnswer {
    kRecord,   // the record as the type answers it, with the shape's members and list added
    kRecords,  // {"items": [records as the type answers them]} (a quote's versions)
    kObject,   // the shape alone (a contract's payment plan)
    kHtml,     // a text/html page (a quote's print view)
    kPdf,      // an application/pdf file (a quote's PDF)
};

// A route on one record besides the kit's own — an action (POST .../{id}/submit), a view
// (GET .../{id}/stage-history) or a set replaced whole (PUT .../{id}/lines) — declared with its
// type, served at the record's path (ItemBasePattern: a type under a customer that is listed
// across customers has its records at /api/v1/<segment>/{id} too) and documented from this
// declaration. The kit answers 404 for a record the caller can't read (the gate, as the kit's
// GET) or one in the recycle bin, 403 without <name>.<permission>, and 422 for a body of the wrong
// shape (not an object, an unknown member, a list that is not one or has too many items) before the
// domain's handler (kit::ServeItemRoute, bound at wiring) runs; the handler checks the values and
// the write rule.
struct ItemRoute {
    std::string method;               // GET, POST or PUT
    std::string name;                 // the path after the record's; empty: the record's own
    std::string summary;              // OpenAPI's summary
    std::string description = {};     // and description
    std::string permission = "view";  // the type's action it needs besides reading the record
    std::optional<Shape> body = {};   // the JSON body; nullopt: none
    bool body_optional = false;       // an empty body is accepted (as null)
    ItemAnswer answer = ItemAnswer::kRecord;
    Shape answers = {};  // kRecord: what is added to the record; kObject: all
    int status = 200;
    std::vector<std::string> query = {};   // query parameters it reads: "lang", "inline"
    std::vector<Field> params = {};        // and others, documented from these (Member)
    std::vector<std::string> errors = {};  // 4xx answers besides 401, 403 and 404 ("409", "422")
};

struct RecordType {
    std::string name;      // plural snake_case: the route segment, permissions <name>.view|create|
                           // edit|delete|export, the meta and OpenAPI names ("mailings")
    std::string singular;  // audit actions <singular>.create|update|delete|restore ("mailing")
    std::string table;
    Labels label;
    Visibility visibility = Visibility::kThroughCustomer;
    std::vector<Field> fields;
    std::vector<http::SortKey> default_sort;  // then newest first
    // A valid create body: OpenAPI's example, and the record the generic tests create.
    nlohmann::json example;
    // The hooks below that take a `customer_id` get the record's customer; a type not under a
    // customer gets 0.
    // Keys a create may send besides the fields (e.g. "allow_duplicate" for a warning).
    std::set<std::string, std::less<>> create_options;
    // The domain's rule for a new record, run in the write transaction after validation and the
    // gate (e.g. a mailing's "already sent to this customer" warning). Empty: none.
    std::function<Status(db::Connection& conn, std::int64_t customer_id,
                         const nlohmann::json& body)>
        before_create;
    // Fills what a create leaves out and the domain defaults (e.g. a deal's owner_id: the caller),
    // after validation and before the record is written. Empty: none.
    std::function<void(const Principal& caller, nlohmann::json& body)> fill_defaults;
    // The domain's rule over all of a customer's records after any write to one of them (create,
    // patch, delete, restore), in the same transaction: an error undoes the write (e.g. a
    // prepayment balance that must not go negative). Writes of such a type to one customer take
    // turns (PostgreSQL: the customer's row is locked at the start), so the rule sees every
    // earlier write. Empty: none.
    std::function<Status(db::Connection& conn, std::int64_t customer_id)> after_write;
    // Members added to a list page besides items/total/page/page_size (e.g. the balance).
    std::function<Result<nlohmann::json>(db::Connection& conn, std::int64_t customer_id)>
        list_extra;
    // The domain's check of a whole record as it would be stored — a create's body, or the stored
    // record with a patch applied (e.g. a date that must not precede another). Empty: none.
    std::function<Status(const nlohmann::json& record)> check_record;
    // Set: its records appear in the customer's timeline. Empty: they don't.
    std::optional<TimelineSource> timeline;
    // The domain's check of a write against what is stored, in the write transaction, after
    // check_record: `id` is the record's (0 on a create), `record` the record as it would be
    // stored (e.g. a department's parent must not be the department or one below it). Empty: none.
    std::function<Status(db::Connection& conn, std::int64_t id, const nlohmann::json& record)>
        check_stored;
    // The domain's refusal of a delete, in its transaction (e.g. a department that still has
    // users: 409 saying how many). Empty: none.
    std::function<Status(db::Connection& conn, std::int64_t id)> before_delete;
    // kAdminOnly: the default manager and sales roles read it too (<name>.view at first start and
    // in its migration), e.g. departments, which every owner picker lists.
    bool staff_read = false;
    // Columns written from the record besides the fields (StoredColumn).
    std::vector<StoredColumn> stored;
    // The domain's work after any write to one record (create, patch, delete, restore), in the
    // same transaction, with the record as it now stands (store::ToJson; deleted_at set when it
    // went to the recycle bin) — e.g. a contact made primary demotes the customer's other ones.
    // Empty: none.
    std::function<Status(db::Connection& conn, std::int64_t customer_id, std::int64_t id,
                         const nlohmann::json& record)>
        after_record_write;
    // After a create or a patch, in the same transaction, with the caller and the record before
    // and after: for work that depends on what changed (an activity marked done writes its
    // follow-up; a series' first occurrence makes the others). An error undoes the write.
    // Empty: none.
    std::function<Status(const Change& change)> after_change;
    // Keys a patch may send besides the fields and "version" (e.g. an activity's "apply_to"),
    // for after_change to read; checked there.
    std::set<std::string, std::less<>> update_options;
    // kOwnScope: a kUsers field whose users see and change the record too, besides the owner's
    // scope (an activity's participants). Empty: the owner's scope alone.
    std::string participants;
    // kThroughCustomer: its records are read by whoever sees the customer, pool customers
    // included (a customer's contact persons, part of its card), instead of by those who may read
    // the customer's history.
    bool read_with_customer = false;
    // kThroughCustomer: also listed across customers at /api/v1/<segment> — the records of every
    // customer the caller may read them of (the same rule as the customer's own list), each with
    // its customer's name (customer_name): "all my contracts", not one customer's.
    bool listed_across = false;
    // Actions guarded by another permission than <name>.<action> (a contact, part of its
    // customer's card, is read with customers.view and written with customers.edit, as before the
    // kit): no permission of the type's own is made for them.
    std::map<std::string, std::string, std::less<>> permission_of;
    // A page size for lists that don't ask for one (0: the API's usual 50); a type whose whole
    // list a picker reads at once (departments) sets the maximum.
    std::int64_t default_page_size = 0;
    // False for a type whose own route creates its records (a document's multipart upload): the
    // generic JSON create is neither served nor documented, and that route creates through
    // RecordService::Create with the fields the server computed (readonly ones).
    bool generic_create = true;
    // With generic_create false: whether that route takes a multipart upload (documents) rather
    // than a JSON body (follow-ups' tuned create).
    bool create_by_upload = false;
    // The route segment when it differs from `name` (price lists: name price_lists, permissions
    // price_lists.view, routes /api/v1/price-lists). Empty: the name.
    std::string route = {};
    // Routes on one record besides the kit's own (ItemRoute).
    std::vector<ItemRoute> item_routes = {};
    // A ledger that is only added to (payments): no PATCH, DELETE or restore route is served or
    // documented and no edit or delete permission made; a mistake is answered by a record of its
    // own (a correction), never edited away.
    bool append_only = false;
    // listed_across: records are also created at POST /api/v1/<segment>, under the customer of
    // the record this `references` field names (a payment's contract_id) — read through the gate
    // as the kit reads it, with <that type>.view: 404 when the caller can't see it, as if absent.
    // Empty: created under a customer's path only.
    std::string customer_from = {};
    // The fields the domain computes from what is stored, in the write transaction of a create
    // (after the checks and before_create, before the insert; with after_write or
    // after_record_write set the customer's writes take turns, so it sees every earlier one):
    // e.g. a payment's effect on its contract and its draw on the prepayment balance. It may set
    // readonly fields and refuse (422). Empty: none.
    std::function<Status(db::Connection& conn, std::int64_t customer_id, nlohmann::json& record)>
        compute_create;
    // What the domain derives from the record itself on a create and on every patch, before the
    // checks, with the record as it would be stored and, on a patch, as it was (null on a create):
    // it sets readonly fields (a template's length and segments) and may rewrite ones it was sent
    // (an HTML body made safe, an approval withdrawn when the text changed). What it changes is
    // written, audited and answered as if sent. Empty: none.
    std::function<void(const nlohmann::json& before, nlohmann::json& record)> derive;

    const std::string& Segment() const { return route.empty() ? name : route; }
    // Sets the Field::shows of field `field` (a programmer's error when there is none: aborts).
    void Show(std::string_view field, std::string shows) {
        for (Field& f : fields) {
            if (f.def.name == field) {
                f.shows = std::move(shows);
                return;
            }
        }
        std::abort();
    }
    // Whether its records live under a customer (routes /api/v1/customers/{id}/<name>).
    bool UnderCustomer() const { return visibility == Visibility::kThroughCustomer; }

    std::string Permission(std::string_view action) const {
        if (auto it = permission_of.find(action); it != permission_of.end()) return it->second;
        return name + "." + std::string(action);
    }
};

// What the generic path derives from a definition once.
struct CompiledType {
    RecordType type;
    EntityMeta meta;      // for ValidateBody and GET /api/v1/meta/<name>
    http::ListSpec list;  // filters, sorts (the flagged fields, created_at, updated_at), default
    std::vector<std::string> columns;  // the stored columns, in SELECT order (record_store.cpp)
    std::size_t first_field = 0;       // the position of the first field's column
    // For each field naming a user or another record ("owner_id", "stage_id"), the member its name
    // is answered in ("owner_name", "stage_name") and the SQL over the row (`t`) that reads it,
    // read after the columns (Field::shows).
    struct NameOf {
        std::string field;
        std::string member;
        std::string sql;
        std::string table;  // the table of the record it names; empty for a user
        // A set of records (kRecords: "product_ids" → "product_names", a list in id order): `sql`
        // is then the name's column, the side table's join built per backend (record_store.cpp).
        std::string set_side_table = {};
    };
    std::vector<NameOf> names;
};

}  // namespace guanxi::kit
