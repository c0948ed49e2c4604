// One's own account (issue #14, item 6): PATCH /me changes the profile — display name, phone,
// e-mail, language, time zone — and nothing an administrator sets; POST /me/password changes the
// password, ends every other session and keeps the current one, and is throttled like a login.

#include "api_test_support.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class MeTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_ = CreateDepartment("销售一部");
        alice_ = CreateUser("alice", RoleId("sales"), dept_);
    }

    Reply ChangePassword(const std::string& current, const std::string& next,
                         const std::string& token, const std::string& ip = "10.0.0.1") {
        return Call("POST", "/api/v1/me/password",
                    {{"current_password", current}, {"new_password", next}}, token, ip);
    }

    std::int64_t dept_ = 0;
    TestUser alice_;
};

TEST_P(MeTest, TheProfileIsChangedAndShownByMe) {
    const json profile = {{"display_name", "张伟"},
                          {"phone", "138 0013 8000"},
                          {"email", "zhang.wei@example.cn"},
                          {"language", "en"},
                          {"time_zone", "Europe/Berlin"}};
    Reply r = Call("PATCH", "/api/v1/me", profile, alice_.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    Reply me = Call("GET", "/api/v1/me", nullptr, alice_.token);
    for (const auto& [key, value] : profile.items()) {
        EXPECT_EQ(r.body[key], value) << key;
        EXPECT_EQ(me.body[key], value) << key;
    }
    EXPECT_TRUE(me.body["permissions"].is_array());
    // Cleared with null (the phone), and the time zone back to the default.
    r = Call("PATCH", "/api/v1/me", {{"phone", nullptr}, {"time_zone", nullptr}}, alice_.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_TRUE(r.body["phone"].is_null());
    EXPECT_TRUE(r.body["time_zone"].is_null());
    EXPECT_EQ(r.body["email"], "zhang.wei@example.cn");
}

TEST_P(MeTest, BadValuesAndAnAdministratorsFieldsAreA422NamingThemAndChangeNothing) {
    const json before = Call("GET", "/api/v1/me", nullptr, alice_.token).body;
    const std::vector<std::pair<std::string, json>> bad = {
        {"language", "fr"},
        {"language", nullptr},
        {"time_zone", "Mars/Olympus"},
        {"time_zone", "+08:00"},
        {"time_zone", "Asia/../../etc/passwd"},
        {"email", "not-an-address"},
        {"phone", "call me"},
        {"display_name", ""},
        {"display_name", nullptr},
        {"display_name", std::string(101, 'x')},
        {"role_id", RoleId("admin")},
        {"department_id", nullptr},
        {"username", "root"},
        {"manager_id", 1},
        {"active", false},
        {"password", "Kx9-lantern-204"},
    };
    for (const auto& [field, value] : bad) {
        Reply r = Call("PATCH", "/api/v1/me", {{field, value}}, alice_.token);
        EXPECT_EQ(r.status, 422) << field << "=" << value.dump() << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(field)) << r.raw.body;
    }
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).body, before);
}

TEST_P(MeTest, ChangingThePasswordEndsTheOtherSessionsAndKeepsThisOne) {
    const std::string phone = Login("alice", kPassword);
    const std::string laptop = Login("alice", kPassword);
    Reply changed = ChangePassword(kPassword, "Kx9-lantern-204", alice_.token);
    ASSERT_EQ(changed.status, 204) << changed.raw.body;
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).status, 200);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, phone).status, 401);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, laptop).status, 401);
    EXPECT_EQ(
        Call("POST", "/api/v1/auth/login", {{"username", "alice"}, {"password", kPassword}}).status,
        401);
    EXPECT_FALSE(Login("alice", "Kx9-lantern-204").empty());
    // Audited, without the password.
    Reply log = Call("GET", "/api/v1/audit-log?page_size=50", nullptr, admin());
    bool found = false;
    for (const auto& entry : log.body["items"]) {
        const nlohmann::json& details = entry["details"];
        const nlohmann::json changes = details.is_object() && details.contains("changes")
                                           ? details["changes"]
                                           : nlohmann::json::object();
        if (entry["action"] == "user.update" && changes.contains("password")) {
            EXPECT_EQ(changes["password"]["after"], "(changed)");
            EXPECT_EQ(entry["details"].dump().find("Kx9"), std::string::npos);
            found = true;
        }
    }
    EXPECT_TRUE(found) << log.raw.body;
}

TEST_P(MeTest, AWrongCurrentPasswordOrAWeakNewOneIsA422NamingItAndChangesNothing) {
    const std::string other = Login("alice", kPassword);
    Reply wrong = ChangePassword("not-my-password", "Kx9-lantern-204", alice_.token);
    EXPECT_EQ(wrong.status, 422) << wrong.raw.body;
    EXPECT_TRUE(wrong.body["error"]["details"]["fields"].contains("current_password"));
    Reply weak = ChangePassword(kPassword, "alice123", alice_.token);
    EXPECT_EQ(weak.status, 422) << weak.raw.body;
    EXPECT_TRUE(weak.body["error"]["details"]["fields"].contains("new_password"));
    for (const json& body : {json{{"current_password", kPassword}},
                             json{{"current_password", kPassword}, {"new_password", 12345678}},
                             json{{"current_password", kPassword},
                                  {"new_password", "Kx9-lantern-204"},
                                  {"user_id", 1}}}) {
        EXPECT_EQ(Call("POST", "/api/v1/me/password", body, alice_.token).status, 422)
            << body.dump();
    }
    // Nothing changed: the old password logs in, the other session is still open.
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, other).status, 200);
    EXPECT_FALSE(Login("alice", kPassword).empty());
}

TEST_P(MeTest, WrongCurrentPasswordsAreThrottledLikeFailedLogins) {
    Reply last;
    int refused = 0;
    for (int i = 0; i < 6; ++i) {
        last = ChangePassword("guess-" + std::to_string(i), "Kx9-lantern-204", alice_.token,
                              "10.9.0.1");
        if (last.status == 429) ++refused;
    }
    EXPECT_EQ(refused, 1) << last.raw.body;  // the sixth, after five failures
    EXPECT_EQ(last.code(), "rate_limited");
    // Even the right password is refused from there while the lock lasts, as a login would be.
    EXPECT_EQ(ChangePassword(kPassword, "Kx9-lantern-204", alice_.token, "10.9.0.1").status, 429);
    EXPECT_EQ(Call("POST", "/api/v1/auth/login", {{"username", "alice"}, {"password", kPassword}},
                   "", "10.9.0.1")
                  .status,
              429);
}

GUANXI_API_TEST_SUITE(MeTest);

}  // namespace
}  // namespace guanxi::testing
