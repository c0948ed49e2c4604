#pragma once

#include "http/router.hpp"
#include "mail/outbox.hpp"

namespace guanxi::mail {

// users.manage:
//   GET/PUT /api/v1/settings/smtp, POST /api/v1/settings/smtp/test {"to"} — sends a test e-mail now
//   and answers {"sent": true, "message": ...} or {"sent": false, "error": "<the SMTP error>"};
//   GET /api/v1/deliveries[?status=&recipient=], GET /api/v1/deliveries/{id} (bodies and the
//   attempt log), POST /api/v1/deliveries/{id}/retry (a dead or failed one, due at once).
void RegisterMailRoutes(http::Router& router, db::Database& db, Outbox& outbox);

}  // namespace guanxi::mail
