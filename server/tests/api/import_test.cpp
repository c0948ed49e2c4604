// Customer import: CSV with Chinese headers and a byte-order mark, quoted cells, bad rows reported
// by row number while the others are imported, duplicates skipped / updated / created, dry runs,
// permissions and size limits, a job that crashes mid-file and resumes without doubling rows, XLSX
// written by the export read back, XLSX zip bombs refused by the job (never the upload), and
// imported customers found by a 2-character Chinese search.

#include "api_test_support.hpp"

#include "core/time.hpp"
#include "domains/customers/customer_import_service.hpp"
#include "io/table_reader.hpp"

#include <zip.h>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

constexpr const char* kBom = "\xEF\xBB\xBF";
constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

class ImportTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_ = CreateDepartment("销售一部");
        // Managers may import (customers.create + customers.import); salespeople by default not.
        boss_ = CreateUser("boss", RoleId("manager"), dept_);
        alice_ = CreateUser("alice", RoleId("sales"), dept_, boss_.id);
    }

    // POSTs `content` as the file; `query` without the leading '?'.
    Reply Upload(const std::string& token, const std::string& content,
                 const std::string& query = "", const std::string& type = "text/csv") {
        http::Request request;
        request.method = "POST";
        EXPECT_TRUE(request.SetTarget("/api/v1/customers/import" +
                                      (query.empty() ? std::string() : "?" + query)));
        request.body = content;
        request.headers["content-type"] = type;
        request.headers["authorization"] = "Bearer " + token;
        request.remote_ip = "10.0.0.1";
        return Send(std::move(request));
    }

    // Uploads, runs the job, and returns the finished import.
    json Import(const std::string& token, const std::string& content, const std::string& query = "",
                const std::string& type = "text/csv") {
        Reply started = Upload(token, content, query, type);
        EXPECT_EQ(started.status, 202) << started.body.dump();
        if (started.status != 202) return json();
        EXPECT_EQ(started.body["job"]["status"], "queued");
        EXPECT_EQ(started.body["import"]["status"], "queued");
        RunJobs();
        return ImportNow(token, started.body["import"]["id"].get<std::int64_t>());
    }

    json ImportNow(const std::string& token, std::int64_t id) {
        Reply r = Call("GET", "/api/v1/customers/imports/" + std::to_string(id), nullptr, token);
        EXPECT_EQ(r.status, 200) << r.body.dump();
        return r.body;
    }

    void RunJobs() {
        auto ran = app().job_runner().Drain("test-worker");
        ASSERT_TRUE(ran.ok()) << ran.error().message;
    }

    // The error report's rows (header dropped unless asked for), parsed, in English unless
    // another language is asked for.
    std::vector<std::vector<std::string>> Report(const std::string& token, const json& import,
                                                 const std::string& lang = "en",
                                                 bool with_header = false) {
        Reply r = Call("GET", import["error_report"].get<std::string>() + "?lang=" + lang, nullptr,
                       token);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.raw.HeaderValue("Content-Type").value_or(""), "text/csv; charset=utf-8");
        auto reader = io::CsvFromString(r.raw.body);
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> cells;
        while (*reader->Next(cells)) rows.push_back(cells);
        if (!rows.empty() && !with_header) rows.erase(rows.begin());
        return rows;
    }

    json Customers(const std::string& token, const std::string& query = "") {
        Reply r = Call("GET", "/api/v1/customers?page_size=500&sort=id" + query, nullptr, token);
        EXPECT_EQ(r.status, 200) << r.body.dump();
        return r.body;
    }

    // An XLSX workbook written part by part: `sheet_data` is the first sheet's rows, `shared` the
    // shared strings' <si> elements.
    static std::string Workbook(const std::string& sheet_data, const std::string& shared = "") {
        const std::vector<std::pair<std::string, std::string>> parts = {
            {"xl/workbook.xml",
             R"(<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>)"},
            {"xl/_rels/workbook.xml.rels",
             R"(<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>)"
             "</Relationships>"},
            {"xl/sharedStrings.xml", "<sst>" + shared + "</sst>"},
            {"xl/worksheets/sheet1.xml",
             "<worksheet><sheetData>" + sheet_data + "</sheetData></worksheet>"}};
        const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                           ("guanxi_import_" + std::to_string(getpid()) + ".xlsx");
        int error = 0;
        zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
        EXPECT_NE(zip, nullptr);
        if (zip == nullptr) return "";
        for (const auto& [name, content] : parts) {
            zip_file_add(zip, name.c_str(),
                         zip_source_buffer(zip, content.data(), content.size(), 0), 0);
        }
        EXPECT_EQ(zip_close(zip), 0);
        std::ifstream in(path, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::filesystem::remove(path);
        return bytes;
    }
    static std::string InlineRow(int number, const std::vector<std::string>& cells) {
        std::string row = "<row r=\"" + std::to_string(number) + "\">";
        for (const auto& cell : cells) row += "<c t=\"inlineStr\"><is><t>" + cell + "</t></is></c>";
        return row + "</row>";
    }
    static std::string Repeat(const std::string& piece, size_t times) {
        std::string out;
        for (size_t i = 0; i < times; ++i) out += piece;
        return out;
    }

    std::int64_t dept_ = 0;
    TestUser boss_, alice_;
};

TEST_P(ImportTest, ChineseHeadersQuotedCellsAndBadRowsReportedByRowNumber) {
    const std::string csv = std::string(kBom) +
                            "名称,电话,邮箱,客户类别,标签,地址,下次联系,备注\r\n"
                            "深圳华强科技有限公司,138 0013 8000,info@huaqiang.cn,核心,VIP；大单,"
                            "\"深圳市福田区华强北路1号, 3楼\",2026-11-28,ignored\r\n"
                            ",13900000000,,,,,,no name\r\n"
                            "\"Brightpath Logistics, Ltd.\",,sales@brightpath.example,potential,,"
                            "\"Suite 5, Harbor Rd\",,\"Line one\r\nLine two\"\r\n"
                            "坏邮箱公司,,not-an-email,,,,,\r\n"
                            "\r\n"
                            "类别错误公司,,,大客户,,,,\r\n"
                            "'+86 137 0000 0000,'+86 137 0000 0000,,,,,2026-12-01 09:30,\r\n";
    json import = Import(boss_.token, csv, "filename=客户.csv");
    EXPECT_EQ(import["status"], "done") << import.dump();
    EXPECT_EQ(import["filename"], "客户.csv");
    EXPECT_EQ(import["format"], "csv");
    EXPECT_EQ(import["rows_read"], 6);  // the blank line is not a row
    EXPECT_EQ(import["created"], 3);
    EXPECT_EQ(import["failed"], 3);
    EXPECT_EQ(import["skipped"], 0);
    EXPECT_EQ(import["percent"], 100);
    EXPECT_EQ(import["columns"]["ignored"], json::array({"备注"}));

    // The report names each bad row by the number a spreadsheet shows, the field and the reason.
    auto report = Report(boss_.token, import);
    ASSERT_EQ(report.size(), 3u);
    EXPECT_EQ(report[0][0], "3");
    EXPECT_EQ(report[0][1], "failed");
    EXPECT_EQ(report[0][2], "name");
    EXPECT_NE(report[0][3].find("required"), std::string::npos) << report[0][3];
    EXPECT_EQ(report[0][5], "13900000000");  // the row's own cells follow
    EXPECT_EQ(report[1][0], "5");            // row 4's quoted newline does not start a row
    EXPECT_EQ(report[1][2], "email");
    EXPECT_EQ(report[2][0], "7");  // the blank line 6 counts, as in a spreadsheet
    EXPECT_EQ(report[2][2], "category");

    json list = Customers(boss_.token);
    ASSERT_EQ(list["total"], 3);
    const json& huaqiang = list["items"][0];
    EXPECT_EQ(huaqiang["name"], "深圳华强科技有限公司");
    EXPECT_EQ(huaqiang["category"], "core");
    EXPECT_EQ(huaqiang["tags"], json::array({"VIP", "大单"}));
    EXPECT_EQ(huaqiang["address"], "深圳市福田区华强北路1号, 3楼");
    EXPECT_EQ(huaqiang["next_contact_at"], "2026-11-28T00:00:00Z");
    EXPECT_EQ(huaqiang["owner_id"], boss_.id);  // the uploader
    EXPECT_EQ(huaqiang["department_id"], dept_);
    EXPECT_EQ(list["items"][1]["name"], "Brightpath Logistics, Ltd.");
    EXPECT_EQ(list["items"][1]["address"], "Suite 5, Harbor Rd");
    EXPECT_EQ(list["items"][2]["phone"], "+86 137 0000 0000");  // the export's apostrophe undone
    EXPECT_EQ(list["items"][2]["next_contact_at"], "2026-12-01T09:30:00Z");

    // Created like the API creates: history and duplicate check know them.
    Reply history = Call("GET", "/api/v1/customers/" + huaqiang["id"].dump() + "/history", nullptr,
                         boss_.token);
    ASSERT_EQ(history.status, 200);
    ASSERT_EQ(history.body["items"].size(), 1u);
    EXPECT_EQ(history.body["items"][0]["kind"], "create");
    Reply dup =
        Call("POST", "/api/v1/customers", {{"name", "X"}, {"phone", "13800138000"}}, boss_.token);
    EXPECT_EQ(dup.status, 409);
}

TEST_P(ImportTest, AGbkCsvFromAChineseExcelIsConvertedAndAFormIsRefused) {
    // "客户名称,电话\n深圳华强,13800138000\n" as a Chinese Excel saves "CSV": GBK.
    json import = Import(boss_.token,
                         "\xBF\xCD\xBB\xA7\xC3\xFB\xB3\xC6,\xB5\xE7\xBB\xB0\r\n"
                         "\xC9\xEE\xDB\xDA\xBB\xAA\xC7\xBF,13800138000\r\n");
    EXPECT_EQ(import["created"], 1) << import.dump();
    EXPECT_EQ(import["columns"]["header"], json::array({"客户名称", "电话"}));
    EXPECT_EQ(Customers(boss_.token, "&q=华强")["items"][0]["name"], "深圳华强");

    Reply form = Upload(boss_.token, "--x\r\nContent-Disposition: form-data\r\n\r\nname\r\n--x--",
                        "", "multipart/form-data; boundary=x");
    EXPECT_EQ(form.status, 400);
}

TEST_P(ImportTest, ImportedCustomersAreFoundByShortChineseAndLatinSearch) {
    Import(boss_.token,
           "name,phone,email\n"
           "杭州云帆网络科技有限公司,0571-8888 1234,hello@yunfan.cn\n"
           "Pacific Summit Foods,,\n");
    for (const std::string q : {"云帆", "帆", "网络科技", "yunfan", "88881234", "SUMMIT"}) {
        json found = Customers(boss_.token, "&q=" + q);
        EXPECT_EQ(found["total"], 1) << q;
    }
    EXPECT_EQ(Customers(boss_.token, "&q=华强")["total"], 0);
}

TEST_P(ImportTest, DuplicatesAreSkippedByDefaultAgainstTheDatabaseAndTheFile) {
    CreateCustomer(boss_.token, {{"name", "老客户"}, {"phone", "13800138000"}});
    json import = Import(boss_.token,
                         "name,phone,email\n"
                         "新名字,+86 138-0013-8000,\n"  // the existing customer's phone
                         "甲公司,,a@example.com\n"
                         "乙公司,,A@Example.com\n"  // the file's own row 3
                         "丙公司,13911112222,\n");
    EXPECT_EQ(import["created"], 2);
    EXPECT_EQ(import["skipped"], 2);
    EXPECT_EQ(import["failed"], 0);
    auto report = Report(boss_.token, import);
    ASSERT_EQ(report.size(), 2u);
    EXPECT_EQ(report[0][0], "2");
    EXPECT_EQ(report[0][1], "skipped");
    EXPECT_NE(report[0][3].find("customer #"), std::string::npos) << report[0][3];
    EXPECT_EQ(report[1][0], "4");
    EXPECT_NE(report[1][3].find("row 3"), std::string::npos) << report[1][3];
    EXPECT_EQ(Customers(boss_.token)["total"], 3);
}

// The report is written in its reader's language (?lang=, else Accept-Language, else Chinese): its
// own columns, the status, each field's label and message and the import's own reasons.
TEST_P(ImportTest, TheReportIsWrittenInTheReadersLanguage) {
    CreateCustomer(boss_.token, {{"name", "老客户"}, {"phone", "13800138000"}});
    json import = Import(boss_.token,
                         "名称,电话,负责人\n"
                         "甲公司,not a phone,\n"
                         ",13911112222,\n"
                         "乙公司,13800138000,\n"
                         "丙公司,,nobody\n");
    ASSERT_EQ(import["failed"], 3) << import.dump();
    ASSERT_EQ(import["skipped"], 1);
    auto zh = Report(boss_.token, import, "zh-CN", true);
    ASSERT_EQ(zh.size(), 5u);
    EXPECT_EQ(std::vector<std::string>(zh[0].begin(), zh[0].begin() + 4),
              std::vector<std::string>({"行号", "结果", "字段", "原因"}));
    EXPECT_EQ(zh[1][1], "失败");
    EXPECT_EQ(zh[1][2], "phone");  // the key, as the API names it
    EXPECT_EQ(zh[1][3], "电话：" + FieldMessageText("not_a_phone", json::object(), "zh-CN"));
    EXPECT_EQ(zh[2][3], "名称：必填");
    EXPECT_EQ(zh[3][1], "跳过");
    EXPECT_NE(zh[3][3].find("（电话相同）"), std::string::npos) << zh[3][3];
    EXPECT_EQ(zh[4][3], "负责人：没有名为 nobody 的用户");

    auto en = Report(boss_.token, import, "en", true);
    ASSERT_EQ(en.size(), 5u);
    EXPECT_EQ(en[0][0], "row");
    EXPECT_EQ(en[1][1], "failed");
    EXPECT_EQ(en[1][3], "Phone: " + FieldMessageText("not_a_phone", json::object(), "en"));
    EXPECT_EQ(en[2][3], "Name: is required");
    EXPECT_NE(en[3][3].find("(same Phone)"), std::string::npos) << en[3][3];
    EXPECT_EQ(en[4][3], "Owner: no user is named nobody");

    // Without ?lang=, the browser's Accept-Language decides; without either, Chinese.
    Reply plain = Call("GET", import["error_report"].get<std::string>(), nullptr, boss_.token);
    EXPECT_NE(plain.raw.body.find("行号"), std::string::npos);
    EXPECT_EQ(
        Call("GET", import["error_report"].get<std::string>() + "?lang=fr", nullptr, boss_.token)
            .status,
        400);
}

TEST(ImportReasonsTest, EveryReasonHasBothTextsWithItsParametersFilled) {
    for (std::string_view code : customers::ImportReasonCodes()) {
        const std::string stored =
            json::array(
                {{{"code", code},
                  {"params",
                   {{"name", "n"}, {"what", "phone"}, {"row", 3}, {"id", 7}, {"ids", " #1, #2"}}}}})
                .dump();
        const std::string en = customers::ImportReasonText(stored, true);
        const std::string zh = customers::ImportReasonText(stored, false);
        EXPECT_EQ(en.find('{'), std::string::npos) << code << ": " << en;
        EXPECT_EQ(zh.find('{'), std::string::npos) << code << ": " << zh;
        EXPECT_NE(en, zh) << code;
    }
    EXPECT_EQ(customers::ImportReasonText("an old English reason", false), "an old English reason");
}

TEST_P(ImportTest, DuplicatesCanUpdateTheMatchingCustomer) {
    json existing = CreateCustomer(
        boss_.token, {{"name", "老客户"}, {"phone", "13800138000"}, {"region", "华南"}});
    json import = Import(boss_.token,
                         "name,phone,region,industry\n"
                         ",13800138000,华东,\n"  // updates; an empty cell keeps the value
                         "新客户,13911112222,,制造业\n"
                         "新客户,13911112222,西南,\n",  // amends the row before
                         "duplicates=update");
    EXPECT_EQ(import["created"], 1) << import.dump();
    EXPECT_EQ(import["updated"], 2);
    EXPECT_EQ(import["failed"], 0);
    Reply got = Call("GET", "/api/v1/customers/" + existing["id"].dump(), nullptr, boss_.token);
    EXPECT_EQ(got.body["name"], "老客户");
    EXPECT_EQ(got.body["region"], "华东");
    EXPECT_EQ(got.body["version"], 2);
    json list = Customers(boss_.token, "&q=新客户");
    ASSERT_EQ(list["total"], 1);
    EXPECT_EQ(list["items"][0]["region"], "西南");
    EXPECT_EQ(list["items"][0]["industry"], "制造业");

    // A customer the uploader cannot see is not updated, and not revealed.
    TestUser other = CreateUser("other", RoleId("manager"), CreateDepartment("销售二部"));
    CreateCustomer(other.token, {{"name", "别人的客户"}, {"phone", "13700001111"}});
    json hidden = Import(boss_.token, "name,phone\n改名,13700001111\n", "duplicates=update");
    EXPECT_EQ(hidden["failed"], 1);
    auto report = Report(boss_.token, hidden);
    ASSERT_EQ(report.size(), 1u);
    EXPECT_NE(report[0][3].find("may not edit"), std::string::npos) << report[0][3];
}

TEST_P(ImportTest, DuplicatesCanBeCreatedAnyway) {
    CreateCustomer(boss_.token, {{"name", "老客户"}, {"phone", "13800138000"}});
    json import = Import(boss_.token, "name,phone\n新客户,13800138000\n又一个,13800138000\n",
                         "duplicates=create");
    EXPECT_EQ(import["created"], 2);
    EXPECT_EQ(Customers(boss_.token)["total"], 3);
}

TEST_P(ImportTest, ADryRunValidatesAndCountsButChangesNothing) {
    json import =
        Import(boss_.token, "name,phone\n甲公司,13800138000\n,13900000000\n乙公司,13800138000\n",
               "dry_run=true");
    EXPECT_EQ(import["status"], "done");
    EXPECT_EQ(import["dry_run"], true);
    EXPECT_EQ(import["created"], 1);
    EXPECT_EQ(import["failed"], 1);
    EXPECT_EQ(import["skipped"], 1);
    EXPECT_EQ(Customers(boss_.token)["total"], 0);
    EXPECT_EQ(Report(boss_.token, import).size(), 2u);
}

TEST_P(ImportTest, NeedsThePermissionsAndSeesOnlyOwnImports) {
    Reply refused = Upload(alice_.token, "name\n甲公司\n");  // sales: no customers.import
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.code(), "forbidden");
    const std::int64_t viewer_role = CreateRole("viewer", "self", {"customers.view"});
    TestUser viewer = CreateUser("viewer", viewer_role, dept_);
    EXPECT_EQ(Upload(viewer.token, "name\n甲公司\n").status, 403);
    EXPECT_EQ(Upload("", "name\n甲公司\n").status, 401);

    Reply started = Upload(boss_.token, "name\n甲公司\n");
    ASSERT_EQ(started.status, 202);
    const std::string path = "/api/v1/customers/imports/" + started.body["import"]["id"].dump();
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).status, 404);
    EXPECT_EQ(Call("GET", path + "/errors", nullptr, alice_.token).status, 404);
    EXPECT_EQ(Call("GET", path, nullptr, admin()).status, 200);  // users.manage

    // The upload is in the audit log.
    Reply audit = Call("GET", "/api/v1/audit-log?action=customer.import", nullptr, admin());
    ASSERT_EQ(audit.status, 200) << audit.body.dump();
    EXPECT_EQ(audit.body["total"], 1);
}

TEST_P(ImportTest, RefusesBadUploadsAtOnce) {
    app().customer_imports().settings().max_bytes = 64;
    Reply big = Upload(boss_.token, "name\n" + std::string(100, 'x') + "\n");
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(big.code(), "payload_too_large");
    app().customer_imports().settings().max_bytes = 1 << 20;

    Reply no_name = Upload(boss_.token, "phone,email\n138,a@b.c\n");
    EXPECT_EQ(no_name.status, 422);
    EXPECT_TRUE(no_name.body["error"]["details"]["fields"].contains("file")) << no_name.body;
    EXPECT_EQ(Upload(boss_.token, "").status, 422);
    Reply bad_option = Upload(boss_.token, "name\nx\n", "duplicates=merge");
    EXPECT_EQ(bad_option.status, 400);
    EXPECT_EQ(bad_option.body["error"]["details"]["parameter"], "duplicates");
    EXPECT_EQ(Upload(boss_.token, "name\nx\n", "colour=blue").status, 400);
    Reply not_xlsx = Upload(boss_.token, "name\nx\n", "format=xlsx");
    EXPECT_EQ(not_xlsx.status, 422);
    // Nothing was queued, and no file was left behind.
    EXPECT_EQ(Call("GET", "/api/v1/jobs", nullptr, admin()).body["total"], 0);
}

TEST_P(ImportTest, OwnersByUsernameNeedTheTransferPermission) {
    // boss (manager) may transfer; a creator-only role may not name others.
    const std::int64_t importer_role =
        CreateRole("importer", "self", {"customers.view", "customers.create", "customers.import"});
    TestUser clerk = CreateUser("clerk", importer_role, dept_);
    const std::string csv = "名称,负责人\n甲公司,alice\n乙公司,clerk\n丙公司,nobody\n";
    json by_clerk = Import(clerk.token, csv);
    EXPECT_EQ(by_clerk["created"], 1);
    EXPECT_EQ(by_clerk["failed"], 2);
    auto report = Report(clerk.token, by_clerk);
    ASSERT_EQ(report.size(), 2u);
    EXPECT_EQ(report[0][2], "owner");
    EXPECT_NE(report[0][3].find("customers.transfer"), std::string::npos) << report[0][3];
    EXPECT_NE(report[1][3].find("nobody"), std::string::npos) << report[1][3];

    json by_boss = Import(boss_.token, "名称,负责人\n丁公司,alice\n");
    EXPECT_EQ(by_boss["created"], 1);
    json list = Customers(alice_.token);
    ASSERT_EQ(list["total"], 1);
    EXPECT_EQ(list["items"][0]["name"], "丁公司");
    EXPECT_EQ(list["items"][0]["owner_id"], alice_.id);
}

TEST_P(ImportTest, AJobThatCrashesMidFileResumesWithoutDuplicates) {
    auto& imports = app().customer_imports();
    imports.settings().batch_rows = 3;
    std::string csv = "name,phone\n";
    for (int i = 1; i <= 20; ++i) {
        csv += (i == 8 ? std::string() : "公司" + std::to_string(i)) + "," +
               std::to_string(13800000000LL + i) + "\n";
    }
    // The third batch (rows 8-10 of the data) fails before its commit, as a crash would.
    int crashes = 0;
    imports.SetBeforeCommit([&](std::int64_t batch) -> Status {
        if (batch == 3 && crashes == 0) {
            ++crashes;
            return Error::Internal("simulated crash");
        }
        return {};
    });
    Reply started = Upload(boss_.token, csv);
    ASSERT_EQ(started.status, 202);
    const std::int64_t id = started.body["import"]["id"].get<std::int64_t>();
    const std::int64_t job_id = started.body["job"]["id"].get<std::int64_t>();
    RunJobs();
    json halfway = ImportNow(boss_.token, id);
    EXPECT_EQ(halfway["status"], "running");
    EXPECT_EQ(halfway["rows_read"], 6);  // two batches committed
    EXPECT_EQ(halfway["created"], 6);
    EXPECT_EQ(Customers(boss_.token)["total"], 6);
    EXPECT_EQ(crashes, 1);

    // The job runner retries after its backoff; the import continues after row 7.
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE(
            (*conn)
                ->Execute("UPDATE jobs SET due_at = ? WHERE id = ?", {NowSeconds() - 1, job_id})
                .ok());
    }
    RunJobs();
    json done = ImportNow(boss_.token, id);
    EXPECT_EQ(done["status"], "done") << done.dump();
    EXPECT_EQ(done["rows_read"], 20);
    EXPECT_EQ(done["created"], 19);
    EXPECT_EQ(done["failed"], 1);
    json list = Customers(boss_.token);
    ASSERT_EQ(list["total"], 19);
    std::set<std::string> names;
    for (const auto& c : list["items"]) names.insert(c["name"].get<std::string>());
    EXPECT_EQ(names.size(), 19u);                     // none twice
    EXPECT_EQ(Report(boss_.token, done).size(), 1u);  // the bad row once, not twice
}

// Import batches are pieces of the group commit (docs/adr/0006-record-kit.md, "The write path as
// built"), like every other customer write: each batch is counted by it, a bad row is reported
// while the good ones land, and every acknowledged row is there.
TEST_P(ImportTest, ImportBatchesArePiecesOfTheGroupCommit) {
    auto& imports = app().customer_imports();
    imports.settings().batch_rows = 2;
    const auto before = app().writes().stats();
    json import = Import(boss_.token,
                         "name,phone\n甲公司,13800000001\n,13800000002\n乙公司,"
                         "13800000003\n丙公司,13800000004\n丁公司,13800000005\n");
    EXPECT_EQ(import["status"], "done") << import.dump();
    EXPECT_EQ(import["created"], 4);
    EXPECT_EQ(import["failed"], 1);
    const auto after = app().writes().stats();
    // Three batches of rows, besides the upload, the start and the finish.
    EXPECT_GE(after.writes - before.writes, 3 + 3);
    EXPECT_EQ(Customers(boss_.token)["total"], 4);
}

// A piece may run twice: when another piece of its group commit fails after writing, the batch is
// rolled back and run again piece by piece. The import's batch then counts and reports its rows
// once, with their cells, and nothing is imported twice.
// SQLite only: the group commit runs a batch's pieces together there and runs them again one by
// one when one fails; PostgreSQL runs each piece alone, so nothing is ever run again.
class SqliteImportTest : public ImportTest {};

TEST_P(SqliteImportTest, AnImportBatchRunAgainByTheGroupCommitCountsItsRowsOnce) {
    auto& imports = app().customer_imports();
    imports.settings().batch_rows = 2;
    db::GroupCommit& writes = app().writes();
    std::atomic<int> second_batch_runs{0};
    std::thread failing;
    imports.SetBeforeCommit([&](std::int64_t batch) -> Status {
        if (batch == 2) ++second_batch_runs;
        if (batch != 1 || failing.joinable()) return {};
        // While batch 1 commits: hold the writer with a slow piece, so that batch 2 and a piece
        // that fails after writing queue behind it and run in one transaction.
        writes.Submit(
            [](db::Connection&) -> Status {
                std::this_thread::sleep_for(std::chrono::milliseconds(600));
                return {};
            },
            [](Status) {});
        failing = std::thread([&writes] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            Status failed = writes.Run([](db::Connection& conn) -> Status {
                GX_TRY(conn.Execute("UPDATE users SET display_name = display_name WHERE id = 1"));
                return Error::Internal("fails after writing");
            });
            EXPECT_FALSE(failed.ok());
        });
        return {};
    });
    const auto before = writes.stats();
    json import = Import(boss_.token,
                         "name,phone\n甲公司,13800000001\n乙公司,13800000002\n"
                         "丙公司,13800000003\n,13800000004\n");
    failing.join();
    EXPECT_EQ(second_batch_runs, 2);  // run together, then again on its own savepoint
    EXPECT_GT(writes.stats().retried_batches, before.retried_batches);
    EXPECT_EQ(import["status"], "done") << import.dump();
    EXPECT_EQ(import["rows_read"], 4);
    EXPECT_EQ(import["created"], 3);
    EXPECT_EQ(import["failed"], 1);
    auto report = Report(boss_.token, import);
    ASSERT_EQ(report.size(), 1u);
    EXPECT_EQ(report[0][0], "5");
    EXPECT_EQ(report[0][5], "13800000004");  // its cells survive the second run
    EXPECT_EQ(Customers(boss_.token)["total"], 3);
}

TEST_P(ImportTest, AStoppingServerHandsTheImportBackAfterTheBatchInHand) {
    auto& imports = app().customer_imports();
    imports.settings().batch_rows = 2;
    imports.SetBeforeCommit([&](std::int64_t batch) -> Status {
        if (batch == 1) app().job_runner().RequestStop();  // SIGTERM arrives during batch 1
        return {};
    });
    Reply started = Upload(boss_.token, "name\n甲\n乙\n丙\n丁\n戊\n");
    ASSERT_EQ(started.status, 202);
    const std::int64_t id = started.body["import"]["id"].get<std::int64_t>();
    ASSERT_TRUE(*app().job_runner().RunOnce("stopping-worker"));
    EXPECT_EQ(ImportNow(boss_.token, id)["rows_read"], 2);  // batch 1 committed, then handed back
    auto job = app().job_store().Get(started.body["job"]["id"].get<std::int64_t>());
    ASSERT_TRUE(job.ok());
    EXPECT_EQ((*job)["status"], "queued");
    EXPECT_EQ((*job)["attempts"], 0);  // a hand-back is not a failed attempt

    // Another server (a runner of its own) takes it and finishes it.
    imports.SetBeforeCommit({});
    jobs::JobRunner next(app().job_store(), {});
    next.Register("customer.import", [&](const jobs::Job& j) { return imports.Run(j); });
    ASSERT_TRUE(next.Drain("next-server").ok());
    json done = ImportNow(boss_.token, id);
    EXPECT_EQ(done["status"], "done");
    EXPECT_EQ(done["created"], 5);
    EXPECT_EQ(Customers(boss_.token)["total"], 5);
}

TEST_P(ImportTest, AWorkerThatLostItsLeaseCannotCommit) {
    Reply started = Upload(boss_.token, "name\n甲\n乙\n");
    ASSERT_EQ(started.status, 202);
    // A worker whose lease another took over (here: never had it) runs the job: no batch commits.
    jobs::Job zombie{started.body["job"]["id"].get<std::int64_t>(),
                     "customer.import",
                     {{"import_id", started.body["import"]["id"]}},
                     1,
                     5,
                     "zombie",
                     120};
    auto result = app().customer_imports().Run(zombie);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(Customers(boss_.token)["total"], 0);
    RunJobs();  // the real claim
    EXPECT_EQ(Customers(boss_.token)["total"], 2);
}

// The export's header is in the caller's language (labels, not keys), and either language reads
// back: XLSX in Chinese, then CSV in English.
TEST_P(ImportTest, AnXlsxExportImportsBackUnchanged) {
    CreateCustomer(boss_.token, {{"name", "深圳华强科技有限公司"},
                                 {"category", "core"},
                                 {"phone", "+86 138 0013 8000"},
                                 {"email", "info@huaqiang.cn"},
                                 {"region", "华南"},
                                 {"industry", "制造业"},
                                 {"tags", {"VIP", "重点跟进"}},
                                 {"address", "深圳市福田区, 华强北路1号"},
                                 {"next_contact_at", "2031-11-28T08:00:00Z"}});
    CreateCustomer(boss_.token, {{"name", "=cmd|' /C calc'!A0"}, {"source", "官网"}});
    Reply exported = Call("GET", "/api/v1/customers/export?format=xlsx&sort=id&lang=zh-CN", nullptr,
                          boss_.token);
    ASSERT_EQ(exported.status, 200);
    const json before = Customers(boss_.token)["items"];
    for (const auto& c : before) {
        ASSERT_EQ(
            Call("DELETE", "/api/v1/customers/" + c["id"].dump(), nullptr, boss_.token).status,
            204);
    }
    json import = Import(boss_.token, exported.raw.body, "filename=customers.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(import["format"], "xlsx");
    EXPECT_EQ(import["created"], 2) << import.dump();
    EXPECT_EQ(import["failed"], 0);
    // The export's id, department and time columns are not the import's to set.
    EXPECT_EQ(import["columns"]["ignored"], json::array({"编号", "部门", "最近联系", "创建时间"}));
    EXPECT_EQ(import["columns"]["header"][1], "名称") << import.dump();
    const json after = Customers(boss_.token)["items"];
    ASSERT_EQ(after.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        for (const char* field : {"name", "category", "phone", "email", "region", "industry",
                                  "source", "tags", "address", "next_contact_at", "owner_id"}) {
            EXPECT_EQ(after[i][field], before[i][field]) << field;
        }
        EXPECT_NE(after[i]["id"], before[i]["id"]);
    }

    // And the same through CSV, format told by the file's content alone.
    for (const auto& c : after) {
        ASSERT_EQ(
            Call("DELETE", "/api/v1/customers/" + c["id"].dump(), nullptr, boss_.token).status,
            204);
    }
    Reply csv = Call("GET", "/api/v1/customers/export?format=csv&sort=id&deleted=true&lang=en",
                     nullptr, boss_.token);
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.raw.body.find("ID,Name,Category,Owner,"), std::string::npos) << csv.raw.body;
    json again = Import(boss_.token, csv.raw.body, "", "application/octet-stream");
    EXPECT_EQ(again["format"], "csv");
    EXPECT_EQ(again["failed"], 0) << again.dump();
    EXPECT_EQ(again["columns"]["ignored"],
              json::array({"ID", "Department", "Last contact", "Created"}));
    // Each customer is in the recycle bin twice now: 华强's second row has the first's phone.
    EXPECT_EQ(again["created"], 3) << again.dump();
    EXPECT_EQ(again["skipped"], 1);
}

TEST_P(ImportTest, XlsxZipBombsFailTheirJobAndNeverHoldTheUpload) {
    // As the probe sent them, in small: a header, then 6 MB of empty rows (or a million empty
    // shared strings) that compress to a few KB, then a customer. Two of each at once.
    const std::string empty_rows =
        Workbook(InlineRow(1, {"name"}) + Repeat("<row/>", 1 << 20) + InlineRow(2, {"甲公司"}));
    const std::string shared_strings =
        Workbook(R"(<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>1</v></c></row>)",
                 "<si><t>name</t></si><si><t>甲公司</t></si>" + Repeat("<si/>", 1 << 20));
    ASSERT_LT(empty_rows.size() + shared_strings.size(), 200u * 1024);
    std::vector<std::pair<std::int64_t, std::string>> imports;  // id, the part that is a bomb
    for (int copy = 0; copy < 2; ++copy) {
        for (const auto& [bytes, part] : {std::pair{empty_rows, "xl/worksheets/sheet1.xml"},
                                          std::pair{shared_strings, "xl/sharedStrings.xml"}}) {
            Reply started = Upload(boss_.token, bytes, "filename=bomb.xlsx", kXlsxType);
            ASSERT_EQ(started.status, 202) << started.body.dump();
            EXPECT_EQ(started.body["import"]["format"], "xlsx");
            EXPECT_EQ(started.body["import"]["status"], "queued");
            // Nothing was decompressed to answer: not even the header row was read.
            EXPECT_EQ(started.body["import"]["columns"], json::object());
            imports.emplace_back(started.body["import"]["id"].get<std::int64_t>(), part);
        }
    }
    // Every upload was answered, and the server answers others, before any bomb was opened.
    EXPECT_EQ(Call("GET", "/api/v1/customers", nullptr, alice_.token).status, 200);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, boss_.token).status, 200);
    for (const auto& [id, part] : imports)
        EXPECT_EQ(ImportNow(boss_.token, id)["status"], "queued");

    RunJobs();
    for (const auto& [id, part] : imports) {
        json import = ImportNow(boss_.token, id);
        EXPECT_EQ(import["status"], "failed") << import.dump();
        const std::string error =
            import["error"].is_string() ? import["error"].get<std::string>() : "";
        EXPECT_NE(error.find("The XLSX file cannot be read: " + part +
                             " expands to more than 100 times its compressed size (the limit on "
                             "the compression ratio"),
                  std::string::npos)
            << error;
        // The dialog says it in the reader's language: the reason's key and parameters.
        EXPECT_EQ(import["error_code"], "xlsx_ratio") << import.dump();
        EXPECT_EQ(import["error_params"], json({{"part", part}, {"ratio", 100}}));
        EXPECT_EQ(import["rows_read"], 0);
        EXPECT_EQ(import["created"], 0);
    }
    EXPECT_EQ(Customers(boss_.token)["total"], 0);
    // Failed, not retried: the jobs are done.
    Reply jobs = Call("GET", "/api/v1/jobs?status=queued", nullptr, admin());
    ASSERT_EQ(jobs.status, 200) << jobs.body.dump();
    EXPECT_EQ(jobs.body["total"], 0);
}

TEST_P(ImportTest, AMalformedCsvFailsWithItsReasonAsAKeyAndTheRowsBeforeItStay) {
    // Row 3 opens a quote that is never closed: the rows before it are imported, and the failure
    // carries a field message key with the row, which the import dialog shows in Chinese or
    // English (the English text stays in "error").
    json unclosed = Import(boss_.token, "名称,电话\n甲公司,13800138000\n\"乙公司,13900139000\n");
    EXPECT_EQ(unclosed["status"], "failed") << unclosed.dump();
    EXPECT_EQ(unclosed["error_code"], "unclosed_quote");
    EXPECT_EQ(unclosed["error_params"], json({{"row", 3}}));
    EXPECT_NE(unclosed["error"].get<std::string>().find("Row 3: a quoted cell is never closed"),
              std::string::npos)
        << unclosed.dump();
    EXPECT_EQ(unclosed["created"], 1);

    // Too many columns in row 2: the same, with the limit.
    json wide = Import(boss_.token, "名称\n" + std::string(1500, ',') + "\n");
    EXPECT_EQ(wide["status"], "failed") << wide.dump();
    EXPECT_EQ(wide["error_code"], "too_many_columns");
    EXPECT_EQ(wide["error_params"], json({{"row", 2}, {"max", 1000}}));

    // A finished import has no reason.
    json done = Import(boss_.token, "名称\n丙公司\n");
    EXPECT_EQ(done["status"], "done");
    EXPECT_TRUE(done["error_code"].is_null()) << done.dump();
}

TEST_P(ImportTest, AnXlsxHeaderIsCheckedByTheJob) {
    // No name column: the upload cannot tell (it does not decompress), the job says why it failed.
    Reply started =
        Upload(boss_.token, Workbook(InlineRow(1, {"电话"}) + InlineRow(2, {"13800138000"})), "",
               kXlsxType);
    ASSERT_EQ(started.status, 202) << started.body.dump();
    RunJobs();
    json failed = ImportNow(boss_.token, started.body["import"]["id"].get<std::int64_t>());
    EXPECT_EQ(failed["status"], "failed");
    EXPECT_NE(failed["error"].get<std::string>().find("has no name column (name or 名称)"),
              std::string::npos)
        << failed.dump();
    EXPECT_EQ(failed["error_code"], "no_name_column");
    EXPECT_EQ(Customers(boss_.token)["total"], 0);

    // A good one imports, and the import shows the header the job read.
    json done = Import(boss_.token,
                       Workbook(InlineRow(1, {"名称", "电话", "备注"}) +
                                InlineRow(2, {"深圳华强", "13800138000", "x"})),
                       "", kXlsxType);
    EXPECT_EQ(done["status"], "done") << done.dump();
    EXPECT_EQ(done["created"], 1);
    EXPECT_EQ(done["columns"]["header"], json::array({"名称", "电话", "备注"}));
    EXPECT_EQ(done["columns"]["ignored"], json::array({"备注"}));
    EXPECT_EQ(Customers(boss_.token)["items"][0]["name"], "深圳华强");
}

GUANXI_API_TEST_SUITE(ImportTest);
INSTANTIATE_TEST_SUITE_P(Backends, SqliteImportTest,
                         ::testing::Values(::guanxi::testing::TestBackend::kSqlite),
                         ::guanxi::testing::BackendName);

}  // namespace
}  // namespace guanxi::testing
