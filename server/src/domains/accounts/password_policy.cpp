#include "domains/accounts/password_policy.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <vector>

namespace guanxi::accounts {

namespace {

// The most common passwords of at least 8 characters (shorter ones fail the length rule anyway),
// from the public breach-frequency lists, lower case; a few that users of a Chinese CRM pick
// (pinyin, "520"/"1314") among them. Compared with the whole password, ASCII case ignored.
constexpr std::string_view kCommonPasswords[] = {
    "password",     "password1",    "password12",   "password123", "password1234", "password!",
    "password@123", "passw0rd",     "p@ssw0rd",     "p@ssword",    "pa$$word",     "12345678",
    "123456789",    "1234567890",   "12345678910",  "123123123",   "11111111",     "111111111",
    "1111111111",   "00000000",     "000000000",    "0000000000",  "88888888",     "888888888",
    "66666666",     "666666666",    "99999999",     "22222222",    "55555555",     "12341234",
    "12344321",     "123456abc",    "123456aa",     "a1234567",    "a12345678",    "a123456789",
    "aa123456",     "aa12345678",   "abc12345",     "abc123456",   "abcd1234",     "abcd12345",
    "abcdefgh",     "abcdefg1",     "1q2w3e4r",     "1q2w3e4r5t",  "1qaz2wsx",     "1qaz2wsx3edc",
    "qazwsx123",    "qazwsxedc",    "zaq12wsx",     "q1w2e3r4",    "q1w2e3r4t5",   "qwerty12",
    "qwerty123",    "qwerty1234",   "qwertyui",     "qwertyuiop",  "qwer1234",     "asdfghjk",
    "asdfghjkl",    "asdf1234",     "zxcvbnm1",     "zxcvbnm123",  "zxcv1234",     "iloveyou",
    "iloveyou1",    "iloveyou2",    "princess",     "princess1",   "sunshine",     "sunshine1",
    "football",     "football1",    "baseball",     "basketball",  "superman",     "batman123",
    "starwars",     "whatever",     "trustno1",     "welcome1",    "welcome123",   "welcome2024",
    "welcome2025",  "letmein1",     "letmein123",   "changeme",    "changeme1",    "changeme123",
    "computer",     "internet",     "michael1",     "jennifer",    "jordan23",     "liverpool",
    "chelsea1",     "arsenal1",     "manchester",   "charlie1",    "master123",    "dragon123",
    "monkey123",    "shadow123",    "freedom1",     "access14",    "mustang1",     "michelle",
    "corvette",     "1234qwer",     "admin123",     "admin1234",   "admin12345",   "administrator",
    "root1234",     "test1234",     "test12345",    "testtest",    "guest123",     "default1",
    "secret123",    "secret1234",   "login123",     "user1234",    "demo12345",    "qq123456",
    "qq12345678",   "woaini1314",   "woaini520",    "woaini123",   "woaini1234",   "5201314520",
    "52013145",     "13145200",     "1314520520",   "wang1234",    "zhang123",     "li123456",
    "woshishui",    "nihao123",     "aini1314",     "huang123",    "xiaoming",     "zhongguo",
    "a5201314",     "7758521a",     "147258369",    "987654321",   "9876543210",   "147852369",
    "159357456",    "123654789",    "741852963",    "11223344",    "12121212",     "13131313",
    "qwe123456",    "asd123456",    "zxc123456",    "123qweasd",   "123456qwe",    "1234abcd",
    "iloveyou!",    "password2024", "password2025", "guanxi123",   "guanxi1234",   "guanxicrm",
    "crm12345",     "company1",
};

bool Filler(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) ||
           std::ispunct(static_cast<unsigned char>(c)) || c == ' ';
}

// Lower case, without '.', '_' and '-' (the separators user names may hold).
std::string Squash(std::string_view s) {
    std::string out;
    for (char c : text::AsciiLower(s)) {
        if (c != '.' && c != '_' && c != '-') out.push_back(c);
    }
    return out;
}

bool IsUsernameVariant(std::string_view password, std::string_view username) {
    const std::string name = Squash(username);
    if (name.empty()) return false;
    // Digits, punctuation and spaces around the name are no protection: "Alice2024!", "!alice".
    std::string_view core = password;
    while (!core.empty() && Filler(core.front())) core.remove_prefix(1);
    while (!core.empty() && Filler(core.back())) core.remove_suffix(1);
    const std::string squashed = Squash(core);
    std::string reversed(name.rbegin(), name.rend());
    return squashed == name || squashed == reversed || squashed == name + name ||
           Squash(password) == name;
}

}  // namespace

std::optional<PasswordRefusal> PasswordComplaint(std::string_view password,
                                                 std::string_view username, bool administrator) {
    const std::size_t minimum =
        administrator ? kMinAdministratorPasswordLength : kMinPasswordLength;
    const std::vector<std::string_view> chars = text::CodePoints(password);
    if (chars.size() < minimum) {
        return PasswordRefusal{administrator ? "password_too_short_admin" : "password_too_short",
                               {{"min", minimum}}};
    }
    if (std::all_of(chars.begin(), chars.end(), [&](std::string_view c) { return c == chars[0]; }))
        return PasswordRefusal{"password_repeated"};
    const std::string lower = text::AsciiLower(password);
    if (std::find(std::begin(kCommonPasswords), std::end(kCommonPasswords), lower) !=
        std::end(kCommonPasswords)) {
        return PasswordRefusal{"password_common"};
    }
    if (IsUsernameVariant(password, username)) return PasswordRefusal{"password_is_username"};
    return std::nullopt;
}

}  // namespace guanxi::accounts
