// The record kit's export (CSV and XLSX of any filtered list) and history (a record's audit rows,
// with the fields each write changed), tested over every registered type from its definition
// alone, plus what a type's own fields add (money, users, formula-like text).

#include "api_test_support.hpp"
#include "record_examples.hpp"

#include "domains/record_types.hpp"
#include "io/table_reader.hpp"
#include "io/xlsx_reader.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace guanxi::testing {
namespace {

using nlohmann::json;
using Table = std::vector<std::vector<std::string>>;

class RecordExportTest : public ApiTest {
  protected:
    // The collection of a type: under the customer, or its own (/api/v1/<name>).
    static std::string Path(std::int64_t customer, const kit::CompiledType& type) {
        if (!type.type.UnderCustomer()) return "/api/v1/" + type.type.Segment();
        return "/api/v1/customers/" + std::to_string(customer) + "/" + type.type.Segment();
    }
    // The row of a table whose first cell is `id` (the header's index when there is none).
    static std::size_t RowOf(const Table& table, const json& id) {
        for (std::size_t i = 1; i < table.size(); ++i) {
            if (table[i][0] == id.dump()) return i;
        }
        ADD_FAILURE() << "no row " << id.dump();
        return 0;
    }
    // How many records a list of `collection` (with `query`) holds.
    std::size_t Total(const std::string& collection, const std::string& query = "") {
        return Call("GET", collection + "?page_size=1" + query, nullptr, admin())
            .body["total"]
            .get<std::size_t>();
    }
    // Creates the type's example record in `collection` (a JSON create or an upload).
    Reply CreateExample(const kit::CompiledType& type, const std::string& collection,
                        const std::string& token) {
        return Send(ExampleCreate(type, collection, token));
    }
    // An export's file read back with the import's readers (the CSV's byte-order mark dropped).
    static Table Read(const Reply& reply, const std::string& format) {
        const std::string file =
            (std::filesystem::temp_directory_path() /
             ("guanxi-kit-export-" + std::to_string(::getpid()) + "." + format))
                .string();
        std::ofstream(file, std::ios::binary) << reply.raw.body;
        auto reader = format == "xlsx" ? io::OpenXlsx(file) : io::OpenCsv(file);
        Table table;
        EXPECT_TRUE(reader.ok()) << reader.error().message;
        if (reader.ok()) {
            std::vector<std::string> cells;
            while (true) {
                auto more = (*reader)->Next(cells);
                if (!more.ok() || !*more) break;
                table.push_back(cells);
            }
        }
        std::filesystem::remove(file);
        return table;
    }
    // The header the export must have in a language.
    static std::vector<std::string> Header(const kit::CompiledType& type, bool english) {
        std::vector<std::string> header = {english ? "ID" : "编号"};
        for (const kit::Field& field : type.type.fields)
            header.push_back(english ? field.label.en : field.label.zh_cn);
        header.push_back(english ? "Created at" : "创建时间");
        header.push_back(english ? "Updated at" : "更新时间");
        return header;
    }
    // A GET with an Accept-Language header.
    Reply GetIn(const std::string& target, const std::string& token, const std::string& language) {
        http::Request request;
        request.method = "GET";
        EXPECT_TRUE(request.SetTarget(target));
        request.remote_ip = "10.0.0.1";
        request.headers["authorization"] = "Bearer " + token;
        request.headers["accept-language"] = language;
        return Send(std::move(request));
    }
    // The audit rows with `action` filed under the customer (or, for a type of its own, under
    // the type's name).
    json AuditRows(std::int64_t customer_id, const std::string& action,
                   const kit::CompiledType* own = nullptr) {
        const std::string filed = own != nullptr ? "entity=" + own->type.name
                                                 : "entity_id=" + std::to_string(customer_id);
        Reply audit =
            Call("GET", "/api/v1/audit-log?" + filed + "&action=" + action, nullptr, admin());
        EXPECT_EQ(audit.status, 200) << audit.raw.body;
        return audit.body["items"];
    }
    // A value of `field` other than the example's (a patch that changes it).
    static json OtherValue(const FieldDef& field) {
        switch (field.type) {
            case FieldType::kDate:
                return "2026-01-02";
            case FieldType::kMoney:
                return "99999.99";
            case FieldType::kEnum:
                return field.options.back();  // the examples use another
            default:
                return "改过的值.txt";
        }
    }
};

TEST_P(RecordExportTest, EveryTypeExportsItsFilteredListWithLabelledHeadersAndAnAuditRow) {
    const json customer = CreateCustomer(admin(), {{"name", "导出测试公司"}});
    const std::int64_t customer_id = customer["id"];
    for (const auto& type : RecordTypes().types()) {
        SCOPED_TRACE(type->type.name);
        const std::string collection = Path(customer_id, *type);
        Reply created = CreateExample(*type, collection, admin());
        ASSERT_EQ(created.status, 201) << created.raw.body;
        Reply removed = CreateExample(*type, collection, admin());
        ASSERT_EQ(removed.status, 201) << removed.raw.body;
        // (A ledger's entries stay: RecordType::append_only.)
        const bool ledger = type->type.append_only;
        if (!ledger) {
            ASSERT_EQ(Call("DELETE", collection + "/" + removed.body["id"].dump(), nullptr, admin())
                          .status,
                      204);
        }

        // CSV, English by ?lang=: the live records only (the customer's one; every one of a
        // type of its own), cells as the API answers them.
        const std::size_t live = Total(collection);
        const std::size_t binned = Total(collection, "&deleted=true");
        Reply csv = Call("GET", collection + "/export?format=csv&lang=en", nullptr, admin());
        ASSERT_EQ(csv.status, 200) << csv.raw.body;
        EXPECT_EQ(csv.raw.HeaderValue("Content-Type"), "text/csv; charset=utf-8");
        EXPECT_EQ(csv.raw.HeaderValue("X-Export-Rows"), std::to_string(live));
        EXPECT_EQ(csv.raw.body.rfind("\xEF\xBB\xBF", 0), 0u);  // Excel reads the UTF-8
        Table table = Read(csv, "csv");
        ASSERT_EQ(table.size(), live + 1);
        if (type->type.UnderCustomer()) {
            EXPECT_EQ(live, ledger ? 2u : 1u);
        }
        EXPECT_EQ(table[0], Header(*type, true));
        const std::size_t row = RowOf(table, created.body["id"]);
        for (std::size_t i = 0; i < type->type.fields.size(); ++i) {
            const std::string& name = type->type.fields[i].def.name;
            if (type->type.example.contains(name) && type->type.example[name].is_string()) {
                // (as answered: a unique field's value is the example's made unique)
                EXPECT_EQ(table[row][i + 1], created.body[name].get<std::string>()) << name;
            }
        }

        // XLSX, Chinese by Accept-Language; the recycle bin exported by ?deleted=true.
        Reply xlsx = GetIn(collection + "/export?format=xlsx", admin(), "zh-CN,zh;q=0.9,en;q=0.8");
        ASSERT_EQ(xlsx.status, 200) << xlsx.raw.body;
        EXPECT_EQ(xlsx.raw.HeaderValue("Content-Disposition"),
                  "attachment; filename=\"" + type->type.name + ".xlsx\"");
        table = Read(xlsx, "xlsx");
        ASSERT_EQ(table.size(), live + 1);
        EXPECT_EQ(table[0], Header(*type, false));
        Reply english = GetIn(collection + "/export", admin(), "en-GB,en;q=0.9");
        EXPECT_EQ(Read(english, "csv")[0], Header(*type, true));
        Reply bin = Call("GET", collection + "/export?deleted=true&lang=zh-CN", nullptr, admin());
        ASSERT_EQ(bin.status, 200) << bin.raw.body;
        table = Read(bin, "csv");
        ASSERT_EQ(table.size(), binned + 1);
        if (!ledger) RowOf(table, removed.body["id"]);

        // The list's rules: unknown filters and formats are refused, filters that match nothing
        // export a header alone.
        EXPECT_EQ(Call("GET", collection + "/export?format=pdf", nullptr, admin()).code(),
                  "bad_request");
        EXPECT_EQ(Call("GET", collection + "/export?nonsense=1", nullptr, admin()).status, 400);
        EXPECT_EQ(Call("GET", collection + "/export?lang=fr", nullptr, admin()).status, 400);
        Reply none =
            Call("GET", collection + "/export?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA&lang=en",
                 nullptr, admin());
        if (RecordTypes().Find(type->type.name)->list.searchable) {
            ASSERT_EQ(none.status, 200);
            EXPECT_EQ(none.raw.HeaderValue("X-Export-Rows"), "0");
            EXPECT_EQ(Read(none, "csv").size(), 1u);
        }

        // Every export is in the audit trail, with its format, rows and filters: the customer's,
        // or the type's own.
        const bool own = !type->type.UnderCustomer();
        const json rows =
            AuditRows(customer_id, type->type.singular + ".export", own ? type.get() : nullptr);
        ASSERT_GE(rows.size(), 4u);
        const json& newest = rows[0];
        EXPECT_EQ(newest["entity"], own ? type->type.name : "customer");
        EXPECT_EQ(newest["entity_id"], own ? json() : json(customer_id));
        const auto bin_row = std::find_if(rows.begin(), rows.end(), [](const json& row) {
            return row["details"]["filters"].value("deleted", "") == "true";
        });
        ASSERT_NE(bin_row, rows.end());
        EXPECT_EQ((*bin_row)["details"]["format"], "csv");
        EXPECT_EQ((*bin_row)["details"]["rows"], binned);
    }
}

TEST_P(RecordExportTest, AFilteredExportHoldsMoneyUsersAndFormulaLikeTextSafely) {
    const json customer = CreateCustomer(admin(), {{"name", "公式测试公司"}});
    const std::string base = "/api/v1/customers/" + customer["id"].dump();
    // Mailings: a filter and a search narrow the export; formula-like text stays inert.
    for (const json& mailing :
         {json{{"item", "=1+1"}, {"carrier", "顺丰速运"}, {"sent_on", "2026-12-01"}},
          json{{"item", "@SUM(A1)"}, {"carrier", "顺丰速运"}, {"sent_on", "2026-12-02"}},
          json{{"item", "产品目录"}, {"carrier", "EMS"}, {"sent_on", "2026-12-03"}}}) {
        ASSERT_EQ(Call("POST", base + "/mailings", mailing, admin()).status, 201);
    }
    Reply csv = Call("GET", base + "/mailings/export?format=csv&carrier=顺丰速运&sort=sent_on",
                     nullptr, admin());
    ASSERT_EQ(csv.status, 200) << csv.raw.body;
    Table table = Read(csv, "csv");
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table[1][1], "'=1+1");  // a CSV cell has no type: the apostrophe defuses it
    EXPECT_EQ(table[2][1], "'@SUM(A1)");
    Reply searched = Call("GET", base + "/mailings/export?q=sum", nullptr, admin());
    EXPECT_EQ(searched.raw.HeaderValue("X-Export-Rows"), "1");
    Reply xlsx = Call("GET", base + "/mailings/export?format=xlsx&carrier=顺丰速运&sort=sent_on",
                      nullptr, admin());
    ASSERT_EQ(xlsx.status, 200);
    table = Read(xlsx, "xlsx");
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table[1][1], "=1+1");  // a string cell, never evaluated, kept as typed
    EXPECT_EQ(xlsx.raw.body.find("<f>"), std::string::npos);

    // Deals: money as its decimal text, the owner by name.
    const std::int64_t sales_role = RoleId("sales");
    TestUser owner = CreateUser("deal.owner", sales_role, std::nullopt);
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(owner.id),
                   {{"display_name", "王销售"}}, admin())
                  .status,
              200);
    ASSERT_EQ(
        Call("POST", base + "/deals",
             {{"closed_on", "2026-12-03"}, {"amount", "1234.5"}, {"owner_id", owner.id}}, admin())
            .status,
        201);
    table = Read(Call("GET", base + "/deals/export?lang=en", nullptr, admin()), "csv");
    ASSERT_EQ(table.size(), 2u);
    std::map<std::string, std::string> cells;
    for (std::size_t i = 0; i < table[0].size(); ++i) cells[table[0][i]] = table[1][i];
    EXPECT_EQ(cells["Amount"], "1234.50");
    EXPECT_EQ(cells["Paid from prepayment"], "0.00");
    EXPECT_EQ(cells["Owner"], "王销售");
    EXPECT_EQ(cells["Closed on"], "2026-12-03");
}

TEST_P(RecordExportTest, ExportNeedsItsPermissionAndACustomerTheCallerSees) {
    const std::int64_t sales = CreateDepartment("导出销售部");
    const std::int64_t other = CreateDepartment("导出其他部");
    for (const auto& type : RecordTypes().types()) {
        SCOPED_TRACE(type->type.name);
        const std::string n = type->type.name;
        json reader = {"customers.view", "customers.create", type->type.Permission("view"),
                       type->type.Permission("create")};
        json exporter = reader;
        exporter.push_back(type->type.Permission("export"));
        TestUser owner =
            CreateUser(n + ".exp.owner", CreateRole(n + "-exp", "self", exporter), sales);
        TestUser viewer =
            CreateUser(n + ".exp.viewer", CreateRole(n + "-read", "all", reader), sales);
        TestUser outsider =
            CreateUser(n + ".exp.out", CreateRole(n + "-exp-dept", "department", exporter), other);
        TestUser salesperson = CreateUser(n + ".exp.sales", RoleId("sales"), sales);
        TestUser manager = CreateUser(n + ".exp.manager", RoleId("manager"), sales);

        const json customer = CreateCustomer(owner.token, {{"name", n + "导出客户"}});
        const std::string collection = Path(customer["id"], *type);
        ASSERT_EQ(CreateExample(*type, collection, owner.token).status, 201);
        const std::string target = collection + "/export?format=csv";
        EXPECT_EQ(Call("GET", target, nullptr, owner.token).status, 200);
        if (!type->type.UnderCustomer()) {
            // A type of its own: the permission alone (its scope rule is RecordKitTest's).
            EXPECT_EQ(Call("GET", target, nullptr, viewer.token).status, 403);
            EXPECT_EQ(Call("GET", target, nullptr, salesperson.token).status, 403);
            EXPECT_EQ(Call("GET", target + "&deleted=true", nullptr, owner.token).status, 403);
            EXPECT_EQ(AuditRows(0, type->type.singular + ".export", type.get()).size(), 1u);
            continue;
        }
        EXPECT_EQ(Call("GET", target, nullptr, manager.token).status, 200);  // department tree
        // Without <name>.export: 403, whoever the customer is visible to; the default sales role
        // does not export (as with customers).
        Reply refused = Call("GET", target, nullptr, viewer.token);
        EXPECT_EQ(refused.status, 403);
        EXPECT_EQ(refused.code(), "forbidden");
        EXPECT_EQ(Call("GET", target, nullptr, salesperson.token).status, 403);
        // A customer the caller can't see is absent: 404, and nothing audited.
        EXPECT_EQ(Call("GET", target, nullptr, outsider.token).status, 404);
        // The recycle bin needs <name>.delete, which this role lacks — unless the type deletes
        // with the permission it creates with (contacts: customers.edit).
        const bool bins = type->type.Permission("delete") == type->type.Permission("create");
        EXPECT_EQ(Call("GET", target + "&deleted=true", nullptr, owner.token).status,
                  bins ? 200 : 403);
        EXPECT_EQ(AuditRows(customer["id"], type->type.singular + ".export").size(),
                  bins ? 3u : 2u);
    }
}

TEST_P(RecordExportTest, EveryTypesHistoryListsEachWriteWithTheFieldsItChanged) {
    const std::int64_t dept = CreateDepartment("历史部");
    for (const auto& type : RecordTypes().types()) {
        SCOPED_TRACE(type->type.name);
        const std::string n = type->type.name;
        json permissions = {"customers.view", "customers.create"};
        for (std::string_view action : kit::kActions)
            permissions.push_back(type->type.Permission(action));
        TestUser owner =
            CreateUser(n + ".hist.owner", CreateRole(n + "-hist", "self", permissions), dept);
        TestUser peer =
            CreateUser(n + ".hist.peer", CreateRole(n + "-peer", "self", permissions), dept);
        json no_delete = permissions;
        no_delete.erase(
            std::find(no_delete.begin(), no_delete.end(), json(type->type.Permission("delete"))));
        TestUser reader =
            CreateUser(n + ".hist.reader", CreateRole(n + "-hist-read", "all", no_delete), dept);

        const json customer = CreateCustomer(owner.token, {{"name", n + "历史客户"}});
        const std::string collection = Path(customer["id"], *type);
        const json sent = FilledExample(*type, collection);
        Reply created = Send(ExampleCreate(*type, collection, owner.token, sent));
        ASSERT_EQ(created.status, 201) << created.raw.body;
        const std::string item = collection + "/" + created.body["id"].dump();
        if (type->type.append_only) {
            // A ledger's entry has one write: its create, with the fields it set and those the
            // server computed.
            Reply history = Call("GET", item + "/history", nullptr, owner.token);
            ASSERT_EQ(history.status, 200) << history.raw.body;
            ASSERT_EQ(history.body["total"], 1);
            const json& entry = history.body["items"][0];
            EXPECT_EQ(entry["action"], "create");
            for (const auto& [key, value] : sent.items()) {
                EXPECT_EQ(entry["changes"][key]["after"], value) << key;
            }
            for (const kit::Field& field : type->type.fields) {
                if (field.def.readonly && field.derived_sql.empty()) {
                    EXPECT_EQ(entry["changes"][field.def.name]["after"],
                              created.body[field.def.name])
                        << field.def.name;
                }
            }
            EXPECT_EQ(Call("GET", item + "/history", nullptr, peer.token).status, 404);
            continue;
        }
        const FieldDef& first = type->type.fields.front().def;
        const json changed = OtherValue(first);
        ASSERT_EQ(Call("PATCH", item, {{first.name, changed}}, owner.token).status, 200);
        ASSERT_EQ(Call("PATCH", item, {{first.name, changed}}, owner.token).status, 200);
        ASSERT_EQ(Call("DELETE", item, nullptr, owner.token).status, 204);
        ASSERT_EQ(Call("POST", item + "/restore", nullptr, owner.token).status, 200);
        // Another record's writes are not this one's history.
        ASSERT_EQ(CreateExample(*type, collection, owner.token).status, 201);

        Reply history = Call("GET", item + "/history", nullptr, owner.token);
        ASSERT_EQ(history.status, 200) << history.raw.body;
        EXPECT_EQ(history.body["total"], 5);
        const json& items = history.body["items"];
        ASSERT_EQ(items.size(), 5u);
        std::vector<std::string> actions;
        for (const json& entry : items) actions.push_back(entry["action"]);
        EXPECT_EQ(actions, (std::vector<std::string>{"restore", "delete", "update", "update",
                                                     "create"}));  // newest first
        for (const json& entry : items) {
            EXPECT_EQ(entry["user_id"], owner.id);
            EXPECT_EQ(entry["user_name"], n + ".hist.owner");
            EXPECT_FALSE(entry.contains("ip"));  // the audit log's own, with audit.view
        }
        // The first update changed the field, the second (the same value again) nothing.
        EXPECT_EQ(
            items[3]["changes"],
            json({{first.name, {{"before", type->type.example[first.name]}, {"after", changed}}}}));
        EXPECT_EQ(items[2]["changes"], json::object());
        EXPECT_TRUE(items[0]["changes"].empty());
        // A create's changes are the fields it set, from nothing.
        for (const auto& [key, value] : sent.items()) {
            EXPECT_EQ(items[4]["changes"][key]["before"], nullptr) << key;
            EXPECT_EQ(items[4]["changes"][key]["after"], value) << key;
        }

        // Paged.
        Reply page = Call("GET", item + "/history?page=2&page_size=2", nullptr, owner.token);
        ASSERT_EQ(page.status, 200);
        EXPECT_EQ(page.body["total"], 5);
        ASSERT_EQ(page.body["items"].size(), 2u);
        EXPECT_EQ(page.body["items"][0]["action"], "update");
        EXPECT_EQ(Call("GET", item + "/history?nonsense=1", nullptr, owner.token).status, 400);

        // The same gate as reading the record: not visible, absent, or in the recycle bin without
        // <name>.delete — 404.
        if (type->type.visibility != kit::Visibility::kAdminOnly) {
            EXPECT_EQ(Call("GET", item + "/history", nullptr, peer.token).status, 404);
        }
        EXPECT_EQ(Call("GET", collection + "/999999/history", nullptr, owner.token).status, 404);
        EXPECT_EQ(Call("GET", item + "/history", nullptr, reader.token).status, 200);
        ASSERT_EQ(Call("DELETE", item, nullptr, owner.token).status, 204);
        // (A type that deletes with the permission it writes with — contacts — leaves the reader
        // that permission, and the recycle bin with it.)
        const bool reader_bins =
            std::find(no_delete.begin(), no_delete.end(), json(type->type.Permission("delete"))) !=
            no_delete.end();
        EXPECT_EQ(Call("GET", item + "/history", nullptr, reader.token).status,
                  reader_bins ? 200 : 404);
        EXPECT_EQ(Call("GET", item + "/history", nullptr, owner.token).status, 200);
    }
}

TEST_P(RecordExportTest, CustomFieldsAreExportedAfterTheBuiltInColumnsUnderTheirLabels) {
    ASSERT_EQ(Call("POST", "/api/v1/custom-fields",
                   {{"entity", "mailings"},
                    {"key", "insured_value"},
                    {"type", "integer"},
                    {"label", {{"zh-CN", "保价金额"}, {"en", "Insured value"}}}},
                   admin())
                  .status,
              201);
    const json customer = CreateCustomer(admin(), {{"name", "自定义导出公司"}});
    const std::string mailings = "/api/v1/customers/" + customer["id"].dump() + "/mailings";
    ASSERT_EQ(
        Call("POST", mailings,
             {{"item", "样品"}, {"sent_on", "2026-12-01"}, {"custom", {{"insured_value", 800}}}},
             admin())
            .status,
        201);
    ASSERT_EQ(Call("POST", mailings, {{"item", "目录"}, {"sent_on", "2026-12-02"}}, admin()).status,
              201);
    Table table =
        Read(Call("GET", mailings + "/export?lang=en&sort=sent_on", nullptr, admin()), "csv");
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table[0].back(), "Insured value");
    EXPECT_EQ(table[1].back(), "800");
    EXPECT_EQ(table[2].back(), "");  // no value: an empty cell
    table = Read(
        Call("GET", mailings + "/export?format=xlsx&lang=zh-CN&sort=sent_on", nullptr, admin()),
        "xlsx");
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table[0].back(), "保价金额");
    EXPECT_EQ(table[1].back(), "800");
}

TEST_P(RecordExportTest, AUserFieldsChangeNamesBothUsers) {
    const json customer = CreateCustomer(admin(), {{"name", "负责人变更公司"}});
    const std::string deals = "/api/v1/customers/" + customer["id"].dump() + "/deals";
    TestUser next = CreateUser("deal.next", RoleId("sales"), std::nullopt);
    Reply created =
        Call("POST", deals, {{"closed_on", "2026-12-03"}, {"amount", "10.00"}}, admin());
    ASSERT_EQ(created.status, 201);
    const std::string item = deals + "/" + created.body["id"].dump();
    ASSERT_EQ(Call("PATCH", item, {{"owner_id", next.id}, {"amount", "12.00"}}, admin()).status,
              200);
    Reply history = Call("GET", item + "/history", nullptr, admin());
    ASSERT_EQ(history.status, 200);
    const json& changes = history.body["items"][0]["changes"];
    EXPECT_EQ(changes["amount"], json({{"before", "10.00"}, {"after", "12.00"}}));
    EXPECT_EQ(changes["owner_id"]["before"], created.body["owner_id"]);
    EXPECT_EQ(changes["owner_id"]["after"], next.id);
    EXPECT_EQ(changes["owner_id"]["before_name"], "Administrator");
    EXPECT_EQ(changes["owner_id"]["after_name"], "deal.next");
}

GUANXI_API_TEST_SUITE(RecordExportTest);

}  // namespace
}  // namespace guanxi::testing
