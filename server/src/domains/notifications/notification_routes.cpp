#include "domains/notifications/notification_routes.hpp"

namespace guanxi::notifications {

using http::Context;
using http::Response;
using nlohmann::json;

void RegisterNotificationRoutes(http::Router& router, NotificationStore& store,
                                NotificationHub& hub, http::Authenticator authenticate) {
    router.Add("GET", "/api/v1/notifications", [&store](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(
            http::ListQuery query,
            http::ParseListQuery(ctx.request().query, NotificationStore::ListSpecification()));
        GX_TRY_ASSIGN(json page, store.List(ctx.user(), query, NowSeconds()));
        return Response::Json(200, page);
    });
    router.Add(
        "GET", "/api/v1/notifications/unread-count", [&store](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t unread, store.UnreadCount(ctx.user().user_id, NowSeconds()));
            return Response::Json(200, {{"unread", unread}});
        });
    router.Add("POST", "/api/v1/notifications/{id}/read",
               [&store, &hub](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   const UnixSeconds now = NowSeconds();
                   GX_TRY(store.MarkRead(ctx.user(), id, now));
                   hub.SendUnread(ctx.user().user_id, now);
                   return Response::NoContent();
               });
    router.Add("POST", "/api/v1/notifications/read-all",
               [&store, &hub](Context& ctx) -> Result<Response> {
                   const UnixSeconds now = NowSeconds();
                   GX_TRY_ASSIGN(std::int64_t read, store.ReadAll(ctx.user(), now));
                   hub.SendUnread(ctx.user().user_id, now);
                   return Response::Json(200, {{"read", read}});
               });
    router.Add("POST", "/api/v1/notifications/{id}/snooze",
               [&store, &hub](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json body, ctx.JsonBody());
                   const UnixSeconds now = NowSeconds();
                   GX_TRY_ASSIGN(json snoozed, store.Snooze(ctx.user(), id, body, now));
                   hub.SendUnread(ctx.user().user_id, now);
                   return Response::Json(200, snoozed);
               });
    router.Add("POST", "/api/v1/notifications/{id}/dismiss",
               [&store, &hub](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   const UnixSeconds now = NowSeconds();
                   GX_TRY(store.Dismiss(ctx.user(), id, now));
                   hub.SendUnread(ctx.user().user_id, now);
                   return Response::NoContent();
               });
    // EventSource reconnects by itself and sends the last event's id; the stream then starts
    // with what came after it.
    router.Add("GET", "/api/v1/notifications/stream",
               [&hub, authenticate](Context& ctx) -> Result<Response> {
                   // The stream outlives the request: it keeps the credentials (cookie or bearer
                   // token, no body) to ask again whether its session holds, and as whom.
                   SessionCheck signed_in;
                   if (authenticate) {
                       http::Request credentials;
                       credentials.method = "GET";
                       for (const char* name : {"cookie", "authorization"}) {
                           if (auto value = ctx.request().Header(name))
                               credentials.headers[name] = *value;
                       }
                       signed_in = [authenticate, credentials = std::move(credentials),
                                    user_id = ctx.user().user_id] {
                           auto principal = authenticate(credentials);
                           return principal.ok() && principal->user_id == user_id;
                       };
                   }
                   GX_TRY_ASSIGN(auto stream, hub.Subscribe(ctx.user().user_id,
                                                            ctx.request().Header("last-event-id"),
                                                            NowSeconds(), std::move(signed_in)));
                   Response response;
                   response.events = std::move(stream);
                   return response;
               });
}

}  // namespace guanxi::notifications
