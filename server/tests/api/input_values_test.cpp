// Values that looked valid but were not (issue #12, item 17): LIKE wildcards typed into a search,
// dates that are not on the calendar, dates typed as phones; and the XLSX export's text cells,
// which keep what was typed (a string cell is never a formula) while CSV defuses them.

#include "api_test_support.hpp"

#include "io/table_reader.hpp"
#include "io/xlsx_reader.hpp"

#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class InputValuesTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_ = CreateDepartment("销售一部");
        alice_ = CreateUser("alice", RoleId("sales"), dept_);
    }

    // The names a list answers for `target`.
    std::set<std::string> Names(const std::string& target, const std::string& key = "name") {
        Reply r = Call("GET", target, nullptr, admin());
        EXPECT_EQ(r.status, 200) << target << " → " << r.raw.body;
        std::set<std::string> out;
        for (const auto& item : r.body["items"]) out.insert(item[key].get<std::string>());
        return out;
    }

    std::int64_t dept_ = 0;
    TestUser alice_;
};

TEST_P(InputValuesTest, PercentUnderscoreAndBackslashInASearchAreCharactersNotWildcards) {
    for (const char* name : {"普通贸易公司", "纯度100%公司", "a_b科技", "ab科技", "路径\\分公司"}) {
        CreateCustomer(admin(), {{"name", name}});
    }
    using Set = std::set<std::string>;
    EXPECT_EQ(Names("/api/v1/customers?q=%25"), Set{"纯度100%公司"});
    EXPECT_EQ(Names("/api/v1/customers?q=_"), Set{"a_b科技"});
    EXPECT_EQ(Names("/api/v1/customers?q=%5C"), Set{"路径\\分公司"});
    EXPECT_EQ(Names("/api/v1/customers?q=0%25"), Set{"纯度100%公司"});
    EXPECT_EQ(Names("/api/v1/customers?q=a_b"), Set{"a_b科技"});
    EXPECT_EQ(Names("/api/v1/customers?q=100%25%E5%85%AC"), Set{"纯度100%公司"});  // 100%公
    EXPECT_EQ(Names("/api/v1/customers?q=%25%25"), Set{});

    // Users: username and display name.
    const std::int64_t sales = RoleId("sales");
    for (const auto& [username, display] : std::vector<std::pair<std::string, std::string>>{
             {"wang_li", "王力"}, {"wangli", "王力二"}, {"zhao", "赵 100%"}, {"qian", "钱\\"}}) {
        Reply r = Call("POST", "/api/v1/users",
                       {{"username", username},
                        {"display_name", display},
                        {"password", "Kx9-lantern-204"},
                        {"role_id", sales}},
                       admin());
        ASSERT_EQ(r.status, 201) << r.raw.body;
    }
    EXPECT_EQ(Names("/api/v1/users?q=%25", "username"), Set{"zhao"});
    EXPECT_EQ(Names("/api/v1/users?q=_", "username"), Set{"wang_li"});
    EXPECT_EQ(Names("/api/v1/users?q=g_l", "username"), Set{"wang_li"});
    EXPECT_EQ(Names("/api/v1/users?q=%5C", "username"), Set{"qian"});
    EXPECT_EQ(Names("/api/v1/users?q=wang", "username"), (Set{"wang_li", "wangli"}));
    // The search combines with a filter (the two LIKEs are one condition).
    EXPECT_EQ(Names("/api/v1/users?active=false&q=wang", "username"), Set{});
}

TEST_P(InputValuesTest, DatesThatAreNotOnTheCalendarAreRefused) {
    json c = CreateCustomer(alice_.token, {{"name", "日期测试公司"}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    for (const char* bad : {"0000-01-01T00:00:00Z", "0000-12-31T08:00:00+08:00",
                            "2026-02-30T08:00:00Z", "2026-04-31T08:00:00Z", "2025-02-29T00:00:00Z",
                            "0001-01-01T00:00:00+01:00", "10000-01-01T00:00:00Z"}) {
        Reply r = Call("PATCH", path, {{"next_contact_at", bad}}, alice_.token);
        EXPECT_EQ(r.status, 422) << bad << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("next_contact_at")) << bad;
        Reply f =
            Call("POST", path + "/followups",
                 {{"kind", "call"}, {"content", "电话"}, {"contacted_at", bad}}, alice_.token);
        EXPECT_EQ(f.status, 422) << bad << " → " << f.raw.body;
        EXPECT_TRUE(f.body["error"]["details"]["fields"].contains("contacted_at")) << bad;
    }
    for (const char* filter : {"created_after=0000-01-01", "next_contact_before=2026-02-30",
                               "created_before=0000-06-01T00:00:00Z"}) {
        Reply r = Call("GET", std::string("/api/v1/customers?") + filter, nullptr, alice_.token);
        EXPECT_EQ(r.status, 400) << filter << " → " << r.raw.body;
    }
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).body["version"], 1);  // nothing changed
    Reply leap = Call("PATCH", path, {{"next_contact_at", "2028-02-29T08:00:00Z"}}, alice_.token);
    EXPECT_EQ(leap.status, 200) << leap.raw.body;
    EXPECT_EQ(leap.body["next_contact_at"], "2028-02-29T08:00:00Z");
}

TEST_P(InputValuesTest, APhoneMustLookLikeAPhone) {
    json c = CreateCustomer(alice_.token, {{"name", "电话测试公司"}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    const std::int64_t user_id = alice_.id;
    for (const char* bad : {"2026-11-28", "2026.11.28", "12-34", "138 0013 8000 call",
                            "1-800-FLOWERS", "+86+13800138000", "13800138000 ext", "---"}) {
        Reply customer = Call("PATCH", path, {{"phone", bad}}, alice_.token);
        EXPECT_EQ(customer.status, 422) << bad << " → " << customer.raw.body;
        EXPECT_TRUE(customer.body["error"]["details"]["fields"].contains("phone")) << bad;
        Reply contact =
            Call("POST", path + "/contacts", {{"name", "王"}, {"phone", bad}}, alice_.token);
        EXPECT_EQ(contact.status, 422) << bad << " → " << contact.raw.body;
        Reply user =
            Call("PATCH", "/api/v1/users/" + std::to_string(user_id), {{"phone", bad}}, admin());
        EXPECT_EQ(user.status, 422) << bad << " → " << user.raw.body;
        EXPECT_TRUE(user.body["error"]["details"]["fields"].contains("phone")) << bad;
    }
    for (const char* good : {"138 0013 8000", "+86 (10) 6552-1234", "0755-88881234 ext 12",
                             "010-65521234转8", "95555", " 13800138000 ", ""}) {
        Reply r = Call("PATCH", path, {{"phone", good}}, alice_.token);
        EXPECT_EQ(r.status, 200) << good << " → " << r.raw.body;
    }
}

// Reads one member of a zip archive (an XLSX workbook) whole.
std::string ZipMember(const std::string& archive, const char* member) {
    int error = 0;
    zip_t* zip = zip_open(archive.c_str(), ZIP_RDONLY, &error);
    if (zip == nullptr) return "";
    std::string out;
    if (zip_file_t* file = zip_fopen(zip, member, 0)) {
        char buffer[4096];
        zip_int64_t n = 0;
        while ((n = zip_fread(file, buffer, sizeof buffer)) > 0)
            out.append(buffer, static_cast<size_t>(n));
        zip_fclose(file);
    }
    zip_close(zip);
    return out;
}

TEST_P(InputValuesTest, XlsxExportWritesFormulaLikeTextAsTextWithoutAnApostrophe) {
    CreateCustomer(alice_.token, {{"name", "=1+1"},
                                  {"region", "+华东"},
                                  {"industry", "-制造"},
                                  {"source", "@展会"},
                                  {"address", "=HYPERLINK(\"http://x\")"}});
    Reply xlsx = Call("GET", "/api/v1/customers/export?format=xlsx", nullptr, admin());
    ASSERT_EQ(xlsx.status, 200);
    const std::string file = (std::filesystem::temp_directory_path() /
                              ("guanxi-export-test-" + std::to_string(::getpid()) + ".xlsx"))
                                 .string();
    std::ofstream(file, std::ios::binary) << xlsx.raw.body;

    // Read back with the import's reader: the cells hold the text as typed.
    auto reader = io::OpenXlsx(file);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    std::vector<std::string> header, row;
    ASSERT_TRUE(*(*reader)->Next(header));
    ASSERT_TRUE(*(*reader)->Next(row));
    std::map<std::string, std::string> cells;
    for (size_t i = 0; i < header.size() && i < row.size(); ++i) cells[header[i]] = row[i];
    EXPECT_EQ(cells["Name"], "=1+1");
    EXPECT_EQ(cells["Region"], "+华东");
    EXPECT_EQ(cells["Industry"], "-制造");
    EXPECT_EQ(cells["Source"], "@展会");
    EXPECT_EQ(cells["Address"], "=HYPERLINK(\"http://x\")");
    // And in the sheet's XML: string cells, no formula anywhere.
    const std::string sheet = ZipMember(file, "xl/worksheets/sheet1.xml");
    const std::string strings = ZipMember(file, "xl/sharedStrings.xml");
    ASSERT_FALSE(sheet.empty());
    EXPECT_EQ(sheet.find("<f>"), std::string::npos) << sheet;
    EXPECT_NE(strings.find("<t>=1+1</t>"), std::string::npos) << strings;
    EXPECT_EQ(strings.find("'="), std::string::npos) << strings;
    std::filesystem::remove(file);

    // CSV has no cell types: there the apostrophe stays.
    Reply csv = Call("GET", "/api/v1/customers/export?format=csv", nullptr, admin());
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.raw.body.find(",'=1+1,"), std::string::npos) << csv.raw.body;
    EXPECT_NE(csv.raw.body.find("'+华东"), std::string::npos);
    EXPECT_NE(csv.raw.body.find("'@展会"), std::string::npos);
}

GUANXI_API_TEST_SUITE(InputValuesTest);

}  // namespace
}  // namespace guanxi::testing
