// The audit log's list of actions (what the web has a sentence for) against the sources: every
// action a service writes is on it, so a new action without a sentence fails the web's check
// instead of showing up raw.
#include "domains/audit/audit_service.hpp"
#include "domains/record_types.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace guanxi::audit {
namespace {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> Sources() {
    // __FILE__ is relative to the build directory, two above the binary (build/<preset>).
    fs::path file(__FILE__);
    if (file.is_relative()) file = fs::path(GUANXI_BINARY).parent_path().parent_path() / file;
    const fs::path src = file.lexically_normal().parent_path().parent_path().parent_path();
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".cpp" || name.find("_test") != std::string::npos) continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        out.emplace_back(name, text.str());
    }
    return out;
}

std::set<std::string> Matches(const std::string& text, const std::regex& pattern) {
    std::set<std::string> found;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
         it != std::sregex_iterator(); ++it) {
        found.insert((*it)[1]);
    }
    return found;
}

TEST(AuditActionsTest, EveryActionTheServicesWriteIsListed) {
    std::vector<std::string> types;
    for (const auto& type : RecordTypes().types()) types.push_back(type->type.singular);
    const std::vector<std::string> all = AllActions(types);
    const auto listed = [&](const std::string& action) {
        return std::find(all.begin(), all.end(), action) != all.end();
    };
    // audit::Record(conn, caller, {"customer.update", ...}) and RecordAnonymous(..., {"auth...
    static const std::regex kLiteral(
        R"re(Record(?:Anonymous)?\([^{;]*\{\s*"([a-z_]+\.[a-z_]+)")re");
    // The kit's Audit(conn, caller, type, "create", ...) and the custom fields' Audit(conn,
    // caller, "create", def).
    static const std::regex kKitVerb(R"re(Audit\(conn, caller, type, "([a-z_]+)")re");
    static const std::regex kCustomFieldVerb(R"re(Audit\(conn, caller, "([a-z_]+)")re");
    size_t found = 0;
    for (const auto& [file, text] : Sources()) {
        for (const std::string& action : Matches(text, kLiteral)) {
            EXPECT_TRUE(listed(action)) << file << " writes " << action;
            ++found;
        }
        for (const std::string& verb : Matches(text, kKitVerb)) {
            for (const std::string& type : types) {
                EXPECT_TRUE(listed(type + "." + verb)) << file << ": " << type << "." << verb;
            }
            ++found;
        }
        for (const std::string& verb : Matches(text, kCustomFieldVerb)) {
            EXPECT_TRUE(listed("custom_field." + verb)) << file << ": custom_field." << verb;
            ++found;
        }
    }
    EXPECT_GT(found, 15u) << "the scan finds the calls it should";
    EXPECT_TRUE(listed("deal.update"));
    EXPECT_TRUE(listed("department.export"));
}

}  // namespace
}  // namespace guanxi::audit
