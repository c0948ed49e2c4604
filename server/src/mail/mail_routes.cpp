#include "mail/mail_routes.hpp"

#include "core/text.hpp"
#include "http/list_query.hpp"
#include "mail/smtp_settings_store.hpp"

namespace guanxi::mail {

namespace {

const http::ListSpec kSpec{{"status", "recipient"}, {"id"}, {{"id", true}}, false};

bool IsStatus(std::string_view s) {
    return s == "queued" || s == "sending" || s == "sent" || s == "failed" || s == "dead";
}

// The test e-mail, in both languages: whoever reads it may read either.
Message TestMessage(const std::string& to) {
    Message m;
    m.to = {to, ""};
    m.subject = "Guanxi 测试邮件 / test e-mail";
    m.text_body =
        "这是 Guanxi CRM 的测试邮件：SMTP 设置可以使用。\n\n"
        "This is a test e-mail from Guanxi CRM: the SMTP settings work.\n";
    m.html_body =
        "<p>这是 Guanxi CRM 的测试邮件：SMTP 设置可以使用。</p>\n"
        "<p>This is a test e-mail from Guanxi CRM: the SMTP settings work.</p>\n";
    return m;
}

}  // namespace

void RegisterMailRoutes(http::Router& router, db::Database& db, Outbox& outbox) {
    using http::Context;
    using http::Response;
    router.Add("GET", "/api/v1/settings/smtp", [&db](Context& ctx) -> Result<Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(nlohmann::json settings, SmtpSettingsJson(db));
        return Response::Json(200, settings);
    });
    router.Add("PUT", "/api/v1/settings/smtp", [&db](Context& ctx) -> Result<Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        GX_TRY_ASSIGN(nlohmann::json settings, PutSmtpSettings(db, body, ctx.user().user_id));
        return Response::Json(200, settings);
    });
    router.Add("POST", "/api/v1/settings/smtp/test", [&outbox](Context& ctx) -> Result<Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
        for (const auto& [key, value] : body.items()) {
            if (key != "to") return Error::ValidationCode(key, "unknown_field");
        }
        const auto it = body.find("to");
        if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
            return Error::ValidationCode("to", "required");
        }
        const std::string to = text::Trim(it->get<std::string>());
        if (!IsAddress(to)) return Error::ValidationCode("to", "not_an_email");
        Status sent = outbox.SendNow(TestMessage(to));
        if (!sent && sent.error().code != ErrorCode::kUnavailable) return sent.error();
        // The server's refusal is the test's result, not an error of this request.
        if (!sent) return Response::Json(200, {{"sent", false}, {"error", sent.error().message}});
        return Response::Json(200, {{"sent", true}, {"to", to}});
    });
    router.Add("GET", "/api/v1/deliveries", [&outbox](Context& ctx) -> Result<Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(http::ListQuery query, http::ParseListQuery(ctx.request().query, kSpec));
        auto status = query.Filter("status");
        if (status && !IsStatus(*status)) {
            return Error{ErrorCode::kBadRequest,
                         "status must be queued, sending, sent, failed or dead.",
                         {{"parameter", "status"}},
                         {}};
        }
        GX_TRY_ASSIGN(nlohmann::json list, outbox.List(status, query.Filter("recipient"),
                                                       query.page_size, query.Offset()));
        list["page"] = query.page;
        list["page_size"] = query.page_size;
        return Response::Json(200, list);
    });
    router.Add("GET", "/api/v1/deliveries/{id}", [&outbox](Context& ctx) -> Result<Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(nlohmann::json delivery, outbox.Get(id));
        return Response::Json(200, delivery);
    });
    router.Add("POST", "/api/v1/deliveries/{id}/retry",
               [&outbox](Context& ctx) -> Result<Response> {
                   if (!ctx.user().Can("users.manage")) return Error::Forbidden();
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(nlohmann::json delivery, outbox.Get(id));
                   GX_TRY_ASSIGN(bool retried, outbox.Retry(id));
                   if (!retried) {
                       return Error{ErrorCode::kConflict,
                                    "Only a dead or failed delivery can be retried.",
                                    {{"status", delivery["status"]}},
                                    {}};
                   }
                   GX_TRY_ASSIGN(nlohmann::json updated, outbox.Get(id));
                   return Response::Json(200, updated);
               });
}

}  // namespace guanxi::mail
